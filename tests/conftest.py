"""What the test modules share.

Building test data: `factories.py` in this folder, plain functions imported as
`from factories import make_article, make_story, seed_articles`. They are functions rather
than fixtures because modules build articles and stories at import time (a module's constant
corpus) and inside their own helpers, where fixtures cannot reach. The import works because
`tests/` is no package: pytest's default import mode puts this folder first on `sys.path`.

- `make_article(text, *, id=None, source=None, published=None, split=None, **fields)`: an
  article, its id what ingest would give the text unless stated
- `make_story(*articles, id=None, **fields)`: a story, its id what the pipeline would give
- `cite(article, index, *others)`: a summary sentence citing those articles
- `split_sentences(text)`: sentences at ". " boundaries, for hand-written text
- `SEEDS`, `seed_path(number)`, `seed_text(number)`: the bundled `examples/assad-putin` files
- `seed_articles()`: the seeds as ingest prepares them, by number; `read_articles(*paths)`:
  the same for any files

Fixtures, here: `store`, an empty store in the test's temporary folder.

Markers (registered in pyproject.toml): `browser` for the tests that drive a real headless
Chromium; `pytest -m "not browser"` leaves them out. `fuzz` for the property tests of the
readers and the upload API (tests/test_fuzz.py).

Hypothesis profiles: `ci` (the default: 25 derandomised inputs a property, so `make test` is
deterministic) and `fuzz` (`--hypothesis-profile=fuzz`: a thousand random ones).
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import HealthCheck, settings

from newsweave.store import Store, open_store

_RELAXED = [HealthCheck.too_slow, HealthCheck.function_scoped_fixture]
settings.register_profile(
    "ci", max_examples=25, derandomize=True, deadline=None, suppress_health_check=_RELAXED
)
settings.register_profile("fuzz", max_examples=1000, deadline=None, suppress_health_check=_RELAXED)
settings.load_profile("ci")


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    """An empty store, `n.db` in the test's temporary folder, closed after the test."""
    with open_store(tmp_path / "n.db") as opened:
        yield opened
