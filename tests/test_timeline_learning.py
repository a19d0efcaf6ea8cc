"""The learned parts of timeline summarisation and their peers, on small synthetic topics:
date features, a ranker learned on one topic and applied to another, leave-one-topic-out
folds (a topic's outlets held out together), CLUST's Markov clustering, and the sentence
choice (a summary's sum near the date's centroid, no time stamps)."""

from __future__ import annotations

import json
from datetime import date, timedelta
from pathlib import Path

import numpy as np
import pytest
from scipy.sparse import csr_matrix

from factories import make_article
from newsweave.evaluate.datasets import DatasetError
from newsweave.evaluate.timeline import evaluate_timelines, split_sentences
from newsweave.evaluate.timeline_clust import clust_timeline, markov_clusters
from newsweave.evaluate.timeline_dates import (
    FEATURES,
    DateFeatures,
    choose_c,
    date_features,
    fit_date_ranker,
)
from newsweave.evaluate.timeline_folds import RankerExample, fit_rankers, topic_folds
from newsweave.evaluate.timeline_summary import (
    DatedSentence,
    dated_sentences,
    greedy_centroid,
    reportable,
    sentence_space,
)

DAY = date(2010, 4, 20)


def _column(table: DateFeatures, day: date, feature: str) -> float:
    return float(table.counts[table.dates.index(day), FEATURES.index(feature)])


def test_date_features_split_mentions_by_side_and_cap_one_article() -> None:
    articles = [
        make_article("a", published=DAY),
        make_article("b", published=DAY + timedelta(days=2)),
    ]
    sentences = [DatedSentence("x", 0, frozenset({DAY + timedelta(days=1)}), False)]
    sentences += [DatedSentence("y", 1, frozenset({DAY}), False)] * 5  # one article, 5 times
    table = date_features(articles, sentences, DAY, DAY + timedelta(days=5))
    assert _column(table, DAY, "docs_total") == 1 and _column(table, DAY, "docs_after") == 1
    assert _column(table, DAY, "all_sents_total") == 5 and _column(table, DAY, "sents_total") == 2
    assert _column(table, DAY + timedelta(days=1), "docs_before") == 1
    assert _column(table, DAY, "published") == 1
    assert _column(table, DAY + timedelta(days=1), "published_next") == 1  # b, the day after
    assert date_features(articles, sentences, DAY + timedelta(days=1)).dates[0] > DAY


def _toy_table(gold: list[date], noise: list[date], scale: float) -> DateFeatures:
    """Gold dates are mentioned by many articles and published on; noise dates are named
    many times by one article only (a listing's "today")."""
    rows = {d: [6, 2, 4, 8, 2, 6, 3, 2, 8, 2, 6] for d in gold}
    rows |= {d: [1, 0, 0, 2, 0, 0, 0, 0, 30, 0, 0] for d in noise}
    rows |= {d: [0, 0, 0, 0, 0, 0, 1, 1, 0, 0, 0] for d in (noise[0] + timedelta(days=40),)}
    dates = sorted(rows)
    return DateFeatures(dates, np.array([rows[d] for d in dates], dtype=float) * scale)


def test_ranker_learned_on_one_topic_ranks_gold_like_dates_first_on_another() -> None:
    train_gold = [DAY + timedelta(days=n) for n in (0, 3, 9)]
    train = _toy_table(train_gold, [DAY + timedelta(days=n) for n in (1, 5, 7, 11)], 1.0)
    ranker = fit_date_ranker([(train, set(train_gold))])
    other = date(2011, 1, 1)
    gold = [other + timedelta(days=n) for n in (2, 4)]
    table = _toy_table(gold, [other + timedelta(days=n) for n in (0, 1, 6)], 3.0)  # bigger
    assert set(ranker.rank(table)[:2]) == set(gold)
    with pytest.raises(ValueError):
        fit_date_ranker([(train, set(train.dates))])  # nothing to tell apart


def test_regularisation_is_chosen_among_the_grid() -> None:
    tables = []
    for n, topic in enumerate(("bpoil", "haiti", "mj")):
        start = DAY + timedelta(days=100 * n)
        gold = [start + timedelta(days=d) for d in (0, 4)]
        table = _toy_table(gold, [start + timedelta(days=d) for d in (1, 2, 6)], 1.0 + n)
        tables.append((topic, table, set(gold)))
    assert choose_c(tables, grid=(0.5, 2.0)) in (0.5, 2.0)
    assert choose_c(tables[:1], grid=(0.5, 1.0, 2.0)) == 1.0  # one topic: nothing to hold out


def test_folds_hold_out_every_outlet_of_a_topic() -> None:
    folders = ["haiti_bbc", "bpoil_guardian", "H1N1_bbc", "bpoil_bbc", "H1N1_guardian", "MJ_bbc"]
    assert topic_folds(folders) == {
        "H1N1": ["H1N1_bbc", "H1N1_guardian"],
        "MJ": ["MJ_bbc"],
        "bpoil": ["bpoil_bbc", "bpoil_guardian"],
        "haiti": ["haiti_bbc"],
    }


def test_fit_rankers_gives_both_learned_systems() -> None:
    examples = []
    for n, folder in enumerate(("bpoil_bbc", "bpoil_guardian", "haiti_bbc")):
        start = DAY + timedelta(days=100 * n)
        gold = [start + timedelta(days=d) for d in (0, 4)]
        table = _toy_table(gold, [start + timedelta(days=d) for d in (1, 2, 6)], 1.0)
        examples.append(RankerExample(folder, table, frozenset(gold)))
    rankers = fit_rankers(examples)
    assert set(rankers) == {"newsweave", "datewise"}
    assert rankers["datewise"].scaling == "l2" and "published" not in rankers["datewise"].features
    assert rankers["newsweave"].rank(examples[2].features)[:2] == sorted(examples[2].gold)


