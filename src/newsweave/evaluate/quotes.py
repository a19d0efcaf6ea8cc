"""Quote detection and speaker attribution against PolNeAR (brat standoff), newsweave against
textacy's `direct_quotations` in the same run.

Definitions (both systems are scored the same way):
- Gold direct quotes: PolNeAR attributions whose content span holds a quotation mark (or is
  immediately preceded by one): the content quotes its source directly, wholly or in part.
  Only the first annotator's file of each text is used.
- A predicted quote matches a gold one when their content spans overlap by at least half of
  the shorter span; each gold quote matches at most one prediction.
- Detection: precision = matched predictions / predictions; recall = matched gold / gold.
- Speaker: among all gold direct quotes, a prediction is right when it matches the gold quote
  and its speaker span overlaps the gold source span, or its resolved speaker shares a word
  with the gold source text (a resolved "he" is right when it names the same person). Speaker
  precision is over predictions with a speaker, recall over gold quotes with a source.
"""

from __future__ import annotations

import re
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from newsweave.nlp.entities import load_model
from newsweave.nlp.quotes import extract_quotes

QUOTE_MARKS = '"“”«»„'


@dataclass(slots=True)
class Span:
    start: int
    end: int

    def overlap(self, other: Span) -> int:
        return max(0, min(self.end, other.end) - max(self.start, other.start))


@dataclass(slots=True)
class GoldQuote:
    content: Span
    source: Span | None
    source_text: str


@dataclass(slots=True)
class Predicted:
    content: Span
    speaker_span: Span | None
    speaker: str | None


def _spans(field_text: str) -> list[Span]:
    return [Span(int(a), int(b)) for a, b in (part.split() for part in field_text.split(";"))]


def read_gold(ann: Path, text: str) -> list[GoldQuote]:
    spans: dict[str, tuple[str, list[Span]]] = {}
    events = []
    for line in ann.read_text(encoding="utf-8").splitlines():
        parts = line.split("\t")
        if line.startswith("T") and len(parts) >= 2:
            kind, _, where = parts[1].partition(" ")
            spans[parts[0]] = (kind, _spans(where))
        elif line.startswith("E") and len(parts) >= 2:
            events.append(dict(arg.split(":") for arg in parts[1].split()))
    gold = []
    for event in events:
        content = spans.get(event.get("Content", ""))
        if not content:
            continue
        whole = Span(min(s.start for s in content[1]), max(s.end for s in content[1]))
        inside = text[max(0, whole.start - 2) : whole.end]
        if not any(m in inside for m in QUOTE_MARKS):
            continue
        source = spans.get(event.get("Source", ""))
        source_span = source[1][0] if source else None
        source_text = text[source_span.start : source_span.end] if source_span else ""
        gold.append(GoldQuote(whole, source_span, source_text))
    return gold


def _words(text: str | None) -> set[str]:
    return {w for w in re.findall(r"[a-z]+", (text or "").lower()) if len(w) > 2}


@dataclass
class Scores:
    predicted: int = 0
    gold: int = 0
    matched: int = 0
    with_speaker: int = 0
    gold_with_source: int = 0
    speaker_right: int = 0
    seconds: float = 0.0

    @staticmethod
    def prf(right: int, predicted: int, gold: int) -> tuple[float, float, float]:
        p = right / predicted if predicted else 0.0
        r = right / gold if gold else 0.0
        return p, r, (2 * p * r / (p + r) if p + r else 0.0)

    def detection(self) -> tuple[float, float, float]:
        return self.prf(self.matched, self.predicted, self.gold)

    def speaker(self) -> tuple[float, float, float]:
        return self.prf(self.speaker_right, self.with_speaker, self.gold_with_source)


