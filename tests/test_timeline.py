"""Timelines and storylines: the seed articles end to end through the CLI (the Assad timeline
holds his earlier visits with the outlets citing them), then the tricky parts alone: merging
mentions of one event, granularity, past-only references, linking without merging, SVG."""

from __future__ import annotations

import itertools
import json
from datetime import date, timedelta
from pathlib import Path

import pytest
from typer.testing import CliRunner

from factories import SEEDS, make_article, make_story
from newsweave.analysis.storyline import (
    link_storylines,
    related,
    storyline_entities,
    storyline_timeline,
    storylines_among,
)
from newsweave.analysis.timeline import build_timeline, merge_timelines, past_mentions, within
from newsweave.cli import app
from newsweave.model import Story, StoryEntity, TimelineEvent
from newsweave.render.dates import date_label
from newsweave.render.timeline_svg import timeline_svg

runner = CliRunner()
SOCHI_OUTLETS = {"DW", "The Independent", "Kurdistan 24", "The Moscow Times (Reuters)"}


@pytest.fixture(scope="module")
def run(tmp_path_factory: pytest.TempPathFactory) -> dict:
    work = tmp_path_factory.mktemp("timeline")
    db, out = work / "newsweave.db", work / "report"
    result = runner.invoke(app, ["digest", str(SEEDS), "--db", str(db), "--out", str(out)])
    assert result.exit_code == 0, result.output
    data = json.loads((out / "stories.json").read_text(encoding="utf-8"))
    return {"db": db, "out": out, "stories": data["stories"]}


def _timeline(run: dict, *args: str) -> list[dict]:
    result = runner.invoke(app, ["timeline", *args, "--db", str(run["db"]), "--json"])
    assert result.exit_code == 0, result.output
    return json.loads(result.output)["timeline"]


def _story(run: dict, seed: str) -> dict:
    return next(
        s
        for s in run["stories"]
        if any(Path(a["source"]).name.startswith(seed) for a in s["articles"])
    )


def _event(events: list[dict], day: str, granularity: str) -> dict:
    found = [e for e in events if e["date"] == day and e["granularity"] == granularity]
    assert len(found) == 1, (day, granularity, events)
    return found[0]


def test_assad_timeline_holds_his_visits_with_their_outlets(run: dict) -> None:
    events = _timeline(run, "Bashar al-Assad")
    moscow, sochi = _story(run, "004"), _story(run, "000")

    october = _event(events, "2015-10-01", "month")  # its own story, cited by 2018 articles
    assert october["story_id"] == moscow["id"]
    assert {"DW", "The Independent", "The Moscow Times (Reuters)"} <= set(october["outlets"])
    assert moscow["outlets"][0] in october["outlets"]

    november = _event(events, "2017-11-01", "month")
    assert {"DW", "The Independent", "The Moscow Times (Reuters)"} <= set(november["outlets"])
    assert "story_id" not in november

    december = _event(events, "2017-12-01", "month")
    assert set(december["outlets"]) == {"DW", "Kurdistan 24"}
    assert "air base" in december["text"]

    may = _event(events, "2018-05-17", "day")
    assert may["story_id"] == sochi["id"]
    assert set(may["outlets"]) == SOCHI_OUTLETS

    days = [e["date"] for e in events]
    assert days == sorted(days)
    assert days.index("2015-10-01") < days.index("2017-11-01") < days.index("2018-05-17")


def test_alias_story_prefix_and_date_range(run: dict) -> None:
    by_name = _timeline(run, "Bashar al-Assad")
    assert _timeline(run, "ASSAD") == by_name  # an alias, any case
    moscow = _story(run, "004")
    storyline = _timeline(run, moscow["id"][:6])  # the storyline's timeline
    assert {e.get("story_id") for e in storyline} >= {moscow["id"], _story(run, "000")["id"]}
    ranged = _timeline(run, "assad", "--from", "2017-01-01", "--to", "2017-12-31")
    assert [(e["date"], e["granularity"]) for e in ranged] == [
        ("2017-11-01", "month"),
        ("2017-12-01", "month"),
    ]
    missing = runner.invoke(app, ["timeline", "nobody at all", "--db", str(run["db"])])
    assert missing.exit_code == 1


