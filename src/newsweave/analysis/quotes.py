"""One remark across outlets: direct quotes matched into one `StoryQuote` with every wording.

Translations and rewrites of one remark share their content words even when the grammar
differs; speakers are named as the story names its people (`canonical_speaker`).
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Sequence

from newsweave.analysis.crossref import AlignSettings
from newsweave.model import Article, QuoteVariant, StoryEntity, StoryQuote, normalise_body
from newsweave.nlp.canonical import canonical_person
from newsweave.nlp.quotes import Quote
from newsweave.tfidf import tokens


def canonical_speaker(speaker: str | None, entities: Sequence[StoryEntity]) -> str | None:
    """The story's name for a quote's speaker ("Bashar Assad" -> "Bashar al-Assad", "Dmitry S.
    Peskov" -> "Dmitry Peskov"), so that the speaker names one of the story's entities; the
    speaker as resolved in its article when the story has no such person ("the Russian
    site")."""
    return canonical_person(speaker, entities) or speaker


def _same_words(a: set[str], b: set[str], settings: AlignSettings) -> bool:
    shared = len(a & b)
    return shared >= settings.quote_min_shared and shared >= settings.quote_containment * min(
        len(a), len(b)
    )


def match_quotes(
    articles: Sequence[Article],
    quotes: dict[str, list[Quote]],
    entities: Sequence[StoryEntity],
    settings: AlignSettings | None = None,
) -> list[StoryQuote]:
    """One `StoryQuote` per thing said, with every outlet's wording as a variant.

    Two direct quotes are the same speech when their speakers agree (or one is unknown) and
    most of the content words of the shorter occur in the longer: translations of one
    remark share their nouns even when the grammar differs.
    """
    settings = settings or AlignSettings()
    by_id = {a.id: a for a in articles}
    items = [
        (article_id, q, set(tokens(q.text)), canonical_speaker(q.speaker, entities))
        for article_id, found in quotes.items()
        for q in found
        if q.direct and len(q.text.split()) >= settings.quote_min_words
    ]
    groups: list[list[int]] = []
    for k, (article_id, _, words, speaker) in enumerate(items):
        for group in groups:
            g_speakers = {items[m][3] for m in group if items[m][3]}
            if speaker and g_speakers and speaker not in g_speakers:
                continue
            if any(
                items[m][0] != article_id and _same_words(words, items[m][2], settings)
                for m in group
            ):
                group.append(k)
                break
        else:
            groups.append([k])
    out = []
    for group in groups:
        wordings: dict[str, list[int]] = defaultdict(list)
        for m in group:  # one wording whatever its quotation marks, case or spacing
            wordings[normalise_body(items[m][1].text)].append(m)
        ranked = sorted(wordings.values(), key=lambda ms: (-len({items[m][0] for m in ms}), ms[0]))
        variants = []
        for members in ranked:
            text = " ".join(items[members[0]][1].text.split())
            ids = list(dict.fromkeys(items[m][0] for m in members))
            variants.append(
                QuoteVariant(text, list(dict.fromkeys(by_id[i].outlet_label for i in ids)), ids)
            )
        ids = list(dict.fromkeys(items[m][0] for m in group))
        speakers = [s for m in group if (s := items[m][3])]
        cues = [c for m in group if (c := items[m][1].cue)]
        out.append(
            StoryQuote(
                text=variants[0].text,
                speaker=_most_common(speakers),
                cue=_most_common(cues),
                outlets=list(dict.fromkeys(by_id[i].outlet_label for i in ids)),
                article_ids=ids,
                variants=variants,
            )
        )
    return sorted(out, key=lambda q: -len(q.article_ids))


def _most_common(values: list[str]) -> str | None:
    """The value given most often; of several as often, the one given first (whatever the
    hash order of strings in this process: the same input gives the same story)."""
    return Counter(values).most_common(1)[0][0] if values else None
