"""Timeline events a reader can use: what is never an event (reader comments, page furniture,
dates a sentence only compares with), one row per event with its other wordings, sources
counted as independent, salience ranking, and the limit in the CLI, the web page and the API."""

from __future__ import annotations

import json
import warnings
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest
from typer.testing import CliRunner

from factories import make_article, make_story, split_sentences
from newsweave.analysis.timeline import (
    DEFAULT_LIMIT,
    build_timeline,
    chatter,
    merge_timelines,
    past_mentions,
    rank,
    top_events,
)
from newsweave.cli import app
from newsweave.cli.browse import DEFAULT_TIMELINE_EVENTS
from newsweave.contract import analysis_from_dict, timeline_event_from_dict, timeline_event_to_dict
from newsweave.model import StoryEntity, TimelineEvent
from newsweave.store import open_store
from newsweave.web import create_app

with warnings.catch_warnings():  # Starlette's test client would rather have httpx2
    warnings.filterwarnings("ignore", "Using `httpx` with `starlette.testclient`")
    from fastapi.testclient import TestClient

runner = CliRunner()
PUBLISHED = date(2009, 7, 2)


def _mentions(text: str, before: date = date(2009, 7, 1)) -> list[tuple[date, str]]:
    article = make_article(text, outlet="A", published=PUBLISHED, split=split_sentences)
    return [(m.period[0], m.text) for m in past_mentions(article, before)]


# ---- what is never an event ----


def test_reader_comments_and_page_furniture_give_no_event() -> None:
    found = _mentions(
        "Health officials first detected the virus in Mexico in March 2009. "
        "At 12:19 26th Apr 2009, barriesingleton wrote: it all began in March 2009. "
        "I think the flu was around in March 2009, lol. "
        "You can read our coverage of March 2009 here. "
        "Photograph: Susana Gonzalez/Reuters, March 2009. "
        "Related: Mexico shut its schools in March 2009. "
        "Posted by Jo, 5 hours ago, about March 2009. "
        "Copyright 2009 BBC, all rights reserved, since March 2009."
    )
    assert found == [
        (date(2009, 3, 1), "Health officials first detected the virus in Mexico in March 2009.")
    ]


def test_quoted_first_person_is_reporting_not_a_comment() -> None:
    assert not chatter('"I was in Mexico City in April," the minister said.')
    assert not chatter("The minister told reporters he had been in Mexico City in April.")
    assert not chatter('His mother said: "It won\'t bring my son back." He was jailed in May.')
    assert not chatter("Talks in (Geneva, Switzerland) ended in March.")
    assert chatter("I returned from Cancun on the 17th April just before the panic.")
    assert chatter("We have booked a holiday to Cancun in August, should we cancel?")
    assert chatter("Susan Watts | 18:00 UK time, Saturday, 25 April 2009")
    assert chatter("Jo from Leeds is trying to trace relatives born in Wales in 1861.")
    assert chatter("What a goal on Saturday. (Shiraz, Harrow). Next up")
    assert chatter("Presenter\\/Zoe Ball, Producer\\/Ben Walker Monday 1 to Friday 5 March")
    assert chatter("Skip to a day of the week: Zoe Ball sits in on Sunday.")
    assert chatter("Dr Murray, shown here in February, joined the tour.")  # a photo's date


def test_dates_a_sentence_compares_with_are_no_events() -> None:
    found = _mentions(
        "The recession is the worst since 1929. "
        "Cases rose faster than in 2008. "
        "Schools stayed shut between April and June. "
        "Jackson, who found fame with the Jackson 5 in 1969, died in June 2009. "
        "The last pandemic was in 1968 and killed a million people."
    )
    assert [d for d, _ in found] == [date(2009, 6, 1), date(1968, 1, 1)]


# ---- one row per event, sources counted once ----


def test_one_event_one_row_with_its_wordings_and_independent_sources() -> None:
    day = date(2009, 7, 1)
    texts = [
        ("Jackson died at his Los Angeles home on 25 June 2009, aged 50.", "BBC", []),
        ("Michael Jackson died aged 50 in June 2009 at his home in Los Angeles.", "CNN", []),
        ("Jackson died at his Los Angeles home in June 2009, aged 50.", "Globe", ["Reuters"]),
        ("Jackson died at his Los Angeles home in June 2009, aged 50.", "Post", ["Reuters"]),
        ("Fans sang outside the Apollo theatre in June 2009.", "CNN", []),
    ]
    articles = [
        make_article(t, outlet=o, credits=c, published=day, split=split_sentences)
        for t, o, c in texts
    ]
    story = make_story(*articles, id="s1", event_date=day, title="Jackson memorial")
    events = [e for e in build_timeline([story]) if e.story_id is None]
    assert len(events) == 2
    death = next(e for e in events if "died" in e.text)
    assert (death.date, death.granularity) == (date(2009, 6, 25), "day")  # the day wins
    assert len(death.variants) == 2  # the Reuters copy printed twice is one wording
    assert set(death.outlets) == {"BBC", "CNN", "Globe (Reuters)", "Post (Reuters)"}
    assert (death.sources, set(death.source_names)) == (3, {"BBC", "CNN", "Reuters"})
    fans = next(e for e in events if "Apollo" in e.text)
    assert (fans.granularity, fans.sources) == ("month", 1)


