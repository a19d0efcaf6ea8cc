"""Where ingest time goes as the store grows: milliseconds per article, per function, per fifth of a run.

    .venv/bin/python bench/ingest_profile.py ../shared/data/multinews250/sample_test.csv --size 100000

`bench/scale.py` says how fast ingest is at each size; this says which step grows. It ingests
the same corpus as `bench/scale.py` (real Multi-News documents, then variants of whole stories)
into a fresh database in this process under `cProfile`, and prints, for each fifth of the run,
the milliseconds per stored article that went to:

- `wall`: the whole run;
- `stage: ...`: the pipeline's own stages (`RunReport.seconds`: read, clean, dedup, store,
  cluster);
- `gc (...)`: the cyclic garbage collector (`gc.callbacks`), full passes apart from young
  ones; it runs inside whichever function allocated, so it is also inside the other rows;
- the `--rows` functions of newsweave that took the most time over the run, named by module
  and qualified name as the profiler sees them (`cluster.batch.vectorize`,
  `store.sqlite.SQLiteStore.add_articles`), helpers inside modules included. A function's
  time is cumulative (what it calls is inside it), so the rows nest and do not add up to the
  wall time. The functions that stay running from one batch to the next (the pipeline's loop
  around the batches) are left out: their time is the wall time.

The last row is the size of the region (the stored articles each chunk is re-clustered with)
over the last 20 chunks. A row whose figure rises from one fifth to the next is a cost that
grows with the store. The profiler slows down Python code, more where it makes many small
calls than in SQLite or NumPy, so compare fifths and rows with each other; `bench/scale.py`
gives the throughput.
"""

from __future__ import annotations

import argparse
import cProfile
import gc
import inspect
import json
import tempfile
import time
from collections import defaultdict
from pathlib import Path
from types import CodeType
from typing import Any

import newsweave
import newsweave.app.pipeline as pipeline
from newsweave.cluster.incremental import ClusterStep
from newsweave.store import open_store

PACKAGE = Path(newsweave.__file__).resolve().parent


class FunctionNames:
    """`module.qualname` (module relative to the package) of newsweave's code objects."""

    def __init__(self) -> None:
        self._modules: dict[str, str | None] = {}

    def __call__(self, code: CodeType | str) -> str | None:
        """The name of a newsweave function's code; None for anything else (builtins,
        other packages, comprehensions and lambdas)."""
        if isinstance(code, str):
            return None
        module = self._modules.get(code.co_filename, "")
        if module == "":
            module = self._modules[code.co_filename] = self._module(code.co_filename)
        if not module or code.co_name.startswith("<"):  # comprehensions, lambdas: in their
            return None  # enclosing function's time
        return f"{module}.{code.co_qualname}"

    @staticmethod
    def _module(filename: str) -> str | None:
        try:
            relative = Path(filename).resolve().relative_to(PACKAGE)
        except ValueError:
            return None
        parts = relative.with_suffix("").parts
        return ".".join(parts[:-1] if parts[-1] == "__init__" else parts) or "newsweave"


def cumulative(profiler: cProfile.Profile, names: FunctionNames) -> dict[str, float]:
    """Seconds so far in each newsweave function, what it called included (calls that
    have not returned yet are not counted)."""
    seconds: dict[str, float] = defaultdict(float)
    for entry in profiler.getstats():
        if name := names(entry.code):
            seconds[name] += entry.totaltime
    return seconds


