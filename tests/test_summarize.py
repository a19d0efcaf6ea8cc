"""The summariser's promises (grounded, focused, update) and the evaluation harness scoring."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

from typer.testing import CliRunner

from factories import make_article, make_story, seed_articles
from newsweave.analysis.summarize import SummarySettings, summarize
from newsweave.app.queries import focused_summary, taken_as_read
from newsweave.cli import app
from newsweave.evaluate.datasets import Cluster, ClusterDocument, load_dataset
from newsweave.evaluate.summarize import evaluate_summaries
from newsweave.model import Story
from newsweave.nlp.sentences import SentenceSplitter

SPLIT = SentenceSplitter()  # the summariser's own sentence boundaries

BRIDGE = [
    make_article(
        "The city council approved the new river bridge on Monday after a long debate. "
        "The bridge will cost 40 million dollars and open in 2024. "
        "Opponents said the money should repair existing roads instead.",
        outlet="Gazette",
        published="2021-06-01",
        split=SPLIT.split,
    ),
    make_article(
        "Councillors voted on Monday to approve a new bridge across the river. "
        "The mayor said the bridge would cost 40 million dollars. "
        "Traffic on the old crossing has doubled in ten years, engineers reported.",
        outlet="Herald",
        published="2021-06-01",
        split=SPLIT.split,
    ),
    make_article(
        "Construction of the approved river bridge will start in March, the city announced. "
        "The contract went to a local firm after a tender with five bidders. "
        "The mayor said the bridge would cost 40 million dollars.",
        outlet="Tribune",
        published="2021-06-09",
        split=SPLIT.split,
    ),
]


def squash(text: str) -> str:
    return " ".join(text.split())


def test_every_sentence_is_grounded_and_cited() -> None:
    summary = summarize(make_story(*BRIDGE, id="s"), SummarySettings(words=60))
    assert summary
    by_id = {a.id: a for a in BRIDGE}
    for sentence in summary:
        assert sentence.outlets and sentence.article_ids
        assert squash(sentence.text) in squash(by_id[sentence.article_id].text)
        assert all(by_id[i].outlet_label in sentence.outlets for i in sentence.article_ids)


def test_corroborated_sentence_cites_every_outlet_saying_it() -> None:
    summary = summarize(make_story(*BRIDGE, id="s"), SummarySettings(words=80))
    cost = [s for s in summary if "40 million" in s.text]
    assert cost and {"Gazette", "Herald", "Tribune"} <= set(cost[0].outlets)


def test_focus_moves_the_summary() -> None:
    plain = summarize(make_story(*BRIDGE, id="s"), SummarySettings(words=15))
    focused = summarize(
        make_story(*BRIDGE, id="s"),
        SummarySettings(words=15),
        focus="who won the construction contract tender",
    )
    assert "contract" in focused[0].text
    assert plain[0].text != focused[0].text


def test_update_summary_leaves_out_what_was_known() -> None:
    known = BRIDGE[:2]
    update = summarize(make_story(*BRIDGE, id="s"), SummarySettings(words=60), known=known)
    assert update
    assert all(s.article_ids == [BRIDGE[2].id] for s in update)
    assert not any("40 million" in s.text for s in update)  # already reported before


def test_harness_scores_a_perfect_and_an_empty_summary(tmp_path: Path) -> None:
    text = "The council approved the river bridge on Monday after a long debate in the city hall."
    perfect = Cluster("perfect", [ClusterDocument(text)], [text])
    empty = Cluster(
        "empty", [ClusterDocument("   ")], ["Something else entirely happened yesterday."]
    )
    report = evaluate_summaries(
        [perfect, empty], words=50, systems=["newsweave", "lead"], save=tmp_path
    )
    assert report.scores["newsweave"]["rouge1_f"] == [1.0, 0.0]
    assert report.scores["lead"]["rouge2_f"] == [1.0, 0.0]
    assert (tmp_path / "newsweave" / "perfect.txt").read_text().strip() == text


def test_clusters_format_with_query_and_update(tmp_path: Path) -> None:
    line = {
        "id": "c1",
        "documents": [{"text": BRIDGE[2].text, "published": "2021-06-09"}],
        "references": ["Construction starts in March; a local firm won the contract."],
        "query": "who built it",
        "update": {"known": [{"text": BRIDGE[0].text}]},
    }
    path = tmp_path / "c.jsonl"
    path.write_text(json.dumps(line) + "\n")
    (cluster,) = load_dataset("clusters", path)
    assert cluster.query == "who built it" and len(cluster.known) == 1
    result = CliRunner().invoke(app, ["eval", "summarize", str(path), "--dataset", "clusters", "--words", "40",
                                      "--systems", "newsweave,lead", "--json"])  # fmt: skip
    assert result.exit_code == 0, result.output
    assert "rouge2_f" in result.output


def test_a_direct_quotation_is_preferred_to_its_paraphrase() -> None:
    """Quotes are what summary writers keep word for word: with the quotation bonus the quoted
    sentence wins over an earlier paraphrase of it; without the bonus, position decides."""
    story = make_story(
        make_article(
            "The council approved the new river bridge on Monday after a long debate. "
            "The bridge will carry twenty thousand cars a day across the river, officials "
            "estimated. "
            "Opponents of the plan asked for a referendum on the cost of the project. "
            "“The bridge will carry twenty thousand cars a day across the river,” the mayor "
            "said. ",
            outlet="Gazette",
            split=SPLIT.split,
        ),
        id="q",
    )
    budget = SummarySettings(words=30)

    def chosen(settings: SummarySettings) -> list[str]:
        return [s.text for s in summarize(story, settings)]

    with_bonus = chosen(budget)
    without = chosen(SummarySettings(words=30, quotation_weight=0.0))
    assert any(s.startswith("“The bridge") for s in with_bonus)
    assert not any(s.startswith("The bridge") for s in with_bonus)
    assert any(s.startswith("The bridge") for s in without)
    assert not any(s.startswith("“The bridge") for s in without)


def test_short_quoted_names_do_not_count_as_quotations() -> None:
    """A quoted title or scare quote ("on “Fox News Sunday”") is not a statement."""
    from newsweave.analysis.summarize import _candidates

    text = (
        "The senator spoke on “Fox News Sunday” about the budget and the coming vote. "
        "“We will not vote for this budget as it stands,” the senator said on the programme."
    )
    article = make_article(text, outlet="Gazette", split=SPLIT.split)
    candidates = _candidates([article], SummarySettings())
    assert [c.quotes for c in candidates] == [False, True]


# ---- news first, and update summaries, on the bundled Sochi story ----


def sochi() -> Story:
    """The four 2018 reports of Assad meeting Putin, as ingest prepares and digest splits them:
    The Moscow Times (Reuters) and DW dated 2018-05-18, The Independent and Kurdistan 24 undated."""
    seeds = seed_articles()
    articles = [seeds[n] for n in ("000", "001", "002", "003")]
    for article in articles:
        article.sentences = SPLIT.split(article.text)
    return make_story(*articles)


def announces_withdrawal(text: str) -> bool:
    return "foreign armed forces" in text and ("withdr" in text or "leaving" in text)


def test_the_announcement_two_outlets_lead_with_is_in_the_summary() -> None:
    """Putin's announcement that foreign forces will leave Syria is Kurdistan 24's first
    sentence and The Independent's too, in other words; every outlet instead prints the same
    Assad quotes from the Kremlin's readout, which win on score alone."""
    story = sochi()
    summary = summarize(story)
    assert any(announces_withdrawal(s.text) for s in summary)
    assert any("Kurdistan 24" in s.outlets for s in summary if announces_withdrawal(s.text))
    assert "Black Sea" in summary[0].text  # the visit itself opens it
    by_score_alone = summarize(story, SummarySettings(lead_share=0.0))
    assert not any(announces_withdrawal(s.text) for s in by_score_alone)