def test_two_stories_one_storyline_in_every_output(run: dict) -> None:
    stories = run["stories"]
    assert len(stories) == 2  # linked, not merged
    assert stories[0]["storyline"] and stories[0]["storyline"] == stories[1]["storyline"]
    for story in stories:
        assert story["timeline"], story["id"]
        assert {"date", "granularity", "text", "outlets"} <= set(story["timeline"][0])
    html = (run["out"] / "index.html").read_text(encoding="utf-8")
    line = stories[0]["storyline"]
    # one timeline per story and one for the storyline, listed once with both stories
    assert html.count('<svg xmlns="http://www.w3.org/2000/svg" class="timeline"') == 3
    assert html.count('class="chart stories-over-time"') == 1 and "<script" not in html
    assert html.count(f'id="storyline-{line}"') == 1
    # each story names its storyline, and its timeline points there for the others' events
    assert html.count(f'href="#storyline-{line}"') == 4
    markdown = (run["out"] / "stories.md").read_text(encoding="utf-8")
    assert "### Timeline" in markdown and "- 2017-12 · " in markdown


# ---- the parts ----


def test_granularity_and_past_only() -> None:
    text = (
        "Leaders met Thursday in Sochi. They first met in October 2015 in Moscow. "
        "They will meet again in June 2019 in Tehran. On 3 March 2016 they spoke by phone."
    )
    article = make_article(text, outlet="A", published=date(2018, 5, 18))
    found = {(m.period[0], m.granularity) for m in past_mentions(article, date(2018, 5, 17))}
    # the story's own day is not a past event, and a future one is not either
    assert found == {(date(2015, 10, 1), "month"), (date(2016, 3, 3), "day")}
    assert date_label(date(2015, 10, 1), "month") == "2015-10"
    assert date_label(date(2015, 1, 1), "year") == "2015"
    undated = make_article(
        "Talks were held as planned. He visited Moscow in October 2015.", outlet="B"
    )
    assert [m.granularity for m in past_mentions(undated, None)] == ["month"]


def test_mentions_of_one_event_merge_and_distinct_events_do_not() -> None:
    event = date(2018, 5, 17)
    published = date(2018, 5, 18)
    a = make_article(
        "Assad last visited Putin at the Hmeimim air base in December 2017.",
        outlet="A",
        published=published,
    )
    b = make_article(
        "The pair last met at Hmeimim air base in Latakia on 11 December 2017.",
        outlet="B",
        published=published,
    )
    c = make_article(
        "Separately, rebels shelled Damascus suburbs in December 2017.",
        outlet="C",
        published=published,
    )
    story = make_story(a, b, c, id="s1", event_date=event, title="Assad visits Sochi")
    events = [e for e in build_timeline([story]) if e.story_id is None]
    assert len(events) == 2
    meeting = next(e for e in events if "Hmeimim" in e.text)
    assert set(meeting.outlets) == {"A", "B"}
    assert (meeting.date, meeting.granularity) == (date(2017, 12, 11), "day")  # the day wins
    shelling = next(e for e in events if "shelled" in e.text)
    assert (shelling.outlets, shelling.granularity) == (["C"], "month")


def test_merge_timelines_keeps_one_story_event() -> None:
    one = TimelineEvent(
        date(2015, 10, 1), "month", "Assad meets Putin in Moscow", ["X"], ["x"], "s2"
    )
    two = TimelineEvent(
        date(2015, 10, 1), "month", "Assad meets Putin in Moscow", ["Y"], ["y"], "s2"
    )
    merged = merge_timelines([one, two])
    assert len(merged) == 1 and merged[0].outlets == ["X", "Y"]
    assert within(merged, date(2015, 10, 31), None) == merged  # the month overlaps
    assert within(merged, date(2015, 11, 1), None) == []


def _entities(*names: tuple[str, str, float]) -> list[StoryEntity]:
    return [StoryEntity(name=n, type=t, salience=w) for n, t, w in names]


