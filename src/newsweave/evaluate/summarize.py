"""Summary quality: newsweave against the summarisers a user would pick instead, same clusters,
same run, same word budget.

Every system gets the same cleaned documents and the same sentence split (pysbd via
`SentenceSplitter`); sumy's baselines are fed our sentences and word tokens because its
default tokenizer needs an NLTK download. Each summary is cut at `words` words for every system
alike, then scored with rouge-score (Porter stemming, sentences joined by newlines).

Systems: `newsweave`; `lead` (first sentences of the first document); sumy's `lexrank`,
`textrank`, `lsa`, `sumbasic`; `oracle`, a greedy ROUGE-2 extract from all sentences, which is
the ceiling any extractive system can reach.
"""

from __future__ import annotations

import math
import statistics
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from newsweave.analysis.summarize import SummarySettings, summarize
from newsweave.app.pipeline import prepare
from newsweave.evaluate.datasets import Cluster
from newsweave.model import Article, RawDocument, Story
from newsweave.nlp.sentences import SentenceSplitter
from newsweave.tfidf import tokens

METRICS = ("rouge1", "rouge2", "rougeL")
SYSTEMS = ("newsweave", "lead", "lexrank", "textrank", "lsa", "sumbasic", "oracle")

Summariser = Callable[[list[Article], int, "str | None", list[Article]], list[str]]
"""(articles, words, focus query, articles already known) -> summary sentences."""


def cluster_articles(
    cluster: Cluster, splitter: SentenceSplitter, *, known: bool = False
) -> list[Article]:
    """Clean and split a cluster's documents (or its known ones) into articles, as `ingest` would."""
    articles = []
    documents = cluster.known if known else cluster.documents
    for n, doc in enumerate(documents):
        raw = RawDocument(
            source=doc.source or f"{cluster.id}/{'known/' if known else ''}{n}",
            text=doc.text,
            format="text",
            title=doc.title,
            published=doc.published,
        )
        article = prepare(raw)
        if not article.text:
            continue
        article.outlet = article.outlet or doc.source
        article.sentences = splitter.split(article.text)
        articles.append(article)
    return articles


def cut(sentences: Sequence[str], words: int) -> list[str]:
    """The sentences, in order, cut at `words` words (the last one truncated)."""
    out, left = [], words
    for sentence in sentences:
        if left <= 0:
            break
        parts = sentence.split()
        out.append(" ".join(parts[:left]))
        left -= len(parts)
    return out


def _all_sentences(articles: list[Article]) -> list[str]:
    return [" ".join(s.text.split()) for a in articles for s in a.sentences]


def newsweave_system(
    articles: list[Article], words: int, query: str | None, known: list[Article]
) -> list[str]:
    story = Story(id="eval", articles=articles + known)
    return [
        s.text for s in summarize(story, SummarySettings(words=words), focus=query, known=known)
    ]


def lead_system(
    articles: list[Article], words: int, query: str | None, known: list[Article]
) -> list[str]:
    return [" ".join(s.text.split()) for s in articles[0].sentences] if articles else []


class _Tokenizer:
    """sumy's tokenizer interface over our own sentence splitter and word pattern."""

    language = "english"

    def __init__(self, splitter: SentenceSplitter) -> None:
        self.splitter = splitter

    def to_sentences(self, paragraph: str) -> list[str]:
        return [s.text for s in self.splitter.split(paragraph)]

    def to_words(self, sentence: str) -> list[str]:
        return [w for w in sentence.replace("’", "'").split() if any(c.isalnum() for c in w)]


def sumy_system(name: str) -> Summariser:
    from sumy.models.dom import ObjectDocumentModel, Paragraph, Sentence
    from sumy.nlp.stemmers import Stemmer
    from sumy.summarizers.lex_rank import LexRankSummarizer
    from sumy.summarizers.lsa import LsaSummarizer
    from sumy.summarizers.sum_basic import SumBasicSummarizer
    from sumy.summarizers.text_rank import TextRankSummarizer
    from sumy.utils import get_stop_words

    classes = {
        "lexrank": LexRankSummarizer,
        "textrank": TextRankSummarizer,
        "lsa": LsaSummarizer,
        "sumbasic": SumBasicSummarizer,
    }
    summarizer = classes[name](Stemmer("english"))
    summarizer.stop_words = get_stop_words("english")
    tokenizer = _Tokenizer(SentenceSplitter())

    def run(
        articles: list[Article], words: int, query: str | None, known: list[Article]
    ) -> list[str]:
        paragraphs = [
            Paragraph([Sentence(" ".join(s.text.split()), tokenizer) for s in a.sentences])
            for a in articles
        ]
        document = ObjectDocumentModel(paragraphs)
        total = len(document.sentences)
        if total == 0:
            return []
        mean = sum(len(s.words) for s in document.sentences) / total
        least = min(total, math.ceil(words / max(mean, 1)) + 1)

        def best(ranked: list) -> list:
            """The best-rated sentences, at least `least` of them, until they reach `words`
            words; sumy passes them best first and puts them back in document order."""
            count, taken = 0, 0
            while count < len(ranked) and (count < least or taken < words):
                taken += len(str(ranked[count].sentence).split())
                count += 1
            return ranked[:count]

        return [str(s) for s in summarizer(document, best)]

    return run


