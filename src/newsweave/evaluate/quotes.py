"""Quote detection and speaker attribution against PolNeAR, newsweave against textacy's
`direct_quotations` in the same run, on the same spaCy parse of each text.

PolNeAR (brat standoff, `attributions/<name>_<annotator>.ann`) annotates attribution relations:
Source, Cue and Content spans, a Content possibly in several pieces (a quote split by its
attribution, a quote over several paragraphs). Definitions, the same for both systems:

- Gold direct quote: an attribution whose content holds a quotation mark (" “ ” « » „ '' ``)
  or starts right after one (also ‘): it quotes its source, wholly or in part ("…that the
  team avoided the ER to “keep the details under wraps.”"). Every other attribution is gold
  reported speech. One annotator per text: the first that metadata.tsv lists for it, else the
  first file by name. A gold source that is a relative pronoun ("who") also covers the noun
  phrase the relative clause hangs on.
- Predictions are grouped as PolNeAR groups contents: the quoted fragments of one sentence
  with the same speaker mention are one prediction (both systems), and so are the paragraphs
  of a newsweave quote over several paragraphs (`Quote.continues`).
- Match: a prediction matches a gold quote when its [start, end) overlaps the gold content
  pieces by at least half of the shorter of the two; predictions are matched in text order to
  the unused gold quote they overlap most, so each gold quote is used at most once.
- Detection: P = matched predictions / predictions, R = matched gold / gold.
- Speaker (end to end): a prediction's speaker is right when it matches a gold quote that has
  a source and either (a) the predicted speaker mention overlaps the gold source span, or (b)
  after resolution they name the same person: the surname (last capitalised word) of the
  resolved speaker ("Dmitry Peskov" from "the Kremlin spokesman") is a capitalised word of
  the gold source text ("Kremlin spokesman Peskov").
  A resolved pronoun counts when the gold source is a name of that person, not when it is
  another pronoun elsewhere. P = right / predictions with a speaker, R = right / gold quotes
  with a source.
- Speaker | matched: the same judgement over matched pairs only (P over matched predictions
  with a speaker, R over matched gold quotes with a source): attribution apart from detection.
- Reported speech (newsweave only; textacy has no counterpart): predictions with
  `direct=False` against gold reported speech, matched and scored as above.

textacy raises on some documents (unbalanced quotation marks): those count as no predictions.
By default the shared parse starts a sentence at each line break (`add_paragraph_breaks`), as
newsweave's quote stage is meant to run; `newsweave eval quotes --no-paragraph-breaks` scores
spaCy's plain parse.
"""

from __future__ import annotations

import csv
import re
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from spacy.language import Language
from spacy.tokens import Doc

from newsweave.nlp.entities import load_model
from newsweave.nlp.quotes import Quote, add_paragraph_breaks, extract_quotes

QUOTE_MARKS = ('"', "“", "”", "«", "»", "„", "''", "``")
_NAME_WORD = re.compile(r"\b[A-Z][\w’'-]*[a-z][\w’'-]*\b|\b[A-Z]{3,}\b")
_NOT_NAMES = frozenset(
    re.findall(
        r"\S+",
        """The A An He She It They We I You This That Mr Mrs Ms Dr Sir President Secretary
        Minister Senator Sen Gov Governor Rep Spokesman Spokeswoman Spokesperson Leader""",
    )
)


@dataclass(slots=True)
class Span:
    start: int
    end: int

    def __len__(self) -> int:
        return max(0, self.end - self.start)

    def overlap(self, other: Span) -> int:
        return max(0, min(self.end, other.end) - max(self.start, other.start))


@dataclass(slots=True)
class GoldAttribution:
    content: list[Span]
    source: list[Span]
    source_text: str
    direct: bool

    def overlap(self, span: Span) -> int:
        return sum(piece.overlap(span) for piece in self.content)

    def length(self) -> int:
        return sum(len(piece) for piece in self.content)


@dataclass(slots=True)
class Prediction:
    content: Span
    speaker_span: Span | None
    speaker: str | None


def _pieces(where: str) -> list[Span]:
    return [Span(int(a), int(b)) for a, b in (part.split() for part in where.split(";"))]


