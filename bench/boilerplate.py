"""How much of the stories is boilerplate, with learned per-site boilerplate off and on.

    PYTHONPATH=src .venv/bin/python bench/boilerplate.py \\
        ../shared/data/t17-dev/H1N1_bbc ../shared/data/t17-dev/EgyptianProtest_cnn \\
        --fundus ../shared/data/fundus

Each corpus is ingested into a fresh database twice, with `learn_boilerplate` off ("before")
and on ("after"), and its stories built and analysed as `newsweave digest` does. A Timeline17
folder's articles are its outlet's (the folder name's suffix: H1N1_bbc is BBC); Fundus pages
are read as HTML, each from its own publisher.

What counts as boilerplate is decided here, apart from the pipeline's own threshold: a story
fact or summary sentence is boilerplate when its normalised text (`normalise_line`) recurs in
at least three articles of one site in the corpus as the cleaner's rules leave it, or when
a removing rule of `rules/boilerplate.toml` matches it (within its limits, as in the body's
last half); an entity is boilerplate when every
sentence of its story that names it is. The rule is broader than the pipeline's (no share,
no minimum site size), so a background paragraph one outlet repeats is flagged too: the
printed samples of flagged and unflagged items are for checking by hand.
"""

from __future__ import annotations

import argparse
import json
import random
import sys
import tempfile
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, replace
from datetime import date
from pathlib import Path

from rich.console import Console
from rich.table import Table

from newsweave.app.pipeline import Annotator, build_stories, ingest_documents
from newsweave.clean import ends_sentence, load_rules
from newsweave.evaluate.timeline import detokenise
from newsweave.ingest import IngestError, read_paths
from newsweave.model import RawDocument, Story
from newsweave.site_boilerplate import normalise_line, site_of, units
from newsweave.store import open_store

_REMOVING = {"drop", "promo", "footer", "comments", "caption"}
_OUTLETS = {"bbc": "BBC", "cnn": "CNN", "guardian": "The Guardian"}


def t17_documents(folder: Path) -> list[RawDocument]:
    outlet = folder.name.rsplit("_", 1)[-1]
    items = json.loads((folder / "articles.json").read_text(encoding="utf-8"))
    return [
        RawDocument(
            source=f"{folder.name}/{item['uid']}",
            text=detokenise(item["text"]),
            format="text",
            outlet=_OUTLETS.get(outlet, outlet),
            published=date.fromisoformat(item["dct"][:10]) if item.get("dct") else None,
        )
        for item in items
    ]


def fundus_documents(root: Path) -> list[RawDocument]:
    pages = sorted(root.glob("*/*.html.gz"))
    return [d for d in read_paths(pages) if not isinstance(d, IngestError)]


@dataclass
class Counts:
    facts: int = 0
    facts_flagged: int = 0
    summary: int = 0
    summary_flagged: int = 0
    entities: int = 0
    entities_flagged: int = 0


class Flagger:
    """The script's rule: recurring in three articles of one site, or matched by a rule."""

    def __init__(self, documents: list[RawDocument], stories: list[Story]) -> None:
        per_site: dict[str, Counter[str]] = defaultdict(Counter)
        seen: set[str] = set()
        for story in stories:
            for article in story.articles:
                if article.id in seen:
                    continue
                seen.add(article.id)
                site = site_of(article)
                if site:
                    text = "\n".join([article.text, *(r.text for r in article.removed)])
                    per_site[site].update({normalise_line(u.text) for u in units(text)})
        self.recurring = {
            key for counts in per_site.values() for key, n in counts.items() if n >= 3
        }
        self.rules = load_rules()

    def __call__(self, text: str) -> bool:
        if normalise_line(text) in self.recurring:
            return True
        line = " ".join(text.split())
        words, sentence = len(line.split()), ends_sentence(line)
        return any(
            (r.pattern.search(line) if r.search else r.pattern.fullmatch(line))
            for r in self.rules.select(words, sentence, head=False, tail=True)
            if r.action in _REMOVING or r.name.startswith("reader_comments")
        )


def measure(
    stories: list[Story], flagged: Flagger, samples: dict[bool, list[str]], run: str
) -> Counts:
    counts = Counts()
    for story in stories:
        for fact in story.facts:
            hit = flagged(fact.text)
            counts.facts += 1
            counts.facts_flagged += hit
            samples[hit].append(f"{run} fact: {fact.text}")
        for sentence in story.summary:
            hit = flagged(sentence.text)
            counts.summary += 1
            counts.summary_flagged += hit
            samples[hit].append(f"{run} summary: {sentence.text}")
        sentences = [s.text for a in story.articles for s in a.sentences]
        for entity in story.entities:
            names = [entity.name, *entity.aliases]
            naming = [s for s in sentences if any(n in s for n in names)]
            hit = bool(naming) and all(flagged(s) for s in naming)
            counts.entities += 1
            counts.entities_flagged += hit
            samples[hit].append(f"{run} entity {entity.type}: {entity.name}")
    return counts


def run(documents: list[RawDocument], learn: bool, annotator: Annotator) -> list[Story]:
    with tempfile.TemporaryDirectory() as tmp, open_store(Path(tmp) / "bench.db") as store:
        ingest_documents([replace(d) for d in documents], store, learn_boilerplate=learn)
        build_stories(store, annotator=annotator)
        return store.stories()


def share(part: int, whole: int) -> str:
    return f"{part / whole:.1%}" if whole else "-"


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("t17", type=Path, nargs="*", help="Timeline17 topic folders")
    parser.add_argument("--fundus", type=Path, help="the Fundus test-data folder")
    parser.add_argument("--samples", type=int, default=20)
    args = parser.parse_args()

    corpora: list[tuple[str, list[RawDocument]]] = [(f.name, t17_documents(f)) for f in args.t17]
    if args.fundus:
        corpora.append(("fundus", fundus_documents(args.fundus)))
    annotator = Annotator()
    table = Table(title="story items that are boilerplate, learned boilerplate off and on")
    for column in ("corpus", "run", "facts", "bp facts", "share", "summary", "bp share",
                   "entities", "bp share"):  # fmt: skip
        table.add_column(column, justify="left" if column in ("corpus", "run") else "right")
    samples: dict[bool, list[str]] = {True: [], False: []}
    for name, documents in corpora:
        print(f"{name}: {len(documents)} documents", file=sys.stderr, flush=True)
        before = run(documents, False, annotator)
        flagger = Flagger(documents, before)
        for label, stories in (("before", before), ("after", run(documents, True, annotator))):
            c = measure(stories, flagger, samples, f"{name}/{label}")
            table.add_row(
                name, label, str(c.facts), str(c.facts_flagged), share(c.facts_flagged, c.facts),
                str(c.summary), share(c.summary_flagged, c.summary), str(c.entities),
                share(c.entities_flagged, c.entities),
            )  # fmt: skip
    Console().print(table)
    rng = random.Random(0)
    for hit, title in ((True, "flagged"), (False, "unflagged")):
        print(f"\n{title} items, both runs (a sample of {args.samples}):")
        for item in _sample(samples[hit], args.samples, rng):
            print(f"  - {item[:160]}")


def _sample(items: Iterable[str], n: int, rng: random.Random) -> list[str]:
    pool = sorted(set(items))
    return rng.sample(pool, min(n, len(pool)))


if __name__ == "__main__":
    main()