def test_a_storyline_is_named_by_names_a_reader_follows() -> None:
    """Nationalities, regions and dates name no storyline, and one country is named once."""
    story = make_story(make_article("Assad met Putin.", outlet="A"), id="s")
    story.entities = _entities(
        ("Bashar al-Assad", "PERSON", 5.0),
        ("Syrian", "NORP", 4.0),
        ("Middle East", "LOC", 3.5),
        ("Thursday", "DATE", 3.2),
        ("Vladimir Putin", "PERSON", 3.0),
        ("Sochi", "GPE", 1.0),
        ("UK", "GPE", 0.6),
        ("Britain", "GPE", 0.5),
    )
    assert storyline_entities([story]) == ["Bashar al-Assad", "Vladimir Putin", "UK", "Sochi"]


def test_storylines_link_without_merging() -> None:
    sochi = make_story(
        make_article(
            "Assad met Putin in Sochi for talks on Syria.",
            outlet="A",
            published=date(2018, 5, 18),
        ),
        id="sochi",
        event_date=date(2018, 5, 17),
        title="Assad meets Putin in Sochi for talks on Syria",
    )
    moscow = make_story(
        make_article("Assad met Putin in Moscow for talks on Syria.", outlet="B"),
        id="moscow",
        title="Assad meets Putin in Moscow for talks on Syria",
    )
    quake = make_story(
        make_article("An earthquake struck Chile.", outlet="C", published=date(2018, 5, 1)),
        id="quake",
        event_date=date(2018, 5, 1),
        title="Earthquake strikes Chile",
    )
    sochi.entities = _entities(("Bashar al-Assad", "PERSON", 5), ("Vladimir Putin", "PERSON", 4),
                               ("Syria", "GPE", 3), ("Sochi", "GPE", 1))  # fmt: skip
    moscow.entities = _entities(("Bashar Assad", "PERSON", 4), ("Putin", "PERSON", 4),
                                ("Syria", "GPE", 2), ("Moscow", "GPE", 1))  # fmt: skip
    quake.entities = _entities(("Chile", "GPE", 4), ("Santiago", "GPE", 2))
    link_storylines([sochi, moscow, quake])
    assert sochi.storyline is not None and sochi.storyline == moscow.storyline
    assert quake.storyline is None and quake.timeline == []
    assert [a.outlet for a in sochi.articles] == ["A"] and [a.outlet for a in moscow.articles] == [
        "B"
    ]
    # a story's page holds the events it is or cites; the storyline's timeline holds them all
    assert sochi.timeline == [] and moscow.timeline == []
    assert [e.story_id for e in storyline_timeline([sochi, moscow])] == ["sochi"]


def _talks(n: int, title: str, *entities: tuple[str, str, float]) -> Story:
    day = date(2020, 1, 1) + timedelta(days=n)
    story = make_story(
        make_article(f"{title}.", outlet=f"O{n}", published=day),
        id=f"s{n:02d}",
        event_date=day,
        title=title,
    )
    story.entities = _entities(*entities)
    return story


def test_storylines_do_not_drift_along_a_chain() -> None:
    """Syria talks, then talks with Turkey, then Ukraine: each story like the next, so the
    links join them all, but they are two matters that share one person."""
    putin, assad, syria = (
        ("Vladimir Putin", "PERSON"),
        ("Bashar al-Assad", "PERSON"),
        ("Syria", "GPE"),
    )
    erdogan, turkey = ("Recep Tayyip Erdogan", "PERSON"), ("Turkey", "GPE")
    zelensky, ukraine, kyiv = ("Volodymyr Zelensky", "PERSON"), ("Ukraine", "GPE"), ("Kyiv", "GPE")
    stories = [
        *(_talks(n, f"Putin and Assad hold talks on the war in Syria, round {n}",
                 (*putin, 4), (*assad, 4), (*syria, 3)) for n in range(5)),
        _talks(5, "Putin, Assad and Erdogan hold talks on the war in Syria and Turkey",
               (*putin, 4), (*assad, 2), (*syria, 2), (*erdogan, 3)),
        _talks(6, "Putin and Erdogan hold talks on Turkey and the war in Ukraine",
               (*putin, 4), (*erdogan, 3), (*turkey, 2), (*ukraine, 2)),
        *(_talks(n, f"Putin and Zelensky hold talks on the war in Ukraine, round {n}",
                 (*putin, 4), (*zelensky, 4), (*ukraine, 3), (*kyiv, 1)) for n in range(7, 12)),
    ]  # fmt: skip
    assert all(related(a, b) for a, b in itertools.pairwise(stories))  # one chain of links
    groups = storylines_among(stories)
    assert sorted([s.id for s in g] for g in groups) == [
        [f"s{n:02d}" for n in range(6)],
        [f"s{n:02d}" for n in range(6, 12)],
    ]
    link_storylines(stories)
    assert len({s.storyline for s in stories[:6]}) == len({s.storyline for s in stories[6:]}) == 1
    assert stories[0].storyline != stories[-1].storyline