def is_direct(text: str, content: list[Span]) -> bool:
    """Whether an attributed content quotes its source: a mark inside it or right before it."""
    start = min(s.start for s in content)
    inside = "".join(text[s.start : s.end] for s in content)
    before = text[max(0, start - 2) : start]
    return any(m in inside for m in QUOTE_MARKS) or any(m in before for m in (*QUOTE_MARKS, "‘"))


def read_gold(ann: Path, text: str) -> list[GoldAttribution]:
    """The attribution relations of one brat `.ann` file over its text."""
    spans: dict[str, list[Span]] = {}
    events: list[dict[str, str]] = []
    for line in ann.read_text(encoding="utf-8").splitlines():
        parts = line.split("\t")
        if len(parts) < 2:
            continue
        if line.startswith("T"):
            _kind, _, where = parts[1].partition(" ")
            spans[parts[0]] = _pieces(where)
        elif line.startswith("E"):
            events.append(dict(arg.split(":", 1) for arg in parts[1].split() if ":" in arg))
    gold = []
    for event in events:
        content = spans.get(event.get("Content", ""))
        if not content:
            continue
        source = spans.get(event.get("Source", ""), [])
        source_text = " ".join(text[s.start : s.end] for s in source)
        gold.append(GoldAttribution(content, source, source_text, is_direct(text, content)))
    return gold


def resolve_relative(gold: GoldAttribution, doc: Doc) -> GoldAttribution:
    """A gold source that is a relative pronoun ("who") also covers the noun phrase it stands
    for ("Will Smith, who said"): syntax, not coreference, so it is resolved for the gold."""
    if gold.source_text.lower() not in ("who", "which", "that") or len(gold.source) != 1:
        return gold
    token = doc.char_span(gold.source[0].start, gold.source[0].end, alignment_mode="expand")
    if token is None or token.root.head.dep_ != "relcl":
        return gold
    noun = token.root.head.head
    phrase = Span(doc[noun.left_edge.i].idx, noun.idx + len(noun))
    return GoldAttribution(
        gold.content, [*gold.source, phrase], doc.text[phrase.start : phrase.end], gold.direct
    )


def _name_words(text: str | None) -> list[str]:
    return [w for w in _NAME_WORD.findall(text or "") if w not in _NOT_NAMES]


def speaker_right(prediction: Prediction, gold: GoldAttribution) -> bool:
    """The speaker judgement of the module docstring: the predicted mention overlaps the gold
    source, or the surname of the resolved speaker is a name word of the gold source."""
    if not gold.source or not prediction.speaker:
        return False
    span = prediction.speaker_span
    if span is not None and any(span.overlap(s) for s in gold.source):
        return True
    names = _name_words(prediction.speaker)
    return bool(names) and names[-1] in _name_words(gold.source_text)


@dataclass
class Scores:
    """Counts for one system and one task; P/R/F1 come from them."""

    predicted: int = 0
    gold: int = 0
    matched: int = 0
    with_speaker: int = 0
    gold_with_source: int = 0
    speaker_right: int = 0
    matched_with_speaker: int = 0
    matched_gold_with_source: int = 0

    @staticmethod
    def prf(right: int, predicted: int, gold: int) -> tuple[float, float, float]:
        p = right / predicted if predicted else 0.0
        r = right / gold if gold else 0.0
        return p, r, (2 * p * r / (p + r) if p + r else 0.0)

    def detection(self) -> tuple[float, float, float]:
        return self.prf(self.matched, self.predicted, self.gold)

    def speaker(self) -> tuple[float, float, float]:
        return self.prf(self.speaker_right, self.with_speaker, self.gold_with_source)

    def speaker_matched(self) -> tuple[float, float, float]:
        return self.prf(
            self.speaker_right, self.matched_with_speaker, self.matched_gold_with_source
        )

    def add(self, gold: list[GoldAttribution], predicted: list[Prediction]) -> None:
        """Score one document's predictions against its gold quotes of the same kind."""
        self.predicted += len(predicted)
        self.gold += len(gold)
        self.gold_with_source += sum(1 for g in gold if g.source)
        self.with_speaker += sum(1 for p in predicted if p.speaker)
        for p, g in match(gold, predicted):
            self.matched += 1
            self.matched_with_speaker += bool(p.speaker)
            self.matched_gold_with_source += bool(g.source)
            self.speaker_right += speaker_right(p, g)


