"""`newsweave spark digest` at 10k and 100k articles on local[1] and local[2], against the
embedded engine on the same corpus.

    .venv/bin/python bench/spark_scale.py ../shared/data/multinews250/sample_test.csv \\
        --sizes 1000 10000 --analyse-up-to 1000 --digest-sizes 1000 --runs 1

The corpus is `bench/scale.py`'s (its `corpus`, imported): the Multi-News sample's documents,
then story-keeping variants of them, shuffled, written as one JSONL file per size. For each
size, each master runs the Spark job in a fresh process (its own JVM and Python workers):
`spark_digest` with the stories summarised and analysed up to `--analyse-up-to` articles,
and above it cluster-only (`analyse=False`, the `--no-analyse` of the command line: read,
clean, duplicates, boilerplate, clustering, write). Measured per run:

- wall: the child process from start to exit; session: starting the JVM and the session;
  steps: the sum of `SparkRunReport.seconds` (the job itself, without JVM start and stop),
  and each step's seconds;
- peak RSS, the process tree polled every 0.5 s: the driver's Python, the JVM (in local
  mode the driver and the executor are one JVM), the largest Python worker, and all the
  Python workers together at their fullest.

The references, on the same file: `newsweave ingest --no-summarise` as `bench/scale.py` times
it (its `--child`: read, clean, dedup, store, cluster into a fresh SQLite database), and, at
`--digest-sizes`, `newsweave digest FILE --db X --out Y` (summaries and analysis included),
the like-for-like peer of the Spark job with analysis. Figures are medians over `--runs`.
Per-core cost: ms per article per core of each step, `1000 * seconds * cores / articles`.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from scale import corpus

MASTERS = ("local[1]", "local[2]")
POLL_S = 0.5


def _children() -> dict[int, list[int]]:
    tree: dict[int, list[int]] = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat", encoding="ascii", errors="replace") as f:
                ppid = int(f.read().rsplit(")", 1)[1].split()[1])
        except (OSError, ValueError, IndexError):
            continue
        tree.setdefault(ppid, []).append(int(entry))
    return tree


def _rss_mib(pid: int) -> float:
    try:
        with open(f"/proc/{pid}/status", encoding="ascii", errors="replace") as f:
            for line in f:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1]) / 1024
    except OSError:
        pass
    return 0.0


def _kind(pid: int) -> str:
    try:
        exe = os.path.basename(os.readlink(f"/proc/{pid}/exe"))
    except OSError:
        return "other"
    if exe.startswith("java"):
        return "jvm"
    return "python" if exe.startswith("python") else "other"


class Peaks:
    """The peak RSS (MiB) of a process tree, polled in a thread: the root's, the JVM's, the
    largest Python worker's (any Python below the root) and the workers' sum."""

    def __init__(self, root: int) -> None:
        self.root = root
        self.peak = {"driver": 0.0, "jvm": 0.0, "worker": 0.0, "workers": 0.0}
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()

    def _run(self) -> None:
        while not self._stop.is_set():
            tree, todo, workers = _children(), [self.root], 0.0
            while todo:
                pid = todo.pop()
                todo.extend(tree.get(pid, []))
                rss, kind = _rss_mib(pid), _kind(pid)
                if pid == self.root:
                    self.peak["driver"] = max(self.peak["driver"], rss)
                elif kind == "jvm":
                    self.peak["jvm"] = max(self.peak["jvm"], rss)
                elif kind == "python":
                    self.peak["worker"] = max(self.peak["worker"], rss)
                    workers += rss
            self.peak["workers"] = max(self.peak["workers"], workers)
            self._stop.wait(POLL_S)

    def stop(self) -> dict[str, float]:
        self._stop.set()
        self._thread.join()
        return self.peak


def busy_seconds() -> float:
    """CPU seconds the whole machine has been busy since boot (/proc/stat: user, nice,
    system, irq, softirq): over a run on an otherwise idle machine, the run's CPU time,
    JVM, driver and Python workers together (a JVM's threads are not reaped children, so
    `getrusage` of the children would miss them)."""
    with open("/proc/stat", encoding="ascii") as f:
        fields = f.readline().split()[1:]
    return sum(int(fields[i]) for i in (0, 1, 2, 5, 6)) / os.sysconf("SC_CLK_TCK")


def timed(cmd: list[str], env: dict[str, str] | None = None) -> tuple[float, str, dict]:
    """Run `cmd`; its wall seconds, its stdout and its tree's peak RSS (with "cpu": the
    machine's busy CPU seconds over the run, `busy_seconds`)."""
    start, busy = time.perf_counter(), busy_seconds()
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)
    peaks = Peaks(proc.pid)
    out, err = proc.communicate()
    wall = time.perf_counter() - start
    peak = {**peaks.stop(), "cpu": busy_seconds() - busy}
    if proc.returncode:
        raise RuntimeError(f"{' '.join(cmd)} failed ({proc.returncode}):\n{err[-3000:]}")
    return wall, out, peak


