"""Start-up time of the command line: `newsweave --help` (and a command's own `--help`)
against `python -c "import newsweave"`, the interpreter and the package alone.

    .venv/bin/python bench/cli_help.py --runs 15

Each is run `--runs` times as a fresh subprocess, the runs of the commands interleaved so that
a busy machine slows all of them alike; the table gives the median and fastest wall time of
each and its ratio to the bare import's median. What `--help` costs beyond the import is typer
and rich (the help is drawn with them) and the command modules, which import the store, the
pipeline, spaCy, the evaluation harnesses and the web stack only inside the commands that run
them. `python -X importtime -m newsweave.cli --help` shows where the time goes.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

SOURCES = Path(__file__).resolve().parents[1] / "src"
COMMANDS = {
    'python -c "import newsweave"': ["-c", "import newsweave"],
    "newsweave --help": ["-m", "newsweave.cli", "--help"],
    "newsweave show --help": ["-m", "newsweave.cli", "show", "--help"],
    "newsweave eval timeline --help": ["-m", "newsweave.cli", "eval", "timeline", "--help"],
}
BASELINE = 'python -c "import newsweave"'


def wall_time(args: list[str]) -> float:
    """Seconds one fresh interpreter takes to run `args` to the end."""
    environment = {**os.environ, "PYTHONPATH": str(SOURCES), "COLUMNS": "100"}
    start = time.perf_counter()
    subprocess.run([sys.executable, *args], check=True, stdout=subprocess.DEVNULL, env=environment)
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=15, help="Runs of each command.")
    options = parser.parse_args()

    from rich.console import Console
    from rich.table import Table

    for args in COMMANDS.values():  # warm the file cache and the bytecode
        wall_time(args)
    times: dict[str, list[float]] = {name: [] for name in COMMANDS}
    for _ in range(options.runs):
        for name, args in COMMANDS.items():
            times[name].append(wall_time(args))
    base = statistics.median(times[BASELINE])
    table = Table(title=f"Command line start-up, wall time, median of {options.runs} runs")
    for column in ("command", "median ms", "fastest ms", "x bare import"):
        table.add_column(column, justify="left" if column == "command" else "right")
    for name, runs in times.items():
        median = statistics.median(runs)
        table.add_row(
            name, f"{median * 1000:.0f}", f"{min(runs) * 1000:.0f}", f"{median / base:.2f}"
        )
    Console().print(table)


if __name__ == "__main__":
    main()