def match(
    gold: list[GoldAttribution], predicted: list[Prediction]
) -> Iterator[tuple[Prediction, GoldAttribution]]:
    """Pairs (prediction, gold) overlapping by half of the shorter span, each gold used once."""
    used: set[int] = set()
    for p in sorted(predicted, key=lambda p: p.content.start):
        best, best_overlap = None, 0
        for k, g in enumerate(gold):
            overlap = g.overlap(p.content)
            shorter = min(len(p.content), g.length())
            if k not in used and shorter and overlap >= 0.5 * shorter and overlap > best_overlap:
                best, best_overlap = k, overlap
        if best is not None:
            used.add(best)
            yield p, gold[best]


def _prediction(q: Quote) -> Prediction:
    span = (
        Span(q.speaker_start, q.speaker_end)
        if q.speaker_start is not None and q.speaker_end is not None
        else None
    )
    return Prediction(Span(q.start, q.end), span, q.speaker)


def newsweave_predict(doc: Doc) -> tuple[list[Prediction], list[Prediction]]:
    """newsweave's (direct, reported) quotes of a parsed text. The paragraphs of a quote over
    several paragraphs are one prediction, as they are one attribution in PolNeAR."""
    direct: list[Prediction] = []
    reported: list[Prediction] = []
    for q in extract_quotes(doc):
        if q.direct and q.continues and direct:
            direct[-1].content.end = q.end
        else:
            (direct if q.direct else reported).append(_prediction(q))
    return group_fragments(doc, direct), reported


def textacy_predict(doc: Doc) -> tuple[list[Prediction], list[Prediction]]:
    """textacy's direct quotations; a document it raises on yields none."""
    from textacy.extract.triples import direct_quotations

    out = []
    try:
        for speaker, _cue, content in direct_quotations(doc):
            span = Span(speaker[0].idx, speaker[-1].idx + len(speaker[-1])) if speaker else None
            name = " ".join(t.text for t in speaker) if speaker else None
            out.append(Prediction(Span(content.start_char, content.end_char), span, name))
    except (ValueError, IndexError, AttributeError):
        return [], []
    return group_fragments(doc, out), []


def group_fragments(doc: Doc, predictions: list[Prediction]) -> list[Prediction]:
    """Quoted fragments of one sentence with one speaker mention as one prediction ("called
    him a “nasty guy,” an “anchor baby” and “unstable”"), as PolNeAR annotates them as one
    attribution. Applied to both systems alike."""
    out: list[Prediction] = []
    for p in sorted(predictions, key=lambda p: p.content.start):
        last = out[-1] if out else None
        if (
            last is not None
            and p.speaker_span is not None
            and last.speaker_span == p.speaker_span
            and _one_sentence(doc, last.content.start, p.content.start, p.speaker_span.start)
        ):
            last.content.end = max(last.content.end, p.content.end)
        else:
            out.append(Prediction(Span(p.content.start, p.content.end), p.speaker_span, p.speaker))
    return out


def _one_sentence(doc: Doc, *offsets: int) -> bool:
    """Whether the characters at these offsets lie in one sentence of the parse."""
    starts = set()
    for at in offsets:
        span = doc.char_span(at, at + 1, alignment_mode="expand")
        if span is None:
            return False
        starts.add(span.sent.start)
    return len(starts) == 1


SYSTEMS: dict[str, Callable[[Doc], tuple[list[Prediction], list[Prediction]]]] = {
    "newsweave": newsweave_predict,
    "textacy": textacy_predict,
}


