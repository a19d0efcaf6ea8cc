#!/bin/sh
# System pieces the test suite needs beyond PyPI, installed once by `make test`:
#   - Debian's chromium, for the web UI's browser tests (Playwright drives /usr/bin/chromium;
#     `playwright install` is never run: it downloads its own browser);
#   - libxml-dom-perl, and the WordNet exceptions database that tilse's bundled ROUGE-1.5.5
#     (Perl) needs, for the timeline evaluation;
#   - Debian's openjdk-17-jre-headless when `java -version` is missing or older than 17: PySpark
#     (the `spark` extra, `newsweave spark digest`) runs on Java 17 or later.
# Installed with apt-get when run as root; otherwise it names what to install, and the tests
# needing it are skipped.
# Safe to run again: each step is skipped when its result is already there.
set -eu
PYTHON=${1:-.venv/bin/python}

# The major version of `java` on PATH ("1.8.0_402" is 8, "17.0.15" is 17), empty when none.
java_major() {
    command -v java >/dev/null 2>&1 || return 0
    java -version 2>&1 | sed -n 's/.*version "\([0-9][0-9.]*\).*/\1/p' | head -n 1 | sed 's/^1\.//; s/[^0-9].*//'
}

missing=""
[ -x /usr/bin/chromium ] || missing="$missing chromium"
perl -MXML::DOM -e 1 2>/dev/null || missing="$missing libxml-dom-perl"
[ "$(java_major)" -ge 17 ] 2>/dev/null || missing="$missing openjdk-17-jre-headless"
if [ -n "$missing" ]; then
    if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
        # slim Debian images lack the man folder the JDK's post-install links into
        case "$missing" in *openjdk*) mkdir -p /usr/share/man/man1 ;; esac
        apt-get update -qq && apt-get install -y -qq $missing
    else
        echo "setup-test-system: please install:$missing (Debian packages); tests needing them will be skipped" >&2
    fi
fi

ROUGE_DATA=$("$PYTHON" -c 'import os, pyrouge; print(os.path.join(os.path.dirname(pyrouge.__file__), "tools", "ROUGE-1.5.5", "data"))' 2>/dev/null || true)
if [ -n "$ROUGE_DATA" ] && [ -d "$ROUGE_DATA" ] && [ ! -s "$ROUGE_DATA/WordNet-1.6.exc.db" ]; then
    (cd "$ROUGE_DATA/WordNet-1.6-Exceptions" && rm -f WordNet-1.6.exc.db && perl buildExeptionDB.pl . exc WordNet-1.6.exc.db >/dev/null)
    ln -sf WordNet-1.6-Exceptions/WordNet-1.6.exc.db "$ROUGE_DATA/WordNet-1.6.exc.db"
fi
