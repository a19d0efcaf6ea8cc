"""Datelines and wire slugs cut off leads: by the cleaner, and off bodies it does not clean."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from newsweave.app.pipeline import prepare
from newsweave.clean import clean_text, load_rules, strip_datelines
from newsweave.datelines import find_dateline
from newsweave.model import RawDocument

EXAMPLES = Path(__file__).resolve().parents[1] / "examples" / "assad-putin"
SENTENCE = "The port authority closed two terminals on Friday after a fire broke out overnight."

# (lead, the dateline cut off it, its place, its slug)
DATELINES = [
    ("ERBIL (Kurdistan 24) – ", "ERBIL (Kurdistan 24) –", "Erbil", "Kurdistan 24"),
    ("MOSCOW — ", "MOSCOW —", "Moscow", None),
    ("MOSCOW—", "MOSCOW—", "Moscow", None),
    ("LONDON, June 3 (Reuters) - ", "LONDON, June 3 (Reuters) -", "London", "Reuters"),
    ("WASHINGTON (AP) — ", "WASHINGTON (AP) —", "Washington", "AP"),
    ("Washington, DC, United States: ", "Washington, DC, United States:",
     "Washington, DC, United States", None),
    ("PROVIDENCE, R.I. (AP) — ", "PROVIDENCE, R.I. (AP) —", "Providence, R.I.", "AP"),
    ("Cairo, Egypt (CNN) -- ", "Cairo, Egypt (CNN) --", "Cairo, Egypt", "CNN"),
    ("(CNN) -- ", "(CNN) --", None, "CNN"),
    ("(CNN)", "(CNN)", None, "CNN"),
    ("London (CNN) ", "London (CNN)", "London", "CNN"),
    ("DALLAS-- ", "DALLAS--", "Dallas", None),
    ("ST. LOUIS — ", "ST. LOUIS —", "St. Louis", None),
    ("NEW DELHI (AP) — ", "NEW DELHI (AP) —", "New Delhi", "AP"),
    ("SAN JUAN, Puerto Rico (AP) — ", "SAN JUAN, Puerto Rico (AP) —", "San Juan, Puerto Rico", "AP"),
    ("AL-ARISH, Egypt (Reuters) - ", "AL-ARISH, Egypt (Reuters) -", "Al-Arish, Egypt", "Reuters"),
]  # fmt: skip

# Openings in capitals, or with a dash or colon, that are not datelines.
NOT_DATELINES = [
    "NATO said on Tuesday it would send more troops to the region.",
    "AP sources say the deal is close to being signed by both sides.",
    "NATO -- the North Atlantic Treaty Organization -- said it would act.",
    "NATO — The alliance said it would send more troops to the Baltic states.",
    "BP — The oil company said on Tuesday it would cap the well within days.",
    "TRUMP: Well you see, I don't know that, you know, when I talk about it.",
    "FILE - In this Oct. 27, 2012 file photo, the actor appears at a luncheon.",
    "UPDATE: Houston police just released this portion of the note on Friday.",
    "UPDATE — Police said the suspect was arrested at the border on Monday.",
    "EDGAR HERNANDEZ - FIRST CONFIRMED CASE Edgar Hernandez says he is fine.",
    "Kurdistan Democratic Party (KDP) Leader Masoud Barzani said talks failed.",
    "Apple Inc (AAPL.O) said on Tuesday that its quarterly sales rose.",
    "President Trump: The wall will be built, he told supporters on Monday night.",
    "The U.S. and Russia — The two powers agreed on a ceasefire on Sunday.",
    "WASHINGTON — Not a sentence.",
    "Mr Putin also said: “Foreign armed forces will be withdrawn from Syria soon.”",
]


def wires() -> dict[str, str]:
    return load_rules().wires


@pytest.mark.parametrize(("opening", "cut", "place", "slug"), DATELINES)
def test_dateline_is_cut_and_its_place_kept(
    opening: str, cut: str, place: str | None, slug: str | None
) -> None:
    found = find_dateline(opening + SENTENCE, lead=True, wires=wires())
    assert found is not None
    assert (found.text, found.place, found.slug) == (cut, place, slug)
    assert (opening + SENTENCE)[found.length :] == SENTENCE


@pytest.mark.parametrize("lead", NOT_DATELINES)
def test_a_lead_that_only_looks_like_a_dateline_stays(lead: str) -> None:
    assert find_dateline(lead, lead=True, wires=wires()) is None
    assert strip_datelines(f"{lead}\n{SENTENCE}").text == f"{lead}\n{SENTENCE}"


def test_a_dateline_without_a_slug_is_only_taken_off_the_lead() -> None:
    second = "MOSCOW — The Kremlin said the talks would continue on Monday in Sochi."
    third = "BEIRUT (AP) — Syrian troops advanced on the town on Sunday, state media said."
    fourth = "The army said it had taken the town after two days of fighting around it."
    text = "\n".join([SENTENCE, fourth, SENTENCE.replace("two", "three"), second, third])
    result = clean_text(text)
    paragraphs = result.text.split("\n\n")
    assert paragraphs[3] == second  # deep in the page, without a slug: a sentence of its own
    assert paragraphs[4] == third.removeprefix("BEIRUT (AP) — ")  # a new wire piece
    assert result.dateline == "Beirut"
    assert result.credits == ["AP"]


def test_reuters_page_header_dates_the_article_only_without_another_date() -> None:
    lead = "WASHINGTON | Tue Jun 29, 2010 7:45 pm EDT WASHINGTON (Reuters) - " + SENTENCE
    result = clean_text(lead)
    assert result.text == SENTENCE
    assert (result.dateline, result.published, result.credits) == (
        "Washington",
        date(2010, 6, 29),
        ["Reuters"],
    )
    assert [(r.text, r.rule) for r in result.removed] == [
        ("WASHINGTON | Tue Jun 29, 2010 7:45 pm EDT WASHINGTON (Reuters) -", "dateline")
    ]
    stated = clean_text(f"June 30, 2010\n{lead}")
    assert stated.published == date(2010, 6, 30)
    no_year = clean_text("LONDON, June 3 (Reuters) - " + SENTENCE)
    assert no_year.published is None  # which year's June 3 the dateline does not say


def test_byline_glued_to_a_dateline_names_the_author_and_credits_the_wire() -> None:
    result = clean_text("By Jane Doe, Associated Press BEIRUT — " + SENTENCE)
    assert result.text == SENTENCE
    assert (result.author, result.credits, result.dateline) == ("Jane Doe", ["AP"], "Beirut")


def test_outlet_slug_names_the_outlet() -> None:
    result = clean_text("SACRAMENTO (CBS13) — " + SENTENCE)
    assert (result.text, result.outlet, result.credits) == (SENTENCE, "CBS13", [])


def test_cutting_twice_cuts_nothing_more() -> None:
    for opening, *_ in DATELINES:
        once = strip_datelines(opening + SENTENCE)
        assert once.text == SENTENCE
        assert strip_datelines(once.text).text == once.text


def test_uncleaned_body_keeps_every_character_but_the_dateline() -> None:
    body = f"MOSCOW — {SENTENCE}\n  Indented second line stays as it is.\n\nLast line."
    result = strip_datelines(body)
    assert result.text == f"{SENTENCE}\n  Indented second line stays as it is.\n\nLast line."
    assert [(r.text, r.rule) for r in result.removed] == [("MOSCOW —", "dateline")]


def test_html_body_loses_its_dateline_in_prepare() -> None:
    raw = RawDocument(
        source="page.html",
        text=f"KABUL (Reuters) – {SENTENCE}\nSecond paragraph of the page, as extracted.",
        format="html",
        outlet="Example News",
        published=date(2011, 3, 1),
        needs_cleaning=False,
    )
    article = prepare(raw)
    assert article.text.startswith(SENTENCE)
    assert (article.dateline, article.outlet, article.credits) == (
        "Kabul",
        "Example News",
        ["Reuters"],
    )
    assert article.published == date(2011, 3, 1)
    assert [r.rule for r in article.removed] == ["dateline"]


def test_bundled_example_leads_lose_their_datelines() -> None:
    kurdistan = clean_text((EXAMPLES / "002_f2d43a4d14a046e7.txt").read_text(encoding="utf-8"))
    assert "ERBIL (Kurdistan 24) –" not in kurdistan.text
    assert "\n\nSyrian President Bashar al-Assad met with his Russian counterpart" in kurdistan.text
    assert (kurdistan.dateline, kurdistan.outlet) == ("Erbil", "Kurdistan 24")
    assert ("ERBIL (Kurdistan 24) –", "dateline") in [(r.text, r.rule) for r in kurdistan.removed]
    nyt = clean_text((EXAMPLES / "004_016939910dab2514.txt").read_text(encoding="utf-8"))
    assert nyt.text.startswith("President Vladimir Putin of Russia called his Syrian counterpart")
    assert nyt.dateline == "Moscow"