def spark_child(path: str, out: str, master: str, partitions: int, analyse: bool) -> dict:
    """One Spark run, in this process: the session's start, the job's steps and counts."""
    from newsweave.spark.digest import spark_digest
    from newsweave.spark.session import start

    begin = time.perf_counter()
    spark = start(master)
    spark.sparkContext.setLogLevel("ERROR")
    session = time.perf_counter() - begin
    try:
        report = spark_digest(spark, [path], out, partitions=partitions or None, analyse=analyse)
    finally:
        spark.stop()
    counts = report.counts()
    return {"session": session, "steps": counts.pop("seconds"), "counts": counts}


def run_spark(path: Path, tmp: Path, master: str, partitions: int, analyse: bool) -> dict:
    out = tmp / f"spark-{master[6]}"
    cmd = [sys.executable, __file__, "-", "--spark-child", str(path), str(out), master,
           str(partitions), "1" if analyse else "0"]  # fmt: skip
    env = {**os.environ, "PYSPARK_PYTHON": sys.executable}
    wall, stdout, peak = timed(cmd, env)
    subprocess.run(["rm", "-rf", str(out)], check=True)
    result = json.loads(stdout.strip().splitlines()[-1])
    return {**result, "wall": wall, "peak": peak}


def run_ingest(path: Path, tmp: Path) -> dict:
    db = tmp / "ingest.db"
    scale = Path(__file__).resolve().parent / "scale.py"
    wall, stdout, peak = timed([sys.executable, str(scale), "-", "--child", str(path), str(db)])
    for suffix in ("", "-wal", "-shm"):
        Path(f"{db}{suffix}").unlink(missing_ok=True)
    return {**json.loads(stdout.strip().splitlines()[-1]), "process_wall": wall, "peak": peak}


def run_digest(path: Path, tmp: Path) -> dict:
    db, out = tmp / "digest.db", tmp / "digest-out"
    code = "import sys; from newsweave.cli import app; sys.argv[0] = 'newsweave'; app()"
    cmd = [sys.executable, "-c", code, "digest", str(path), "--db", str(db), "--out", str(out)]
    wall, _, peak = timed(cmd)
    subprocess.run(["rm", "-rf", str(out), str(db), f"{db}-wal", f"{db}-shm"], check=True)
    return {"wall": wall, "peak": peak}


def _median(values) -> float:
    values = list(values)
    return statistics.median(values) if values else 0.0


def summarise(size: int, analyse: bool, spark: dict, ingest: list, digest: list) -> dict:
    row: dict = {"size": size, "analyse": analyse, "masters": {}}
    for master, runs in spark.items():
        steps = {k: _median(r["steps"][k] for r in runs) for k in runs[0]["steps"]}
        job = sum(steps.values())
        cores = int(master[6])
        row["masters"][master] = {
            "wall": _median(r["wall"] for r in runs),
            "session": _median(r["session"] for r in runs),
            "job": job,
            "steps": steps,
            "ms_core": {k: 1000 * s * cores / size for k, s in steps.items()},
            "peak": {k: _median(r["peak"][k] for r in runs) for k in runs[0]["peak"]},
            "counts": runs[-1]["counts"],
        }
    if ingest:
        row["ingest"] = {
            "wall": _median(r["wall"] for r in ingest),
            "process_wall": _median(r["process_wall"] for r in ingest),
            "peak": _median(r["peak_mib"] for r in ingest),
            "cpu": _median(r["peak"]["cpu"] for r in ingest),
            "stages": {k: _median(r["stages"][k] for r in ingest) for k in ingest[0]["stages"]},
            "stories": ingest[-1]["stories"],
        }
    if digest:
        row["digest"] = {
            "wall": _median(r["wall"] for r in digest),
            "peak": _median(r["peak"]["driver"] for r in digest),
            "cpu": _median(r["peak"]["cpu"] for r in digest),
        }
    return row


def cpu(seconds: float, wall: float, size: int) -> str:
    """CPU seconds, cores kept busy on average, CPU milliseconds an article: table cells."""
    return f"{seconds:.0f} | {seconds / wall:.2f} | {1000 * seconds / size:.1f}"


