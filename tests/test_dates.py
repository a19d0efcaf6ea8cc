"""Temporal expressions on the seeds and the rules where dateparser alone fails."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from newsweave.clean import clean_text
from newsweave.evaluate.dates import evaluate_dates
from newsweave.nlp.dates import find_time_expressions, normalise

SEEDS = Path(__file__).parents[1] / "examples" / "assad-putin"
FRIDAY = date(2018, 5, 18)


def values(prefix: str, published: date) -> dict[str, str | None]:
    (path,) = SEEDS.glob(f"{prefix}_*.txt")
    text = clean_text(path.read_text(encoding="utf-8")).text
    return {t.text: t.value for t in find_time_expressions(text, published)}


def test_dw_article() -> None:
    found = values("000", FRIDAY)
    assert found["Thursday"] == "2018-05-17"
    assert found["December"] == "2017-12"
    assert found["November 2017"] == "2017-11"
    assert found["October 2015"] == "2015-10"
    assert found["September 2015"] == "2015-09"
    assert found["Friday"] == "2018-05-18"
    assert found["this year"] == "2018"


def test_independent_article() -> None:
    found = values("001", FRIDAY)
    assert found["last night"] == "2018-05-17"
    assert found["last December"] == "2017-12"
    assert found["earlier this year"] == "2018"
    assert found["2011"] == "2011"
    assert found["March"] == "2018-03"


def test_moscow_times_article() -> None:
    found = values("003", FRIDAY)
    assert found["November last year"] == "2017-11"
    assert found["Thursday"] == "2018-05-17"


def test_moscow_2015_article() -> None:
    found = values("004", date(2015, 10, 21))
    assert found["late Tuesday"] == "2015-10-20"
    assert found["Wednesday"] == "2015-10-21"


@pytest.mark.parametrize(
    ("expression", "value", "granularity"),
    [
        ("May 18, 2018", "2018-05-18", "day"),
        ("18 May 2018", "2018-05-18", "day"),
        ("December 2017", "2017-12", "month"),
        ("the third quarter", "2018-Q3", "quarter"),
        ("last week", "2018-W19", "week"),
        ("three days ago", "2018-05-15", "day"),
        ("two years ago", "2016", "year"),
        ("the 1990s", "199", "decade"),
        ("now", "PRESENT_REF", "reference"),
        ("next Tuesday", "2018-05-22", "day"),
        ("yesterday", "2018-05-17", "day"),
    ],
)
def test_normalise(expression: str, value: str, granularity: str) -> None:
    assert normalise(expression, FRIDAY) == (value, granularity)


def test_future_context_moves_weekday_forward() -> None:
    (expr,) = find_time_expressions("Merkel will travel to Sochi on Monday.", FRIDAY)
    assert expr.value == "2018-05-21"


def test_without_publication_date_only_absolute_values() -> None:
    assert normalise("Thursday", None) == (None, None)
    assert normalise("October 2015", None) == ("2015-10", "month")


def test_no_false_positives() -> None:
    text = "He may resign. Around 450,000 were killed. Protesters march on the capital. Room 2015 is closed."
    assert find_time_expressions(text, FRIDAY) == []


def test_timeml_harness(tmp_path: Path) -> None:
    (tmp_path / "doc.tml").write_text(
        '<TimeML><DCT><TIMEX3 tid="t0" type="DATE" value="1998-02-13" functionInDocument="CREATION_TIME">'
        '1998-02-13</TIMEX3></DCT><TEXT>The company said <TIMEX3 tid="t1" type="DATE" value="1998-02-12">'
        'Thursday</TIMEX3> that sales in <TIMEX3 tid="t2" type="DATE" value="1997">1997</TIMEX3> rose.</TEXT></TimeML>'
    )
    report = evaluate_dates(tmp_path)
    assert report.total == 2
    assert report.accuracy("newsweave") == 1.0
    assert report.accuracy("dateparser") == 0.5  # it has no year granularity
