"""Disagreements a reader can trust: a denial of the same claim, not a "not" among words one
version adds; a figure or date compared only where a sentence states one."""

from __future__ import annotations

import pytest

from factories import make_article, split_sentences
from newsweave.analysis.crossref import align
from newsweave.analysis.disagreements import find_disagreements
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


def disagreements(first: str, second: str) -> list[str]:
    return [d.about for d in find_disagreements(align(pair(first, second)))]


def test_a_unit_with_two_values_in_one_sentence_is_not_compared() -> None:
    assert (
        disagreements(
            "Workers spend 70 minutes on their phones and 48 minutes on chores each working day.",
            "Workers spend 48 minutes on chores and 70 minutes on their phones each working day.",
        )
        == []
    )


def test_a_sentence_with_two_dates_is_not_compared_by_date() -> None:
    assert (
        disagreements(
            "The chain made a profit of $33.7 million in 2013 and lost money in 2014, it said.",
            "The chain lost money in 2014 after a profit of $33.7 million in 2013, it said.",
        )
        == []
    )


def test_one_figure_changed_is_still_a_disagreement() -> None:
    (about,) = disagreements(
        "Floods in the northern province have killed 12 people since Monday, officials said.",
        "Floods in the northern province have killed 20 people since Monday, officials said.",
    )
    assert about.startswith("number")
