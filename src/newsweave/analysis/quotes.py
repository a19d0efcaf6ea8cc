"""One remark across outlets: direct quotes matched into one `StoryQuote` with every wording.

Translations and rewrites of one remark share their content words even when the grammar
differs; speakers are named as the story names its people (`canonical_speaker`).
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import dataclass

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


def _same_words(a: frozenset[str], b: frozenset[str], settings: AlignSettings) -> bool:
    shared = len(a & b)
    return shared >= settings.quote_min_shared and shared >= settings.quote_containment * min(
        len(a), len(b)
    )


@dataclass(frozen=True, slots=True)
class QuoteItem:
    """One direct quote of one article, as matched across outlets."""

    article_id: str
    quote: Quote
    words: frozenset[str]
    speaker: str | None  # the story's name for the speaker (`canonical_speaker`)


def group_quotes(
    quotes: dict[str, list[Quote]],
    entities: Sequence[StoryEntity],
    settings: AlignSettings | None = None,
) -> list[list[QuoteItem]]:
    """The story's direct quotes grouped by the remark they give.

    Two direct quotes are the same speech when their speakers agree (or one is unknown) and
    most of the content words of the shorter occur in the longer: translations of one
    remark share their nouns even when the grammar differs.
    """
    settings = settings or AlignSettings()
    items = [
        QuoteItem(article_id, q, frozenset(tokens(q.text)), canonical_speaker(q.speaker, entities))
        for article_id, found in quotes.items()
        for q in found
        if q.direct and len(q.text.split()) >= settings.quote_min_words
    ]
    groups: list[list[QuoteItem]] = []
    for item in items:
        for group in groups:
            speakers = {m.speaker for m in group if m.speaker}
            if item.speaker and speakers and item.speaker not in speakers:
                continue
            if any(
                m.article_id != item.article_id and _same_words(item.words, m.words, settings)
                for m in group
            ):
                group.append(item)
                break
        else:
            groups.append([item])
    return groups


def remark_sentences(
    articles: Sequence[Article], groups: Sequence[Sequence[QuoteItem]]
) -> list[set[tuple[str, int]]]:
    """For each remark quoted by two articles or more, the (article id, sentence index) of
    every sentence carrying a part of it: sentences that give one remark state one thing,
    however differently they translate it."""
    by_id = {a.id: a for a in articles}
    out = []
    for group in groups:
        if len({m.article_id for m in group}) < 2:
            continue
        carriers = {
            (m.article_id, s.index)
            for m in group
            for s in by_id[m.article_id].sentences
            if s.start < m.quote.end and m.quote.start < s.end
        }
        out.append(carriers)
    return out


def match_quotes(
    articles: Sequence[Article],
    quotes: dict[str, list[Quote]],
    entities: Sequence[StoryEntity],
    settings: AlignSettings | None = None,
) -> list[StoryQuote]:
    """One `StoryQuote` per thing said, with every outlet's wording as a variant."""
    return story_quotes(articles, group_quotes(quotes, entities, settings))


def story_quotes(
    articles: Sequence[Article], groups: Sequence[Sequence[QuoteItem]]
) -> list[StoryQuote]:
    """The `StoryQuote` of each group of `group_quotes`, most carried first."""
    by_id = {a.id: a for a in articles}
    out = []
    for group in groups:
        wordings: dict[str, list[QuoteItem]] = defaultdict(list)
        for m in group:  # one wording whatever its quotation marks, case or spacing
            wordings[normalise_body(m.quote.text)].append(m)
        ranked = sorted(
            wordings.values(),
            key=lambda ms: (-len({m.article_id for m in ms}), group.index(ms[0])),
        )
        variants = []
        for members in ranked:
            text = " ".join(members[0].quote.text.split())
            ids = list(dict.fromkeys(m.article_id for m in members))
            variants.append(
                QuoteVariant(text, list(dict.fromkeys(by_id[i].outlet_label for i in ids)), ids)
            )
        ids = list(dict.fromkeys(m.article_id for m in group))
        speakers = [m.speaker for m in group if m.speaker]
        cues = [m.quote.cue for m in group if m.quote.cue]
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