def test_a_sentence_reprinted_a_day_later_is_one_event() -> None:
    text = "Police questioned the doctor yesterday at his Houston clinic."
    first = make_article(text, outlet="A", published=date(2009, 6, 27), split=split_sentences)
    second = make_article(
        text + " More later.", outlet="A", published=date(2009, 6, 28), split=split_sentences
    )
    story = make_story(first, second, id="s1", event_date=date(2009, 7, 1), title="Inquiry")
    events = [e for e in build_timeline([story]) if e.story_id is None]
    assert [(e.date, e.sources, len(e.article_ids)) for e in events] == [(date(2009, 6, 26), 1, 2)]


def test_asides_to_one_distant_year_are_one_event() -> None:
    day = date(2009, 6, 11)
    texts = [
        "Experts recalled that the pandemic of 1918 killed 50 million people worldwide, mostly "
        "young adults in crowded barracks and ports.",
        "In 1918 the pandemic killed millions across Europe, doctors recall, as soldiers "
        "returning from the trenches carried the infection home.",
        "In 1918 the city opened a new harbour bridge over the river.",
        "Mexico reported the first cases of the new virus in April 2009.",
        "Schools in London closed for a week in May 2009 after pupils fell ill.",
        "Airlines cancelled flights to Cancun in May 2009 as tourists stayed away.",
        "Egypt ordered the slaughter of its pigs in April 2009.",
        "Hong Kong sealed a hotel with its guests inside in May 2009.",
        "China quarantined Mexican travellers in May 2009, angering their government.",
        "Scientists sequenced the genome of the strain in late April 2009.",
        "Football matches were played behind closed doors in April 2009.",
        "The first British patients recovered quickly in May 2009.",
    ]
    articles = [
        make_article(t, outlet=f"O{k}", published=day, split=split_sentences)
        for k, t in enumerate(texts)
    ]
    story = make_story(*articles, id="s1", event_date=day, title="WHO declares a pandemic")
    old = [e for e in build_timeline([story]) if e.date.year == 1918]
    assert len(old) == 2
    pandemic = next(e for e in old if "pandemic" in e.text)
    assert (pandemic.sources, len(pandemic.variants)) == (2, 1)


def test_merged_timelines_keep_variants_and_sources() -> None:
    text, one_way, other_way = (
        "Jackson died at his home",
        "Jackson died at his home in Los Angeles",
        "The singer Jackson died at his home",
    )
    day = date(2009, 6, 25)
    one = TimelineEvent(day, "day", text, ["A"], ["a"], None, 1, ["A"], [one_way])
    two = TimelineEvent(day, "day", text, ["B"], ["b"], None, 1, ["B"], [other_way])
    (merged,) = merge_timelines([one, two])
    assert (merged.sources, merged.outlets) == (2, ["A", "B"])
    assert sorted([merged.text, *merged.variants]) == sorted([text, one_way, other_way])


# ---- ranking ----


def _event(day: date, text: str, sources: int, articles: int, story: str | None = None):
    names = [f"S{k}" for k in range(sources)]
    ids = [f"a{k}" for k in range(articles)]
    return TimelineEvent(day, "day", text, names, ids, story, sources, names)


def test_salience_ranks_sources_centrality_stories_and_recency() -> None:
    topic = {"flu", "virus", "pandemic", "vaccine", "case"}
    story = _event(date(2009, 6, 11), "WHO declares flu pandemic as virus spreads", 3, 6, "s1")
    cited = _event(date(2009, 4, 24), "Mexico reports flu virus cases", 2, 3)
    lone = _event(date(2009, 5, 2), "A new flu case in Ohio", 1, 1)
    aside = _event(date(1914, 6, 28), "An archduke was shot in Sarajevo", 1, 1)
    old = _event(date(1918, 1, 1), "The Spanish flu pandemic killed millions", 1, 1)
    events = rank([aside, old, cited, lone, story], topic)
    order = sorted(events, key=lambda e: -e.salience)
    assert order == [story, cited, lone, old, aside]
    assert all(0 <= e.salience <= 1 for e in events)
    shown, left = top_events(events, 2)
    assert (shown, left) == ([cited, story], 3)  # the most salient, oldest first
    assert top_events(events, 0) == ([aside, old, cited, lone, story], 0)
    assert top_events(events, None)[1] == 0 and top_events(events, 99)[1] == 0