def test_update_since_leaves_out_what_the_undated_outlets_reported() -> None:
    """Since 2018-05-17, the two undated reports are taken as read: the visit they reported,
    in whatever words, is not news again."""
    story = sochi()
    read = taken_as_read(story, date(2018, 5, 17))
    assert sorted(a.outlet_label for a in read) == ["Kurdistan 24", "The Independent"]
    update = focused_summary(story, words=120, since=date(2018, 5, 17))
    assert update
    new_ids = {a.id for a in story.articles if a not in read}
    assert all(s.article_id in new_ids for s in update)
    said = " ".join(s.text for s in update)
    for reported in ("flew to Russian leader", "congratulated Putin on his new term",
                     "three publicly-acknowledged visits", "foreign armed forces"):  # fmt: skip
        assert reported not in said


GAZETTE = (
    "The council approved the river bridge on Monday after a long debate. "
    "The bridge will cost 40 million dollars, the mayor said at the vote."
)
HERALD = (
    "Councillors approved a new river bridge on Monday, ending a debate of months. "
    "Building work on the bridge will begin in March, the city announced."
)


def test_an_undated_report_is_known_in_other_words_an_earlier_one_only_verbatim() -> None:
    """A reworded statement is old news against an article that may be the same day's report
    (undated), and still news against the previous day's, where only a repeat is old."""
    later = make_article(HERALD, outlet="Herald", published="2021-06-08", split=SPLIT.split)
    for published, kept in ((None, False), ("2021-06-07", True)):
        known = make_article(GAZETTE, outlet="Gazette", published=published, split=SPLIT.split)
        update = summarize(make_story(known, later), SummarySettings(words=60), known=[known])
        assert any("Councillors approved" in s.text for s in update) == kept
        assert any("Building work" in s.text for s in update)
    repeat = make_article(
        "Councillors approved a new river bridge on Monday, ending a debate of months, the "
        "paper said.",
        outlet="Gazette", published="2021-06-07", split=SPLIT.split,
    )  # fmt: skip
    update = summarize(make_story(repeat, later), SummarySettings(words=60), known=[repeat])
    assert not any("Councillors approved" in s.text for s in update)
