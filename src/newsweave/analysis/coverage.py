"""Per outlet: what only it reports, and the widely reported facts it leaves out."""

from __future__ import annotations

from collections.abc import Sequence

from newsweave.analysis.crossref import Alignment, AlignSettings
from newsweave.model import Article, OutletCoverage


def coverage(
    articles: Sequence[Article], alignment: Alignment, settings: AlignSettings | None = None
) -> list[OutletCoverage]:
    """Per outlet: what only it reports, and the widely reported facts it leaves out."""
    settings = settings or AlignSettings()
    facts, units = alignment.facts, alignment.units
    aligned = {(s.article_id, s.sentence_index) for f in facts for s in f.statements}
    widely = [f for f in facts if f.sources >= 2]
    out = []
    outlets = list(dict.fromkeys(a.outlet_label for a in articles))
    for outlet in outlets:
        own = [a for a in articles if a.outlet_label == outlet]
        own_ids = {a.id for a in own}
        exclusive = [
            u.text
            for u in units
            if u.article.id in own_ids and (u.article.id, u.index) not in aligned
        ][: settings.exclusive_limit]
        missing = [f.text for f in widely if not own_ids & set(f.article_ids)]
        out.append(OutletCoverage(outlet, exclusive, missing))
    return out