def running(names: FunctionNames) -> set[str]:
    """The newsweave functions on the call stack now."""
    found, frame = set(), inspect.currentframe()
    while frame is not None:
        if name := names(frame.f_code):
            found.add(name)
        frame = frame.f_back
    return found


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("source", type=Path, help="Multi-News sample_test.csv")
    parser.add_argument("--size", type=int, default=30000)
    parser.add_argument(
        "--spacing", type=int, default=1, help="days between variants, as in bench/scale.py"
    )
    parser.add_argument("--chronological", action="store_true", help="as in bench/scale.py")
    parser.add_argument("--rows", type=int, default=30, help="functions shown (the slowest)")
    args = parser.parse_args()
    from scale import corpus  # bench/scale.py, beside this file

    seconds: dict[str, float] = defaultdict(float)  # gc
    collecting_since = [0.0]

    def collection(phase: str, info: dict[str, int]) -> None:
        if phase == "start":
            collecting_since[0] = time.perf_counter()
        else:
            key = "gc (full passes)" if info["generation"] == 2 else "gc (young passes)"
            seconds[key] += time.perf_counter() - collecting_since[0]

    regions: list[int] = []
    chunk = pipeline.cluster_chunk

    def counted_chunk(*args: Any, **kwargs: Any) -> ClusterStep:
        step = chunk(*args, **kwargs)
        regions.append(step.region)
        return step

    pipeline.cluster_chunk = counted_chunk

    names = FunctionNames()
    profiler = cProfile.Profile()
    report = pipeline.RunReport()
    snapshots: list[tuple[int, float, dict[str, float], float]] = []
    outer: set[str] = set()
    stored = 0
    start = spent_on_snapshots = 0.0

    def snapshot() -> None:
        nonlocal spent_on_snapshots
        began = time.perf_counter()
        outer.update(running(names))
        row = {**cumulative(profiler, names), **seconds}
        row |= {f"stage: {k}": v for k, v in report.seconds.items()}
        recent = regions[-20:] or [0]
        wall = began - start - spent_on_snapshots
        snapshots.append((stored, wall, row, sum(recent) / len(recent)))
        spent_on_snapshots += time.perf_counter() - began

    def progress(stage: str, n: int) -> None:
        nonlocal stored
        if stage == "stored":  # after each batch is stored, before it is clustered
            snapshot()
            stored += n

    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "corpus.jsonl"
        with path.open("w", encoding="utf-8") as out:
            for record in corpus(
                args.source, args.size, spacing=args.spacing, chronological=args.chronological
            ):
                out.write(json.dumps(record, ensure_ascii=False) + "\n")
        gc.callbacks.append(collection)
        start = time.perf_counter()
        with open_store(Path(tmp) / "profile.db") as store:
            profiler.enable()
            try:
                pipeline.ingest([path], store, report=report, progress=progress)
            finally:
                profiler.disable()
        snapshot()
        gc.callbacks.remove(collection)
    # the batch boundaries nearest each fifth of what was stored (the last one: the end)
    fifths = [
        min(snapshots, key=lambda s, k=k: abs(s[0] - k * stored / 5)) for k in range(1, 5)
    ] + [snapshots[-1]]

    final = snapshots[-1][2]
    stages = sorted(k for k in final if k.startswith("stage: "))
    collector = sorted(k for k in final if k.startswith("gc "))
    functions = sorted(
        (k for k in final if k not in outer and k not in stages and k not in collector),
        key=lambda k: -final[k],
    )[: args.rows]
    print("| ms/article | " + " | ".join(f"to {n:,}" for n, *_ in fifths) + " |")
    print("|---|" + "---:|" * len(fifths))
    for key in ["wall", *stages, *collector, *functions]:
        row, before = [], (0, 0.0, {}, 0.0)
        for now in fifths:
            if key == "wall":
                spent = now[1] - before[1]
            else:
                spent = now[2].get(key, 0.0) - before[2].get(key, 0.0)
            row.append(1000 * spent / max(1, now[0] - before[0]))
            before = now
        label = key if key == "wall" or key in stages or key in collector else f"`{key}`"
        print(f"| {label} | " + " | ".join(f"{ms:.2f}" for ms in row) + " |")
    print("| region (articles) | " + " | ".join(f"{r:,.0f}" for *_, r in fifths) + " |")


if __name__ == "__main__":
    main()
