"""Source independence within a fact: a passage copied word for word counts once, under its
wire where a carrier names one; different wordings of one claim are separate sources."""

from __future__ import annotations

from factories import make_article, split_sentences
from newsweave.analysis.crossref import align
from newsweave.model import Article, Fact, Story

CLAIM = (
    "Critics of the plan, among them several neighbouring states, say the new dam will dry up "
    "the river downstream and ruin thousands of farms."
)


def article(text: str, outlet: str, published: str, **fields: object) -> Article:
    return make_article(text, outlet=outlet, published=published, split=split_sentences, **fields)


def fact_about(articles: list[Article], words: str) -> Fact:
    (fact,) = [f for f in align(articles).facts if any(words in s.text for s in f.statements)]
    return fact


def test_a_verbatim_passage_without_a_wire_counts_once_under_its_earliest_carrier() -> None:
    later = article(f"The minister opened the dam on Monday. {CLAIM}", "Daily Post", "2024-03-02")
    first = article(f"Crowds watched the ceremony in the valley. {CLAIM}", "Herald", "2024-03-01")
    fact = fact_about([later, first], "Critics of the plan")
    assert fact.sources == 1
    assert fact.source_names == ["Herald (via Daily Post)"]
    assert fact.outlets == ["Daily Post", "Herald"]


def test_different_wordings_of_one_claim_are_two_sources() -> None:
    reworded = (
        "Several neighbouring states criticise the plan and say that thousands of farms "
        "downstream will be ruined when the new dam dries up the river."
    )
    one = article(f"The minister opened the dam on Monday. {CLAIM}", "Daily Post", "2024-03-02")
    two = article(f"Crowds watched the ceremony. {reworded}", "Herald", "2024-03-01")
    fact = fact_about([one, two], "dam")
    assert fact.sources == 2
    assert fact.source_names == ["Daily Post", "Herald"]


def test_a_short_sentence_copied_with_its_paragraph_is_the_passage_source() -> None:
    short = "The government says the dam is safe."
    wire = article(f"{CLAIM} {short} Work began in 2019.", "Times", "2024-03-01", credits=["AP"])
    reprint = article(f"A ceremony was held. {CLAIM} {short}", "Post", "2024-03-02")
    fact = fact_about([wire, reprint], short)
    assert fact.sources == 1
    assert fact.source_names == ["AP (via Times, Post)"]


def test_a_short_sentence_alone_is_a_set_phrase_not_a_copy() -> None:
    short = "The government says the dam is safe."
    one = article(f"Engineers inspected the walls on Monday. {short}", "Times", "2024-03-01")
    two = article(f"Farmers marched to the capital in protest. {short}", "Post", "2024-03-02")
    fact = fact_about([one, two], short)
    assert fact.sources == 2


def test_an_outlet_crediting_several_agencies_carries_the_wire_it_copies() -> None:
    wire = article(f"The dam opened. {CLAIM}", "Moscow Times", "2024-03-01", credits=["Reuters"])
    compiled = article(
        f"The river is long. {CLAIM}",
        "DW",
        "2024-03-01",
        credits=["AFP", "AP", "dpa", "Reuters"],
    )
    own = article(f"Crowds cheered. {CLAIM}", "Herald", "2024-02-28")
    fact = fact_about([compiled, own, wire], "Critics of the plan")
    assert fact.sources == 1
    assert fact.source_names == ["Reuters (via DW, Herald, Moscow Times)"]


def test_outlets_quoting_one_transcript_are_separate_sources() -> None:
    said = (
        '"We will keep the river flowing for every farm downstream, whatever the season '
        'brings us this year," the minister said.'
    )
    one = article(f"The dam opened on Monday. {said}", "Times", "2024-03-01", credits=["AP"])
    two = article(f"Crowds watched the ceremony. {said}", "Post", "2024-03-02")
    fact = fact_about([one, two], "river flowing")
    assert fact.sources == 2
    assert fact.source_names == ["AP (via Times)", "Post"]


def test_the_meter_counts_a_source_once_whatever_carried_it() -> None:
    facts = [
        Fact("a", [], [], 1, ["Reuters (via The Moscow Times)"]),
        Fact("b", [], [], 2, ["Reuters (via The Moscow Times, The Independent)", "DW"]),
    ]
    assert Story(id="s", articles=[], facts=facts).fact_sources == 2
