"""What a statement is about: actors (not the voices it is credited to) and claim words."""

from __future__ import annotations

import pytest

from factories import make_article
from newsweave.analysis.meaning import gists, same_claim, surname_key
from newsweave.model import Entity, Sentence


def gist_of(text: str, people: list[str], places: tuple[str, ...] = ()):
    entities = [
        Entity(name, label, text.index(name), text.index(name) + len(name))
        for names, label in ((people, "PERSON"), (places, "GPE"))
        for name in names
    ]
    article = make_article(text)
    article.sentences = [Sentence(text, 0, len(text), 0)]
    article.entities = entities
    return gists(article)[0]


@pytest.mark.parametrize(
    ("name", "key"),
    [("Bashar al-Assad", "assad"), ("Mr Putin", "putin"), ("Dmitry S. Peskov", "peskov")],
)
def test_surname_key(name: str, key: str) -> None:
    assert surname_key(name) == key


def test_a_voice_is_not_an_actor() -> None:
    text = "Kremlin spokesman Dmitry Peskov said Assad had decided to send a delegation."
    assert gist_of(text, ["Dmitry Peskov", "Assad"]).actors == {"assad"}
    said = '"We will win," said Putin, who met Assad on Thursday.'
    assert gist_of(said, ["Putin", "Assad"]).actors == {"assad"}


def test_different_people_are_different_claims() -> None:
    assad = gist_of(
        "At the meeting in Sochi, Assad congratulated Putin on his new term.",
        ["Assad", "Putin"],
        ("Sochi",),
    )
    merkel = gist_of(
        "The meeting in Sochi came a day before Merkel meets with Putin.",
        ["Merkel", "Putin"],
        ("Sochi",),
    )
    assert not same_claim(assad, merkel)


def test_one_spokesman_on_two_subjects_shares_no_claim() -> None:
    a = gist_of("Peskov said the meeting had not been announced in advance.", ["Peskov"])
    b = gist_of(
        "Peskov said Assad had decided to send a delegation to the UN.", ["Peskov", "Assad"]
    )
    assert not same_claim(a, b)


def test_a_paraphrase_with_the_same_people_and_values_is_one_claim() -> None:
    a = gist_of(
        "The Syrian president flew to meet Putin in Russia in November 2017 and October 2015.",
        ["Putin"],
        ("Russia",),
    )
    b = gist_of(
        "Mr Assad's past visits to meet with Mr Putin in Russia took place in November 2017.",
        ["Assad", "Putin"],
        ("Russia",),
    )
    assert same_claim(a, b)


def test_a_sentence_pointing_back_takes_the_people_before_it() -> None:
    text = "Merkel will meet Putin on Friday. It is the first meeting between the two leaders."
    article = make_article(text)
    cut = text.index(" It") + 1
    article.sentences = [
        Sentence(text[: cut - 1], 0, cut - 1, 0),
        Sentence(text[cut:], cut, len(text), 1),
    ]
    article.entities = [
        Entity("Merkel", "PERSON", 0, 6),
        Entity("Putin", "PERSON", text.index("Putin"), text.index("Putin") + 5),
    ]
    assert gists(article)[1].actors == {"merkel", "putin"}


@pytest.fixture(scope="module")
def parser():
    from newsweave.app.pipeline import Annotator

    return Annotator().parser


def parsed_gist(parser, text: str):
    from newsweave.nlp.predicates import sentence_predicates

    article = make_article(text)
    article.sentences = [Sentence(text, 0, len(text), 0)]
    return gists(article, sentence_predicates(parser(text), article.sentences))[0]


def test_verbs_of_attribution_are_not_what_happened(parser) -> None:
    gist = parsed_gist(parser, "Rescuers found the boys alive, officials said.")
    assert gist.predicates == {"find"}


@pytest.mark.parametrize(
    ("first", "second", "shared"),
    [
        (
            "Rescuers found the 12 boys alive deep inside the flooded cave.",
            "Rescuers will take no risks in freeing the 12 boys from the flooded cave.",
            False,
        ),
        (
            "President-elect Trump picked Rick Perry to head the Energy Department.",
            "Rick Perry is expected to be announced as Trump's pick for energy secretary.",
            True,
        ),
    ],
)
def test_shared_predicate(parser, first: str, second: str, shared: bool) -> None:
    from newsweave.analysis.meaning import shares_predicate

    assert shares_predicate(parsed_gist(parser, first), parsed_gist(parser, second)) is shared


@pytest.mark.parametrize(
    ("text", "claim"),
    [
        ("Q: IS THERE A CONNECTION AMONG ALL THESE CRASHES?", False),
        ("Will Siri actually be able to speak and understand Mandarin?", False),
        ("CNN's Nima Elbagir contributed to this story.", False),
        ("Center on Wrongful Convictions Lifetime Achievement Award:", False),
        (
            "Legal in NYC but not on @instagram pic.twitter.com/YX9BymV6R6 — Scout (@Scout_Willis)",
            False,
        ),
        (
            "A Texas health care worker who cared for Duncan, who later died... (Associated Press)",
            False,
        ),
        ("Rescuers found all 12 boys alive deep inside the cave.", True),
        ('"Why would they do that?" he asked reporters on Monday.', True),
    ],
)
def test_what_states_something(text: str, claim: bool) -> None:
    from newsweave.analysis.meaning import states_something

    assert states_something(text) is claim