def test_markov_clustering_splits_two_blocks() -> None:
    block = np.ones((3, 3))
    similarity = np.zeros((6, 6))
    similarity[:3, :3] = similarity[3:, 3:] = block
    similarity[2, 3] = similarity[3, 2] = 0.05
    np.fill_diagonal(similarity, 0.0)
    assert sorted(markov_clusters(similarity)) == [[0, 1, 2], [3, 4, 5]]
    assert markov_clusters(np.zeros((0, 0))) == []


def test_clust_dates_each_event_by_its_most_mentioned_day() -> None:
    spill = (
        "BP engineers fight the oil spill in the Gulf of Mexico on Tuesday after the rig explosion."
    )
    cap = "BP says the leaking oil well in the Gulf has been capped on Thursday by engineers."
    texts = [(spill, DAY + timedelta(days=1)), (spill, DAY + timedelta(days=1))]
    texts += [(cap, date(2010, 7, 15)), (cap, date(2010, 7, 16))]
    articles = [
        make_article(t + f" Report number {n}.", published=d, split=split_sentences)
        for n, (t, d) in enumerate(texts)
    ]
    sentences = dated_sentences(articles)
    timeline = clust_timeline(
        articles, sentence_space(articles, sentences), 2, 1, start=DAY, end=date(2010, 7, 20)
    )
    assert sorted(timeline) == [DAY, date(2010, 7, 15)]  # "Tuesday" of the 21st is the 20th


def test_greedy_centroid_takes_the_centroid_first_and_no_row_twice() -> None:
    rows = csr_matrix(np.array([[1.0, 0.0], [0.0, 1.0], [0.6, 0.8]]))
    centroid = np.array([0.6, 0.8])
    assert greedy_centroid(rows, centroid, 3)[0] == 2
    assert len(set(greedy_centroid(rows, centroid, 3))) == 3


def test_time_stamps_are_not_reportable() -> None:
    assert not reportable("Thursday in Cairo, 8:15 p.m.")
    assert not reportable("January 31, 2011 at 3:30 pm")
    assert reportable("Dr Murray is charged with involuntary manslaughter.")


def _topic(root: Path, name: str, start: date) -> None:
    """A topic whose gold days are reported by several articles, with a quiet day between."""
    folder = root / name
    folder.mkdir()
    events = {
        start: "Rescuers pull survivors from the rubble of the collapsed buildings in the city .",
        start + timedelta(days=3): "Aid convoys reach the capital as donors pledge relief money .",
        start + timedelta(days=6): "The government declares the emergency over as schools open .",
    }
    articles, n = [], 0
    for day, text in events.items():
        for copy in range(3):
            n += 1
            articles.append(
                {"uid": str(n), "dct": day.isoformat(), "text": f"{text} Copy {copy} ."}
            )
    n += 1
    quiet = start + timedelta(days=1)
    articles.append({"uid": str(n), "dct": quiet.isoformat(), "text": "Weather is mild . Fine ."})
    (folder / "articles.json").write_text(json.dumps(articles))
    gold = [{"date": d.isoformat(), "text": t} for d, t in events.items()]
    (folder / "gold.timeline.json").write_text(json.dumps(gold))


def test_cross_validation_scores_every_folder_once_per_system(tmp_path: Path) -> None:
    _topic(tmp_path, "quake_bbc", date(2010, 1, 12))
    _topic(tmp_path, "quake_cnn", date(2010, 1, 12))
    _topic(tmp_path, "flood_bbc", date(2011, 3, 1))
    report = evaluate_timelines(tmp_path, rouge=False, folds=True)
    data = report.to_dict()
    assert report.folds == {"flood": ["flood_bbc"], "quake": ["quake_bbc", "quake_cnn"]}
    assert set(report.rankers) == {"all", "flood", "quake"}
    assert set(data["folds"]) == {"flood", "quake"}
    assert {row[0] for row in report.fold_rows()} == {
        "flood_bbc", "quake_bbc", "quake_cnn", "quake (fold)",
    }  # fmt: skip
    assert data["oracle dates"]["date_f1"] == 1.0
    assert data["newsweave"]["date_f1"] == 1.0  # many reports beat one quiet day


def test_folds_that_cannot_learn_say_so(tmp_path: Path) -> None:
    _topic(tmp_path, "quake_bbc", date(2010, 1, 12))
    folder = tmp_path / "flood_bbc"  # every candidate date is a gold date: nothing to contrast
    folder.mkdir()
    days = [date(2011, 3, 1), date(2011, 3, 2)]
    articles = [
        {
            "uid": str(n),
            "dct": d.isoformat(),
            "text": "Rivers burst their banks across the region .",
        }
        for n, d in enumerate(days)
    ]
    (folder / "articles.json").write_text(json.dumps(articles))
    gold = [{"date": d.isoformat(), "text": "Rivers burst their banks ."} for d in days]
    (folder / "gold.timeline.json").write_text(json.dumps(gold))
    with pytest.raises(DatasetError, match="non-gold"):
        evaluate_timelines(tmp_path, rouge=False, folds=True)
    with pytest.raises(DatasetError, match="two topics"):
        evaluate_timelines(tmp_path, rouge=False, folds=True, limit=1)
