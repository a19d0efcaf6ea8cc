"""Event dates of articles against hand labels: the day each lead reports.

    PYTHONPATH=src .venv/bin/python bench/event_dates.py [bench/data/event_dates_labelled.jsonl]
        [--no-parse] [--misses]

`bench/data/event_dates_labelled.jsonl` holds 40 leads of Timeline17's dev half (5 a topic
folder, drawn at random, seed 17, among articles whose first 600 characters name a day; the
text undone from PTB tokens), each labelled by hand before the rules were written. The
labelling rule: the event date is the calendar day on which the main event the lead reports
happened, as a reader of the lead who knows its publication date would tell; where the lead
does not date its event (a feature, an analysis, "the UN says"), the publication date. Dates
in photo captions, parentheses, relative or "since" clauses and earlier events the lead cites
are background. Each label carries its reason.

Systems: the publication date; the first day the lead names up to publication (the plain
rule); newsweave from the wording alone, and with spaCy's parse of the lead
(`en_core_web_sm`'s tagger and parser; `--no-parse` leaves that system out).
"""

from __future__ import annotations

import argparse
from pathlib import Path

from newsweave.cli.common import print_table
from newsweave.evaluate.dates import evaluate_event_dates

LABELLED = Path(__file__).parent / "data" / "event_dates_labelled.jsonl"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("path", nargs="?", type=Path, default=LABELLED)
    parser.add_argument("--no-parse", action="store_true", help="Leave the parse system out.")
    parser.add_argument("--misses", action="store_true", help="Print each system's misses.")
    args = parser.parse_args()
    nlp = None
    if not args.no_parse:
        from newsweave.nlp.entities import load_model

        nlp = load_model(ner_only=False)
    report = evaluate_event_dates(args.path, nlp)
    title = f"Event date accuracy on {report.total} labelled leads ({args.path.name})"
    print_table(title, report.header(), report.rows())
    if args.misses:
        for system, misses in report.misses.items():
            for uid, gold, got in misses:
                print(f"{system}: article {uid}: labelled {gold}, got {got}")


if __name__ == "__main__":
    main()
