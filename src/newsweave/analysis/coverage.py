"""Per outlet: what only it reports, and the widely reported facts it leaves out.

Saying an outlet left a fact out takes more than its absence from the fact: the alignment
joins a statement only when it is close enough to be sure, and an outlet that reports the
fact in a long sentence about something else too ("Putin confirmed the goal of ... and added:
'the President of Syria has made a decision to send his part of the delegation ...'") is
not shown as silent on it. A fact counts as left out only when none of the outlet's sentences
comes near any of its statements (`touch_threshold`, half the alignment's) while able to
report the same thing (`newsweave.analysis.meaning.same_claim`); a sentence is the outlet's
alone only when no other outlet's sentence comes that near it.
"""

from __future__ import annotations

from collections.abc import Sequence

from newsweave.analysis.crossref import Alignment, AlignSettings
from newsweave.analysis.meaning import gists, same_claim
from newsweave.model import Article, OutletCoverage


def coverage(
    articles: Sequence[Article], alignment: Alignment, settings: AlignSettings | None = None
) -> list[OutletCoverage]:
    """Per outlet: what only it reports, and the widely reported facts it leaves out."""
    settings = settings or AlignSettings()
    facts, units = alignment.facts, alignment.units
    aligned = {(s.article_id, s.sentence_index) for f in facts for s in f.statements}
    widely = [(f, g) for f, g in zip(facts, alignment.groups, strict=True) if f.sources >= 2]
    gist = {a.id: gists(a) for a in articles}

    def touches(article_ids: set[str], group: list[int]) -> bool:
        return any(
            alignment.sims[k, j] >= settings.touch_threshold
            and same_claim(gist[u.article.id][u.index], gist[units[j].article.id][units[j].index])
            for k, u in enumerate(units)
            if u.article.id in article_ids
            for j in group
        )

    out = []
    outlets = list(dict.fromkeys(a.outlet_label for a in articles))
    for outlet in outlets:
        own = [a for a in articles if a.outlet_label == outlet]
        own_ids = {a.id for a in own}
        others = {a.id for a in articles if a.id not in own_ids}
        exclusive = [
            u.text
            for k, u in enumerate(units)
            if u.article.id in own_ids
            and (u.article.id, u.index) not in aligned
            and not touches(others, [k])
        ][: settings.exclusive_limit]
        missing = [
            f.text
            for f, group in widely
            if not own_ids & set(f.article_ids) and not touches(own_ids, group)
        ]
        out.append(OutletCoverage(outlet, exclusive, missing))
    return out