def test_stories_sharing_only_their_main_person_are_not_linked() -> None:
    trump = ("Donald Trump", "PERSON")
    ban = _talks(0, "Trump's travel ban is challenged in court", (*trump, 5),
                 ("Hawaii", "GPE", 2), ("Ninth Circuit", "ORG", 2))  # fmt: skip
    store = _talks(1, "Trump attacks a department store in a tweet", (*trump, 5),
                   ("Nordstrom", "ORG", 2), ("Ivanka Trump", "PERSON", 1))  # fmt: skip
    appeal = _talks(2, "Court hears Trump's appeal over the travel ban", (*trump, 5),
                    ("Ninth Circuit", "ORG", 3), ("Hawaii", "GPE", 1))  # fmt: skip
    assert sorted([s.id for s in g] for g in storylines_among([ban, store, appeal])) == [
        ["s00", "s02"],
        ["s01"],
    ]


def test_storylines_over_a_store_grow_split_and_stay(tmp_path: Path) -> None:
    """Stories linked as they arrive: new stories join the stored ones of their matter, those
    of another matter that shares a person start their own storyline, and linking again
    changes nothing."""
    from newsweave.analysis.storyline import link_storylines_and_timelines
    from newsweave.store import open_store

    putin, assad, syria = (
        ("Vladimir Putin", "PERSON"),
        ("Bashar al-Assad", "PERSON"),
        ("Syria", "GPE"),
    )
    zelensky, ukraine = ("Volodymyr Zelensky", "PERSON"), ("Ukraine", "GPE")
    syrian = [_talks(n, f"Putin and Assad hold talks on the war in Syria, round {n}",
                     (*putin, 4), (*assad, 4), (*syria, 3)) for n in range(4)]  # fmt: skip
    ukrainian = [_talks(n, f"Putin and Zelensky hold talks on the war in Ukraine, round {n}",
                        (*putin, 4), (*zelensky, 4), (*ukraine, 3)) for n in range(4, 7)]  # fmt: skip
    with open_store(tmp_path / "lines.db") as store:
        everything = syrian + ukrainian
        store.add_articles([a for s in everything for a in s.articles])
        store.replace_stories(everything)
        link_storylines_and_timelines(store, [store.story(s.id) for s in syrian[:2]])
        first = {s.id: s.storyline for s in store.stories()}
        line = first["s00"]  # the stored stories the index finds join the new ones
        assert line and {first[f"s0{n}"] for n in range(4)} == {line}
        assert {first[f"s0{n}"] for n in range(4, 7)} == {None}
        link_storylines_and_timelines(store, [store.story(s.id) for s in ukrainian])
        after = {s.id: s.storyline for s in store.stories()}
        assert {after[f"s0{n}"] for n in range(4)} == {line}  # kept, under its id
        assert len({after[f"s0{n}"] for n in range(4, 7)}) == 1 and after["s04"] not in (line, None)
        again = link_storylines_and_timelines(store, [store.story(s.id) for s in everything])
        assert {s.id: s.storyline for s in store.stories()} == after
        assert {s.storyline for s in again} <= {line, after["s04"]}


def test_svg_escapes_everything() -> None:
    event = TimelineEvent(date(2017, 12, 1), "month", '<script>alert("x")</script> & co', ['"><b>'])
    svg = timeline_svg([event])
    assert svg.startswith("<svg") and svg.endswith("</svg>")
    assert "<script" not in svg and "<b>" not in svg
    assert "&lt;script&gt;" in svg and "&quot;&gt;&lt;b&gt;" in svg
    assert "2017-12" in svg and "<rect" in svg  # a month is a bar
    assert timeline_svg([]) == ""
