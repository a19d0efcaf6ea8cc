"""Temporal expressions on the seeds and the rules where dateparser alone fails."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path

import pytest

from factories import seed_text
from newsweave.clean import clean_text
from newsweave.evaluate.dates import evaluate_dates
from newsweave.nlp.dates import find_time_expressions, normalise
from newsweave.nlp.event_dates import event_date_candidates

FRIDAY = date(2018, 5, 18)


def found(prefix: str, published: date) -> dict[str, tuple[str | None, str | None]]:
    text = clean_text(seed_text(prefix)).text
    return {t.text: (t.value, t.granularity) for t in find_time_expressions(text, published)}


def test_dw_article() -> None:
    dates = found("000", FRIDAY)
    assert dates["Thursday"] == ("2018-05-17", "day")  # "met Thursday"
    assert dates["December"] == ("2017-12", "month")  # "last met in December"
    assert dates["November 2017"] == ("2017-11", "month")
    assert dates["October 2015"] == ("2015-10", "month")
    assert dates["September 2015"] == ("2015-09", "month")
    assert dates["Friday"] == ("2018-05-18", "day")  # "Merkel meets with Putin on Friday"
    assert dates["this year"] == ("2018", "year")


def test_independent_article() -> None:
    dates = found("001", FRIDAY)
    assert dates["last night"] == ("2018-05-17", "day")
    assert dates["last December"] == ("2017-12", "month")
    assert dates["earlier this year"] == ("2018", "year")
    assert dates["2011"] == ("2011", "year")


def test_moscow_times_article() -> None:
    dates = found("003", FRIDAY)
    assert dates["November last year"] == ("2017-11", "month")
    assert dates["March"] == ("2018-03", "month")
    assert dates["Thursday"] == ("2018-05-17", "day")


def test_moscow_2015_article() -> None:
    dates = found("004", date(2015, 10, 21))  # a Wednesday
    assert dates["late Tuesday"] == ("2015-10-20", "day")
    assert dates["Wednesday"] == ("2015-10-21", "day")


@pytest.mark.parametrize(
    ("expression", "value", "granularity"),
    [
        ("May 18, 2018", "2018-05-18", "day"),
        ("18 May 2018", "2018-05-18", "day"),
        ("Friday, May 18", "2018-05-18", "day"),
        ("2018-05-18", "2018-05-18", "day"),
        ("5/18/2018", "2018-05-18", "day"),
        ("December 2017", "2017-12", "month"),
        ("last December", "2017-12", "month"),
        ("November of last year", "2017-11", "month"),
        ("late-November", "2017-11", "month"),
        ("in July", "2018-07", "month"),  # the coming quarter: announced, not reported
        ("the third quarter", "2018-Q3", "quarter"),
        ("the first half of 2017", "2017-H1", "half"),
        ("last week", "2018-W19", "week"),
        ("next week", "2018-W21", "week"),
        ("the past week", "2018-W19", "week"),
        ("the weekend", "2018-W19-WE", "week"),  # the one just past
        ("three days ago", "2018-05-15", "day"),
        ("two years ago", "2016", "year"),
        ("last year", "2017", "year"),
        ("the end of 1990", "1990", "year"),
        ("mid-1996", "1996", "year"),
        ("fiscal 1988", "1988", "year"),
        ("nineteen ninety-six", "1996", "year"),
        ("the year two thousand", "2000", "year"),
        ("the 1990s", "199", "decade"),
        ("the nineties", "199", "decade"),
        ("the 20th century", "19", "century"),
        ("last summer", "2017-SU", "season"),
        ("next Tuesday", "2018-05-22", "day"),
        ("yesterday", "2018-05-17", "day"),
        ("late yesterday", "2018-05-17", "day"),
        ("tomorrow", "2018-05-19", "day"),
        ("Friday's", "2018-05-18", "day"),
        ("Christmas", "2017-12-25", "day"),
        ("Thanksgiving Day", "2017-11-23", "day"),
        ("Easter week", "2018-W13", "week"),
        ("now", "PRESENT_REF", None),
        ("several years ago", "PAST_REF", None),
        ("the near future", "FUTURE_REF", None),
    ],
)
def test_normalise(expression: str, value: str, granularity: str | None) -> None:
    assert normalise(expression, FRIDAY) == (value, granularity)


@pytest.mark.parametrize("expression", ["three years", "the past two weeks", "days", "the day"])
def test_durations_have_no_value(expression: str) -> None:
    assert normalise(expression, FRIDAY) == (None, None)


def test_tense_decides_bare_weekdays() -> None:
    assert normalise("Monday", FRIDAY) == ("2018-05-14", "day")
    assert normalise("Monday", FRIDAY, context="Merkel will travel to Sochi on ") == (
        "2018-05-21",
        "day",
    )
    (expr,) = find_time_expressions("Merkel will travel to Sochi on Monday.", FRIDAY)
    assert expr.value == "2018-05-21"


def test_calendar_days_are_the_nearest_occurrence() -> None:
    october = date(1989, 10, 27)
    assert normalise("Dec. 7", october, context="directors declared a dividend, payable ")[0] == (
        "1989-12-07"
    )
    assert normalise("Aug. 21", october, context="The thrift announced the plan ")[0] == (
        "1989-08-21"
    )
    assert normalise("Oct. 23", date(1999, 5, 6))[0] == "1998-10-23"


def test_earnings_reports_compare_quarters() -> None:
    context = "Net income rose to $5 million, or 20 cents a share, from $4 million "
    assert normalise("a year ago", date(1989, 10, 26), context=context) == ("1988-Q3", "quarter")
    assert normalise("a year ago", date(1989, 10, 26)) == ("1988", "year")
    assert normalise("the year-ago quarter", date(1989, 10, 26)) == ("1988-Q3", "quarter")
    (expr,) = find_time_expressions("up from the comparable period last year", date(1989, 10, 26))
    assert (expr.text, expr.value) == ("the comparable period last year", "1988-Q3")
    named = "In the fourth quarter ended Aug. 31, profit fell from $3 million "
    assert normalise("a year earlier", date(1989, 11, 1), context=named)[0] == "1988-Q4"


def test_without_publication_date_only_absolute_values() -> None:
    assert normalise("Thursday", None) == (None, None)
    assert normalise("last year", None) == (None, None)
    assert normalise("October 2015", None) == ("2015-10", "month")
    assert normalise("18.05.2018", None) == ("2018-05-18", "day")
    values = {t.text: t.value for t in find_time_expressions("On Thursday, in March 2011.", None)}
    assert values == {"Thursday": None, "March 2011": "2011-03"}


def test_no_false_positives() -> None:
    text = (
        "He may resign. Around 450,000 were killed. Protesters march on the capital. "
        "Room 2015 is closed. Jan Smith counted 2000 people in 1999 cases."
    )
    assert find_time_expressions(text, FRIDAY) == []


def test_years_in_a_list_and_after_determiners() -> None:
    text = "Seen in 1994, 1995 and 1997, before the 1996 Olympic bombing."
    assert [t.value for t in find_time_expressions(text, FRIDAY)] == [
        "1994",
        "1995",
        "1997",
        "1996",
    ]


@dataclass
class _Ent:
    text: str
    label_: str
    start_char: int
    end_char: int


@dataclass
class _Doc:
    ents: list[_Ent]


def test_spacy_dates_fill_gaps_only_with_a_value() -> None:
    text = "The 44-year-old chief expects the deal to close by the end of the year, not in May."
    spans = ["44-year-old", "the end of the year", "May", "the following month"]
    doc = _Doc([_Ent(s, "DATE", text.find(s), text.find(s) + len(s)) for s in spans[:3]])
    values = {t.text: t.value for t in find_time_expressions(text, FRIDAY, doc)}  # type: ignore[arg-type]
    assert values == {"the end of the year": "2018", "May": "2018-05"}
    text = "Talks resumed the following month."
    start = text.index("the following")
    doc = _Doc([_Ent(spans[3], "DATE", start, start + len(spans[3]))])
    assert find_time_expressions(text, FRIDAY, doc) == []  # type: ignore[arg-type]


def test_event_date_candidates_rank_the_lead_day() -> None:
    text = "Assad met Putin on Thursday in Sochi. They last met on November 20, 2017."
    ranked = event_date_candidates(text, FRIDAY)
    assert [c.value for c in ranked] == ["2018-05-17", "2017-11-20"]
    assert event_date_candidates(text, None)[0].value == "2017-11-20"


def test_timeml_harness(tmp_path: Path) -> None:
    (tmp_path / "doc.tml").write_text(
        '<TimeML><DCT><TIMEX3 tid="t0" type="DATE" value="1998-02-13" functionInDocument="CREATION_TIME">'
        '1998-02-13</TIMEX3></DCT><TEXT>The company said <TIMEX3 tid="t1" type="DATE" value="1998-02-12">'
        'Thursday</TIMEX3> that sales in <TIMEX3 tid="t2" type="DATE" value="1997">1997</TIMEX3> rose '
        '<TIMEX3 tid="t3" type="DURATION" value="P3Y">three years</TIMEX3> running.</TEXT></TimeML>'
    )
    report = evaluate_dates(tmp_path)
    assert report.total == 2
    assert report.accuracy("newsweave") == 1.0
    assert report.accuracy("dateparser") == 0.5  # it has no year granularity
    assert report.end_to_end is not None
    assert report.end_to_end.scores(right=True) == (1.0, 1.0, 1.0)
    assert report.to_dict()["end_to_end"]["span_value"]["f1"] == 1.0
