"""A story is one event, told by its actors: reports that share a topic or a site's template
but name different actors stay apart; reports of one event worded differently join. Short
hand-written reports, clustered all at once and one at a time into a store, with the seeds
around them so that words weigh by a corpus as they would in use."""

from __future__ import annotations

import dataclasses

import pytest

from factories import make_article, seed_articles
from newsweave.app import pipeline
from newsweave.cluster.batch import ClusterSettings, cluster_articles
from newsweave.cluster.names import name_terms
from newsweave.model import Article, RawDocument
from newsweave.store import Store

_TEMPLATE = (
    "Sign up for the Orbit Weekly newsletter to get the latest space news delivered to your "
    "inbox. Follow Orbit Weekly on Twitter and on Facebook. Orbit Weekly is part of Stellar "
    "Media Group, an international media group and leading digital publisher."
)

EUROPA = make_article(
    "NASA scientists said on Tuesday that the icy moon Europa is venting plumes of water "
    "vapour from a salty ocean hidden beneath its frozen crust. The Juno spacecraft flew "
    "within 350 kilometres of Europa and its instruments caught the plumes rising above "
    "the ice. The ocean under the ice of Europa may hold more water than all of Earth's "
    "seas, and scientists said the finding makes the moon a prime place to look for life. "
    "The Europa Clipper mission, launched to Jupiter last year, will study the plumes when "
    "it arrives. " + _TEMPLATE,
    title="Juno spacecraft spots water plumes rising from Europa",
    outlet="Orbit Weekly",
    published="2024-03-05",
)
ENCELADUS = make_article(
    "Scientists studying old data from the Cassini spacecraft said on Thursday that the icy "
    "moon Enceladus holds phosphates in the ocean beneath its frozen crust. Cassini flew "
    "through the plumes of water vapour that Enceladus sprays from cracks near its south "
    "pole, and its instruments sampled the ice grains. The ocean under the ice of Enceladus "
    "may be the best place in the solar system to look for life, the scientists said. "
    "Saturn has more than a hundred moons, and Enceladus is the one that scientists most "
    "want to visit again. " + _TEMPLATE,
    title="Phosphates found in the hidden ocean of Enceladus",
    outlet="Orbit Weekly",
    published="2024-03-07",
)
TOYOTA = make_article(
    "Toyota unveiled its new electric SUV on Wednesday, promising a range of 300 miles on a "
    "single charge and a price below 40,000 dollars. The compact SUV goes on sale in the "
    "spring, and Toyota said dealers will take orders from next month. The battery charges "
    "to 80 percent in 30 minutes at a fast charger, the carmaker said. Toyota hopes the new "
    "model will win back buyers who have moved to rival electric cars.",
    title="Toyota unveils electric SUV with 300-mile range",
    outlet="Car Journal",
    published="2024-05-08",
)
FORD = make_article(
    "Ford launched its latest electric SUV on Thursday, with a range of 320 miles on a "
    "single charge and a starting price of 42,000 dollars. The SUV goes on sale in the "
    "summer, and Ford said dealers will take orders from next week. Its battery charges to "
    "80 percent in 35 minutes at a fast charger, the carmaker said. Ford is betting the new "
    "model will lift its electric car sales, which fell last year.",
    title="Ford launches new electric SUV priced from $42,000",
    outlet="Motor Daily",
    published="2024-05-09",
)
QUAKE = make_article(
    "A magnitude 6.8 earthquake struck the Kumamoto region of southern Japan late on "
    "Thursday, killing at least nine people and injuring hundreds. The quake toppled houses "
    "in the town of Mashiki, where rescuers searched the rubble through the night. The "
    "Japan Meteorological Agency warned of strong aftershocks and Prime Minister Fumio "
    "Kishida said troops had been sent to help. Bullet train services on Kyushu were halted.",
    title="Earthquake kills nine in southern Japan",
    outlet="World Wire",
    published="2024-04-11",
)
TREMOR = make_article(
    "Rescuers in Mashiki dug through collapsed wooden homes overnight after the 6.8 "
    "magnitude quake in Kumamoto killed nine people and left more than 800 hurt. The tremor "
    "hit the southern Japanese island of Kyushu on Thursday night. Kishida sent soldiers to "
    "Kumamoto and forecasters cautioned that aftershocks could follow for days. Shinkansen "
    "trains on Kyushu stopped running and thousands of people spent the night outdoors.",
    title="Rescuers dig through rubble after deadly Kumamoto quake",
    outlet="Daily Courier",
    published="2024-04-12",
)
EVENTS = [EUROPA, ENCELADUS, TOYOTA, FORD, QUAKE, TREMOR]


def background() -> list[Article]:
    """The seeds, dated far from the reports above, so that they never join them."""
    return [dataclasses.replace(a, published=None) for a in seed_articles().values()]


def stories_of(groups: list[list[Article]]) -> set[frozenset[str]]:
    """The groups that hold any of `EVENTS`, as sets of their titles."""
    titles = {a.id: a.title or "" for a in EVENTS}
    return {
        frozenset(titles[a.id] for a in group if a.id in titles)
        for group in groups
        if any(a.id in titles for a in group)
    }


EXPECTED = {
    frozenset({EUROPA.title}),
    frozenset({ENCELADUS.title}),
    frozenset({TOYOTA.title}),
    frozenset({FORD.title}),
    frozenset({QUAKE.title, TREMOR.title}),
}


def test_one_event_joins_and_same_topic_or_same_site_stays_apart() -> None:
    articles = [*EVENTS, *background()]
    groups = cluster_articles(articles)
    assert stories_of([[articles[i] for i in g] for g in groups]) == EXPECTED


def test_the_names_not_the_words_keep_them_apart() -> None:
    """Without comparing names, the moons' site template and the launches' shared words
    are enough to join them: the pairs are close in words."""
    articles = [*EVENTS, *background()]
    groups = cluster_articles(articles, ClusterSettings(key_names=0))
    found = stories_of([[articles[i] for i in g] for g in groups])
    assert found != EXPECTED


@pytest.mark.parametrize("order", [EVENTS, EVENTS[::-1]])
def test_one_at_a_time_into_a_store_gives_the_same_stories(
    store: Store, order: list[Article]
) -> None:
    """Incremental clustering decides each pair by its own evidence, whatever came before."""
    documents = [
        RawDocument(
            source=a.source,
            text=a.text,
            format="text",
            title=a.title,
            outlet=a.outlet,
            published=a.published,
            needs_cleaning=False,
        )
        for a in [*background(), *order]
    ]
    pipeline.ingest_documents(documents, store, batch_size=1)
    assert stories_of([s.articles for s in store.stories()]) == EXPECTED


def test_names_are_words_capitalised_inside_a_sentence() -> None:
    text = (
        "Russian President Vladimir Putin met Bashar al-Assad in Sochi on Monday. The White "
        "House said a white car was parked there, and a NASA official agreed. BREAKING news."
    )
    names = name_terms(text)
    assert {"vladimir", "putin", "sochi", "nasa"} <= set(names)
    # sentence openers, calendar words, words also written in lower case, shouted headings
    assert not {"russian", "monday", "white", "breaking", "the"} & set(names)
