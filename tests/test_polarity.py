"""Polarity disagreements: one outlet denies what another states, not merely a "not" among
words one version adds."""

from __future__ import annotations

import pytest

from factories import make_article, split_sentences
from newsweave.analysis.crossref import align, find_disagreements
from newsweave.model import Article


def pair(first: str, second: str) -> list[Article]:
    return [
        make_article(first, outlet="Herald", published="2024-03-01", split=split_sentences),
        make_article(second, outlet="Daily Post", published="2024-03-01", split=split_sentences),
    ]


def polarity(first: str, second: str) -> list[str]:
    found = find_disagreements(align(pair(first, second)))
    return [v.value for d in found if d.kind == "polarity" for v in d.versions]


def test_a_denial_of_the_same_claim_is_a_disagreement() -> None:
    assert polarity(
        "The ministry said its jets struck the market in the northern town on Tuesday.",
        "The ministry said its jets never struck the market in the northern town on Tuesday.",
    ) == ["affirms", "negates"]


@pytest.mark.parametrize(
    ("first", "second"),
    [
        (
            '"I want to thank my family for believing in me all these years," he said.',
            '"Last but not least, I want to thank my family for believing in me all these years,"'
            " he said.",
        ),
        (
            "The information wasn’t disclosed earlier because officials feared for the inquiry.",
            "The information was not disclosed earlier because officials feared for the inquiry.",
        ),
    ],
)
def test_a_not_among_added_words_or_spelt_otherwise_is_none(first: str, second: str) -> None:
    assert polarity(first, second) == []