def test_contract_round_trip_and_old_json() -> None:
    event = _event(date(2009, 6, 11), "WHO declares pandemic", 2, 3, "s1")
    event.variants, event.salience = ["The WHO declared a pandemic"], 0.5
    assert timeline_event_from_dict(timeline_event_to_dict(event)) == event
    story = make_story(make_article("x", outlet="A"), id="s1")
    old = {"date": "2015-10-01", "granularity": "month", "text": "Visit", "outlets": ["A", "B"]}
    analysis_from_dict(story, {"timeline": [old]})
    (loaded,) = story.timeline
    assert (loaded.sources, loaded.source_names, loaded.salience) == (2, ["A", "B"], 0.0)


# ---- the limit in the CLI, the web page and the API ----

ENTITY = "Harbour Authority"
STORIES = 25


@pytest.fixture(scope="module")
def db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A store of `STORIES` one-article stories naming `ENTITY`, with no timelines built: each
    counts as its own event."""
    path = tmp_path_factory.mktemp("events") / "events.db"
    stories = []
    for n in range(1, STORIES + 1):
        article = make_article(
            f"The harbour authority reported regatta number {n}. Boats sailed.",
            outlet="Harbour Post" if n % 2 else "Coast Daily",
            published=date(2020, 1, n),
            split=split_sentences,
            title=f"Regatta {n}",
        )
        entity = StoryEntity(ENTITY, "ORG", [], [article.id], 1, 1.0)
        stories.append(
            make_story(
                article,
                id=f"e{n:011d}",
                title=f"Regatta {n}",
                event_date=article.published,
                entities=[entity],
            )
        )
    with open_store(path) as store:
        store.add_articles([a for s in stories for a in s.articles])
        store.replace_stories(stories)
    return path


def _cli(db: Path, *args: str) -> dict:
    result = runner.invoke(app, ["timeline", ENTITY, "--db", str(db), "--json", *args])
    assert result.exit_code == 0, result.output
    return json.loads(result.output)


def test_cli_shows_the_most_salient_and_says_how_many_in_all(db: Path) -> None:
    assert DEFAULT_TIMELINE_EVENTS == DEFAULT_LIMIT
    default = _cli(db)
    assert (default["total"], default["shown"], len(default["timeline"])) == (STORIES, 20, 20)
    days = [e["date"] for e in default["timeline"]]
    assert days == sorted(days)
    assert len(_cli(db, "--all")["timeline"]) == STORIES
    assert len(_cli(db, "--limit", "0")["timeline"]) == STORIES
    five = _cli(db, "--limit", "5")
    assert (five["total"], five["shown"]) == (STORIES, 5)
    assert {"salience", "sources", "variants"} <= set(five["timeline"][0])
    table = runner.invoke(app, ["timeline", ENTITY, "--db", str(db), "--limit", "3"])
    assert "3 most salient of 25 events" in " ".join(table.output.split())


@pytest.fixture(scope="module")
def client(db: Path) -> Iterator[TestClient]:
    with TestClient(create_app(db)) as c:
        yield c


def test_entity_page_shows_the_most_salient_with_a_link_to_all(client: TestClient) -> None:
    page = client.get("/entities/Harbour%20Authority").text
    timeline = page[page.index('<ol class="timeline">') :]
    timeline = timeline[: timeline.index("</ol>")]
    assert timeline.count("<li>") == 20
    assert "The 20 most salient of 25 events" in page and 'href="?events=all"' in page
    every = client.get("/entities/Harbour%20Authority", params={"events": "all"}).text
    timeline = every[every.index('<ol class="timeline">') :]
    assert timeline[: timeline.index("</ol>")].count("<li>") == STORIES
    assert "All 25 events" in every
    api = client.get("/api/entities/Harbour%20Authority").json()
    assert (api["timeline_total"], len(api["timeline"])) == (STORIES, 20)
    assert "salience" in api["timeline"][0]
    everything = client.get("/api/entities/Harbour%20Authority", params={"events": "all"})
    assert len(everything.json()["timeline"]) == STORIES