def score_document(gold: list[GoldQuote], predicted: list[Predicted], scores: Scores) -> None:
    scores.predicted += len(predicted)
    scores.gold += len(gold)
    scores.gold_with_source += sum(1 for g in gold if g.source)
    scores.with_speaker += sum(1 for p in predicted if p.speaker)
    used: set[int] = set()
    for p in predicted:
        for k, g in enumerate(gold):
            if k in used:
                continue
            shorter = min(p.content.end - p.content.start, g.content.end - g.content.start)
            if shorter > 0 and p.content.overlap(g.content) >= 0.5 * shorter:
                used.add(k)
                scores.matched += 1
                if (
                    g.source
                    and p.speaker
                    and (
                        (p.speaker_span and p.speaker_span.overlap(g.source) > 0)
                        or _words(p.speaker) & _words(g.source_text)
                    )
                ):
                    scores.speaker_right += 1
                break


def newsweave_predict(nlp) -> Callable[[str], list[Predicted]]:
    def run(text: str) -> list[Predicted]:
        out = []
        for q in extract_quotes(nlp(text)):
            if not q.direct:
                continue
            span = Span(q.speaker_start, q.speaker_end) if q.speaker_start is not None else None
            out.append(Predicted(Span(q.start, q.end), span, q.speaker))
        return out

    return run


def textacy_predict(nlp) -> Callable[[str], list[Predicted]]:
    from textacy.extract.triples import direct_quotations

    def run(text: str) -> list[Predicted]:
        doc = nlp(text)
        out = []
        try:
            for speaker, _cue, content in direct_quotations(doc):
                start, end = content.start_char, content.end_char
                speaker_span = (
                    Span(speaker[0].idx, speaker[-1].idx + len(speaker[-1])) if speaker else None
                )
                speaker_text = " ".join(t.text for t in speaker) if speaker else None
                out.append(Predicted(Span(start, end), speaker_span, speaker_text))
        except (ValueError, IndexError):
            return out  # textacy refuses some documents: no predictions for them
        return out

    return run


@dataclass
class QuoteEvalReport:
    documents: int = 0
    systems: dict[str, Scores] = field(default_factory=dict)

    @staticmethod
    def header() -> list[str]:
        return ["system", "task", "P", "R", "F1", "gold"]

    def rows(self) -> list[list[str]]:
        rows = []
        for name, s in self.systems.items():
            for task, (p, r, f) in (("detection", s.detection()), ("speaker", s.speaker())):
                rows.append([name, task, f"{p:.3f}", f"{r:.3f}", f"{f:.3f}", str(s.gold)])
        return rows

    def to_dict(self) -> dict:
        return {
            "documents": self.documents,
            "systems": {
                name: {
                    task: dict(
                        zip(("precision", "recall", "f1"), (round(x, 4) for x in prf), strict=True)
                    )
                    for task, prf in (("detection", s.detection()), ("speaker", s.speaker()))
                }
                | {"gold_quotes": s.gold, "seconds": round(s.seconds, 2)}
                for name, s in self.systems.items()
            },
        }


def evaluate_quotes(directory: Path, limit: int | None = None) -> QuoteEvalReport:
    """Score both systems over PolNeAR's `text/` and `attributions/` under `directory`."""
    texts = (
        directory / "text"
        if (directory / "text").is_dir()
        else next(directory.glob("*/text"), None)
    )
    if texts is None:
        raise FileNotFoundError(f"{directory}: no text/ folder in PolNeAR layout")
    annotations = texts.parent / "attributions"
    nlp = load_model(ner_only=False)
    systems = {"newsweave": newsweave_predict(nlp), "textacy": textacy_predict(nlp)}
    report = QuoteEvalReport(systems={name: Scores() for name in systems})
    for path in sorted(texts.glob("*.txt"))[:limit]:
        anns = sorted(annotations.glob(f"{path.stem}_*.ann"))
        if not anns:
            continue
        text = path.read_text(encoding="utf-8")
        gold = read_gold(anns[0], text)
        report.documents += 1
        for name, predict in systems.items():
            start = time.perf_counter()
            predicted = predict(text)
            report.systems[name].seconds += time.perf_counter() - start
            score_document(gold, predicted, report.systems[name])
    return report
