"""Polarity conflicts: one outlet denies what another states.

Only statements of one fact (`newsweave.analysis.crossref.align`) at least `polarity_threshold`
alike are compared, and a negation counts only where it denies the shared claim: the content
words right after it are all in the other version. A "not" among words one version adds ("last
but not least") changes no shared claim, and two wordings of one negative ("impossible to
verify", "could not be verified") are no conflict: a version with any negative word does not
affirm.
"""

from __future__ import annotations

import re

from newsweave.analysis.claims import GRAMMAR_WORDS
from newsweave.analysis.crossref import Alignment, AlignSettings
from newsweave.model import Disagreement, Version

_NEGATION = re.compile(r"\b(?:not|no|never|neither|nor|denied|denies)\b|n['’]t\b", re.I)
_NEGATIVE = re.compile(
    r"\b(?:not|no|never|neither|nor|none|nobody|nothing|without|cannot|impossible|unable|"
    r"unclear|unconfirmed|unverified|denied|denies|deny|refused|refuses|failed|fails|"
    r"declined|declines|lack|lacks|lacked)\b|n['’]t\b",
    re.I,
)
_EMBED = re.compile(r"pic\.twitter\.com|@\w+\)|https?://")
_CLAIM_WORDS = 3  # the content words after a negation that say what it denies


def _stems(text: str) -> list[str]:
    return [w.lower()[:5] for w in re.findall(r"[^\W\d_]{2,}", text)]


def denies(negated: str, other: str) -> bool:
    """Whether a negation in `negated` denies what `other` says: the content words right
    after it ("not *target civilians*") are all in `other`."""
    present = set(_stems(other))
    for match in _NEGATION.finditer(negated):
        after = [w for w in _stems(negated[match.end() :]) if w not in GRAMMAR_WORDS]
        claim = after[:_CLAIM_WORDS]
        if claim and all(w in present for w in claim):
            return True
    return False


def polarity_conflicts(alignment: Alignment, settings: AlignSettings) -> list[Disagreement]:
    """At most one polarity conflict a fact: the closest affirming and denying statements."""
    sims, units = alignment.sims, alignment.units
    out = []
    for indices in alignment.groups:
        found: tuple[int, int] | None = None
        for x, i in enumerate(indices):
            for j in indices[x + 1 :]:
                if found is not None or sims[i, j] < settings.polarity_threshold:
                    continue
                negative = (
                    bool(_NEGATIVE.search(units[i].text)),
                    bool(_NEGATIVE.search(units[j].text)),
                )
                if negative[0] == negative[1] or units[i].text == units[j].text:
                    continue
                if units[i].article.outlet_label == units[j].article.outlet_label:
                    continue  # one outlet's reports through the day: it does not deny itself
                if _EMBED.search(units[i].text) or _EMBED.search(units[j].text):
                    continue  # an embedded post quoted by two outlets, one with a reply
                no, yes = (i, j) if negative[0] else (j, i)
                if _NEGATION.search(units[no].text) and denies(units[no].text, units[yes].text):
                    found = (yes, no)
        if found is not None:
            affirms, negates = (units[k] for k in found)
            out.append(Disagreement("polarity", "polarity", [
                Version(affirms.article.outlet_label, affirms.article.id, affirms.text, "affirms"),
                Version(negates.article.outlet_label, negates.article.id, negates.text, "negates"),
            ]))  # fmt: skip
    return out