def print_tables(rows: list[dict]) -> None:
    print("| articles | analysis | engine | wall s | session s | job s | articles/s (job) | "
          "CPU s | cores busy | CPU ms/article | stories | driver MiB | JVM MiB | "
          "largest worker MiB | workers MiB |")  # fmt: skip
    print("|---:|---|---|" + "---:|" * 12)
    for row in rows:
        size, mode = row["size"], "yes" if row["analyse"] else "cluster-only"
        for master, m in row["masters"].items():
            p = m["peak"]
            print(
                f"| {size:,} | {mode} | Spark {master} | {m['wall']:.1f} | {m['session']:.1f} | "
                f"{m['job']:.1f} | {size / m['job']:,.1f} | {cpu(p['cpu'], m['wall'], size)} | "
                f"{m['counts']['stories']:,} | "
                f"{p['driver']:,.0f} | {p['jvm']:,.0f} | {p['worker']:,.0f} | "
                f"{p['workers']:,.0f} |"
            )
        if "ingest" in row:
            i = row["ingest"]
            print(
                f"| {size:,} | no | embedded ingest --no-summarise | {i['process_wall']:.1f} | – | "
                f"{i['wall']:.1f} | {size / i['wall']:,.1f} | "
                f"{cpu(i['cpu'], i['process_wall'], size)} | {i['stories']:,} | "
                f"{i['peak']:,.0f} | – | – | – |"
            )
        if "digest" in row:
            d = row["digest"]
            print(
                f"| {size:,} | yes | embedded digest | {d['wall']:.1f} | – | {d['wall']:.1f} | "
                f"{size / d['wall']:,.1f} | {cpu(d['cpu'], d['wall'], size)} | – | "
                f"{d['peak']:,.0f} | – | – | – |"
            )

    print("\n| articles | analysis | step | local[1] s | local[2] s | speedup | "
          "ms/article/core local[1] | ms/article/core local[2] |")  # fmt: skip
    print("|---:|---|---|" + "---:|" * 5)
    for row in rows:
        one, two = (row["masters"].get(m) for m in MASTERS)
        if not (one and two):
            continue
        mode = "yes" if row["analyse"] else "cluster-only"
        for step in [*one["steps"], "job"]:
            a = one["job"] if step == "job" else one["steps"][step]
            b = two["job"] if step == "job" else two["steps"][step]
            ca, cb = (1000 * s * c / row["size"] for s, c in ((a, 1), (b, 2)))
            speed = f"{a / b:.2f}x" if b else "–"
            print(
                f"| {row['size']:,} | {mode} | {step} | {a:.1f} | {b:.1f} | {speed} | "
                f"{ca:.2f} | {cb:.2f} |"
            )

    print("\n| articles | analysis | Spark local[2] job / embedded | articles/s Spark / embedded |")
    print("|---:|---|---|---|")
    for row in rows:
        two = row["masters"].get("local[2]")
        if not two:
            continue
        peer = row.get("digest") if row["analyse"] else row.get("ingest")
        if not peer:
            continue
        name = "digest" if row["analyse"] else "ingest --no-summarise"
        print(
            f"| {row['size']:,} | {'yes' if row['analyse'] else 'cluster-only'} | "
            f"{two['job']:.1f} s / {peer['wall']:.1f} s ({name}) | {peer['wall'] / two['job']:.2f}x |"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("source", help="Multi-News sample_test.csv")
    parser.add_argument("--sizes", type=int, nargs="+", default=[10000, 100000])
    parser.add_argument("--runs", type=int, default=1)
    parser.add_argument(
        "--analyse-up-to", type=int, default=10000,
        help="largest size whose Spark runs summarise and analyse; above it, cluster-only",
    )  # fmt: skip
    parser.add_argument(
        "--digest-sizes", type=int, nargs="*", default=[10000],
        help="sizes at which the embedded `newsweave digest` runs as well (slow: ~3 articles/s)",
    )  # fmt: skip
    parser.add_argument("--masters", nargs="+", default=list(MASTERS))
    parser.add_argument("--partitions", type=int, default=0, help="default: spark_digest's")
    parser.add_argument("--no-ingest", action="store_true", help="skip the embedded ingest")
    parser.add_argument("--json", type=Path, help="write the figures here as well")
    parser.add_argument("--spark-child", nargs=5, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.spark_child:
        path, out, master, partitions, analyse = args.spark_child
        print(json.dumps(spark_child(path, out, master, int(partitions), analyse == "1")))
        return

    rows = []
    with tempfile.TemporaryDirectory() as name:
        tmp = Path(name)
        for size in args.sizes:
            path = tmp / f"corpus-{size}.jsonl"
            with path.open("w", encoding="utf-8") as out:
                for record in corpus(Path(args.source), size):
                    out.write(json.dumps(record, ensure_ascii=False) + "\n")
            analyse = size <= args.analyse_up_to
            spark: dict[str, list] = {m: [] for m in args.masters}
            ingest, digest = [], []
            for run in range(args.runs):
                for master in args.masters:
                    spark[master].append(run_spark(path, tmp, master, args.partitions, analyse))
                    r = spark[master][-1]
                    print(f"{size} {master} run {run + 1}: {r['wall']:.1f} s {r['steps']}",
                          file=sys.stderr)  # fmt: skip
                if not args.no_ingest:
                    ingest.append(run_ingest(path, tmp))
                    print(f"{size} ingest run {run + 1}: {ingest[-1]['wall']:.1f} s",
                          file=sys.stderr)  # fmt: skip
                if size in args.digest_sizes:
                    digest.append(run_digest(path, tmp))
                    print(f"{size} digest run {run + 1}: {digest[-1]['wall']:.1f} s",
                          file=sys.stderr)  # fmt: skip
            rows.append(summarise(size, analyse, spark, ingest, digest))
            path.unlink()
            if args.json:  # after each size, so that a long run leaves what it measured
                args.json.write_text(json.dumps(rows, indent=1))
    print_tables(rows)


if __name__ == "__main__":
    main()
