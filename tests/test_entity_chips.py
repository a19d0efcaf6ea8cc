"""Which entities a story card shows as chips: each entity once, under one name, and none
of the names that tell a reader nothing (regions, dates, nationalities, outlets, noise)."""

from __future__ import annotations

from newsweave.app.entity_chips import chip_entities, is_junk
from newsweave.store.browse import EntityRef, StoryCard
from newsweave.web.coverage import coverage_bar, outlet_kind


def names(*entities: tuple[str, str], outlets: tuple[str, ...] = (), limit: int = 5) -> list[str]:
    refs = [EntityRef(name, type_) for name, type_ in entities]
    return [e.name for e in chip_entities(refs, outlets, limit)]


def test_one_person_one_chip() -> None:
    assert names(("Vladimir Putin", "PERSON"), ("Putin", "PERSON")) == ["Vladimir Putin"]
    assert names(("Mr Putin", "PERSON"), ("Sochi", "GPE"), ("Vladimir Putin", "PERSON")) == [
        "Vladimir Putin",
        "Sochi",
    ]
    assert names(("Dmitry S. Peskov", "PERSON"), ("Dmitry Peskov", "PERSON")) == [
        "Dmitry S. Peskov"
    ]
    assert names(("Emma Roma Jayne", "PERSON"), ("Roma Jayne", "PERSON")) == ["Emma Roma Jayne"]
    # two people of one family stay two
    assert names(("Bashar al-Assad", "PERSON"), ("Hafez al-Assad", "PERSON")) == [
        "Bashar al-Assad",
        "Hafez al-Assad",
    ]


def test_one_place_or_body_one_chip() -> None:
    assert names(("US", "GPE"), ("United States", "GPE"), ("U.S.", "GPE")) == ["United States"]
    assert names(("U.S.", "GPE"), ("UK", "GPE")) == ["U.S.", "UK"]
    assert names(("Office for Budget Responsibility", "ORG"), ("OBR", "ORG")) == [
        "Office for Budget Responsibility"
    ]
    assert names(("OBR", "ORG"), ("Office for Budget Responsibility", "ORG")) == ["OBR"]
    assert names(("the Kremlin", "ORG"), ("Kremlin", "ORG")) == ["Kremlin"]


def test_noise_is_no_chip() -> None:
    junk = [
        ("Europe", "LOC"), ("Middle East", "LOC"), ("British", "NORP"), ("May", "PERSON"),
        ("Thursday", "DATE"), ("March 2024", "ORG"), ("Parliament", "ORG"), ("Keir", "PERSON"),
        ("https://example.com/a/b", "WORK_OF_ART"), ("EuronewsEN_2024.html.gz", "ORG"),
        ("B12", "ORG"), ("Crime in", "ORG"), ("bariatric", "PERSON"), ("X", "ORG"),
    ]  # fmt: skip
    for name, type_ in junk:
        assert is_junk(EntityRef(name, type_)), name
    for name, type_ in [
        ("Sochi", "GPE"),
        ("NATO", "ORG"),
        ("Hamas", "ORG"),
        ("Keir Starmer", "PERSON"),
    ]:
        assert not is_junk(EntityRef(name, type_)), name


def test_outlets_and_wires_are_listed_apart() -> None:
    entities = (("Reuters", "ORG"), ("Associated Press", "ORG"), ("DW", "ORG"), ("Sochi", "GPE"))
    assert names(*entities, outlets=("DW", "The Moscow Times (Reuters)")) == ["Sochi"]
    assert names(("Moscow Times", "ORG"), outlets=("The Moscow Times",)) == []


def test_the_most_salient_first_up_to_the_limit() -> None:
    entities = [(f"Person {c}{c}", "PERSON") for c in "ABCDEFG"]
    assert names(*entities, limit=3) == ["Person AA", "Person BB", "Person CC"]
    assert names(("Europe", "LOC"), *entities, limit=2) == ["Person AA", "Person BB"]


def test_coverage_kinds() -> None:
    assert outlet_kind("DW") == "own"
    assert outlet_kind("The Moscow Times (Reuters)") == "copy"
    assert outlet_kind("Reuters") == outlet_kind("Associated Press") == "wire"
    assert outlet_kind("unknown outlet (example.com)") == "own"
    card = StoryCard("s", "T", None, None, None, 5, 3, ["Reuters", "VOA (AP)", "DW"])
    bar = coverage_bar(card)
    assert bar.segments == [("own", "DW"), ("copy", "VOA (AP)"), ("wire", "Reuters")]
    assert bar.label == "3 outlets (1 own reporting, 1 wire copy, 1 wire agency), 5 articles"