@dataclass
class QuoteEvalReport:
    documents: int = 0
    direct: dict[str, Scores] = field(default_factory=dict)
    reported: Scores = field(default_factory=Scores)
    seconds: dict[str, float] = field(default_factory=dict)

    @staticmethod
    def header() -> list[str]:
        return ["system", "task", "P", "R", "F1", "n"]

    def _tasks(self) -> Iterator[tuple[str, str, tuple[float, float, float], int]]:
        for name, s in self.direct.items():
            yield name, "direct: detection", s.detection(), s.gold
            yield name, "direct: speaker", s.speaker(), s.gold_with_source
            yield name, "direct: speaker | matched", s.speaker_matched(), s.matched_gold_with_source
        yield "newsweave", "reported: detection", self.reported.detection(), self.reported.gold
        yield (
            "newsweave",
            "reported: speaker",
            self.reported.speaker(),
            self.reported.gold_with_source,
        )

    def rows(self) -> list[list[str]]:
        """One row per system and task: system, task, P, R, F1, n (gold items scored)."""
        return [
            [system, task, f"{p:.3f}", f"{r:.3f}", f"{f:.3f}", str(n)]
            for system, task, (p, r, f), n in self._tasks()
        ]

    def to_dict(self) -> dict:
        scores: dict[str, dict] = {}
        for system, task, prf, n in self._tasks():
            values = dict(
                zip(("precision", "recall", "f1"), (round(x, 4) for x in prf), strict=True)
            )
            scores.setdefault(system, {})[task] = values | {"n": n}
        for system, seconds in self.seconds.items():
            scores[system]["seconds"] = round(seconds, 2)
        return {"documents": self.documents, "systems": scores}


def polnear_documents(directory: Path) -> Iterator[tuple[str, str, Path]]:
    """(name, text, .ann path) for every text of a PolNeAR folder with an annotation.

    `directory` is a compartment (holding `text/` and `attributions/`) or the dataset root
    (holding compartments and `metadata.tsv`).
    """
    roots = [directory] if (directory / "text").is_dir() else sorted(directory.glob("*/text"))
    roots = [r.parent if r.name == "text" else r for r in roots]
    if not roots:
        raise FileNotFoundError(f"{directory}: no text/ folder in PolNeAR layout")
    metadata = next(
        (p for p in (directory / "metadata.tsv", directory.parent / "metadata.tsv") if p.is_file()),
        None,
    )
    annotators: dict[str, list[str]] = {}
    if metadata is not None:
        with metadata.open(encoding="utf-8", newline="") as handle:
            for row in csv.DictReader(handle, delimiter="\t"):
                annotators[row["filename"]] = (row.get("annotators") or "").split("|")
    for root in roots:
        for path in sorted((root / "text").glob("*.txt")):
            files = {
                p.stem.rsplit("_", 1)[-1]: p
                for p in (root / "attributions").glob(f"{path.stem}_*.ann")
            }
            if not files:
                continue
            chosen = next((files[a] for a in annotators.get(path.stem, []) if a in files), None)
            yield path.stem, path.read_text(encoding="utf-8"), chosen or files[min(files)]


def evaluate_quotes(
    directory: Path,
    limit: int | None = None,
    nlp: Language | None = None,
    paragraph_breaks: bool = True,
) -> QuoteEvalReport:
    """Score newsweave and textacy over a PolNeAR folder (see the module docstring).

    Both systems read the same parse of each text. By default the parse starts a sentence at
    every line break (`add_paragraph_breaks`), as newsweave's quote stage should; pass
    `paragraph_breaks=False` to score on spaCy's plain pipeline.
    """
    if nlp is None:
        nlp = load_model(ner_only=False)
        if paragraph_breaks:
            add_paragraph_breaks(nlp)
    report = QuoteEvalReport(
        direct={name: Scores() for name in SYSTEMS}, seconds=dict.fromkeys(SYSTEMS, 0.0)
    )
    documents = list(polnear_documents(directory))[:limit]
    parsed = nlp.pipe((text for _, text, _ in documents), batch_size=8)
    for (_name, text, ann), doc in zip(documents, parsed, strict=True):
        gold = [resolve_relative(g, doc) for g in read_gold(ann, text)]
        report.documents += 1
        for system, predict in SYSTEMS.items():
            started = time.perf_counter()
            direct, reported = predict(doc)
            report.seconds[system] += time.perf_counter() - started
            report.direct[system].add([g for g in gold if g.direct], direct)
            if system == "newsweave":
                report.reported.add([g for g in gold if not g.direct], reported)
    return report