def oracle_system(references: list[str]) -> Summariser:
    from rouge_score import rouge_scorer

    scorer = rouge_scorer.RougeScorer(["rouge2"], use_stemmer=True)
    reference = "\n".join(references)

    def run(
        articles: list[Article], words: int, query: str | None, known: list[Article]
    ) -> list[str]:
        pool = [s for s in _all_sentences(articles) if len(tokens(s)) >= 3]
        chosen: list[str] = []
        best = 0.0
        while sum(len(s.split()) for s in chosen) < words:
            gains = [
                (scorer.score(reference, "\n".join([*chosen, s]))["rouge2"].fmeasure, s)
                for s in pool
                if s not in chosen
            ]
            if not gains:
                break
            score, sentence = max(gains)
            if score <= best:
                break
            best = score
            chosen.append(sentence)
        return chosen

    return run


@dataclass
class SummaryEvalReport:
    words: int
    clusters: int
    scores: dict[str, dict[str, list[float]]] = field(
        default_factory=dict
    )  # system -> metric -> values

    def mean(self, system: str, metric: str) -> float:
        values = self.scores[system][metric]
        return 100 * statistics.fmean(values) if values else 0.0

    def rows(self) -> list[list[str]]:
        rows = []
        for system in self.scores:
            row = [system]
            for metric in METRICS:
                row += [
                    f"{self.mean(system, metric + '_f'):.2f}",
                    f"{self.mean(system, metric + '_r'):.2f}",
                ]
            ours = self.mean("newsweave", "rouge2_f")
            theirs = self.mean(system, "rouge2_f")
            row.append(f"{ours / theirs:.3f}" if theirs else "-")
            rows.append(row)
        return rows

    @staticmethod
    def header() -> list[str]:
        cols = ["system"]
        for metric in METRICS:
            cols += [f"{metric} F", f"{metric} R"]
        return [*cols, "newsweave/system R2-F"]

    def to_dict(self) -> dict:
        return {
            "words": self.words,
            "clusters": self.clusters,
            "systems": {
                system: {metric: round(self.mean(system, metric), 3) for metric in values}
                for system, values in self.scores.items()
            },
        }


def evaluate_summaries(
    clusters: Sequence[Cluster],
    *,
    words: int = 300,
    systems: Sequence[str] = SYSTEMS,
    save: Path | None = None,
    progress: Callable[[int], None] = lambda n: None,
) -> SummaryEvalReport:
    """Run every system on every cluster and score it against the cluster's references."""
    from rouge_score import rouge_scorer

    scorer = rouge_scorer.RougeScorer(list(METRICS), use_stemmer=True)
    splitter = SentenceSplitter()
    fixed: dict[str, Summariser] = {"newsweave": newsweave_system, "lead": lead_system}
    fixed.update(
        {
            name: sumy_system(name)
            for name in ("lexrank", "textrank", "lsa", "sumbasic")
            if name in systems
        }
    )
    report = SummaryEvalReport(words=words, clusters=len(clusters))
    report.scores = {s: {f"{m}_{k}": [] for m in METRICS for k in "fr"} for s in systems}
    for cluster in clusters:
        articles = cluster_articles(cluster, splitter)
        known = cluster_articles(cluster, splitter, known=True)
        reference = "\n".join(cluster.references)
        for system in systems:
            run = oracle_system(cluster.references) if system == "oracle" else fixed[system]
            summary = cut(run(articles, words, cluster.query, known), words) if articles else []
            if save is not None:
                target = save / system / f"{cluster.id}.txt"
                target.parent.mkdir(parents=True, exist_ok=True)
                target.write_text("\n".join(summary) + "\n", encoding="utf-8")
            scores = scorer.score(reference, "\n".join(summary))
            for metric in METRICS:
                report.scores[system][f"{metric}_f"].append(scores[metric].fmeasure)
                report.scores[system][f"{metric}_r"].append(scores[metric].recall)
        progress(1)
    return report


__all__ = ["SummaryEvalReport", "evaluate_summaries"]
