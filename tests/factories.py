"""Articles, stories and the bundled seed articles, built the same way by every test module.

Plain functions, imported as `from factories import make_article` (see conftest.py for why
they are not fixtures).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

from newsweave.app.pipeline import prepare
from newsweave.ingest import read_paths
from newsweave.model import Article, RawDocument, Sentence, Story, SummarySentence, article_id
from newsweave.model import story_id as story_id_of

SEEDS = Path(__file__).parents[1] / "examples" / "assad-putin"
"""The five seed articles: four 2018 reports of Assad meeting Putin in Sochi (000-003) and
the 2015 Moscow meeting (004), one plain-text file each, named by number."""


def seed_path(number: str) -> Path:
    """The seed file whose name starts with `number` ("000" ... "004")."""
    (path,) = SEEDS.glob(f"{number}_*.txt")
    return path


def seed_text(number: str) -> str:
    """The seed file's text as it is, before cleaning."""
    return seed_path(number).read_text(encoding="utf-8")


def read_articles(*paths: Path) -> list[Article]:
    """The articles ingest makes of these files or directories (read, cleaned, metadata found;
    not annotated), in reading order. Fresh objects on every call: tests may change them."""
    articles = []
    for raw in read_paths(list(paths)):
        assert isinstance(raw, RawDocument), raw
        articles.append(prepare(raw))
    return articles


def seed_articles() -> dict[str, Article]:
    """The seed articles as ingest prepares them, by number ("000" ... "004")."""
    return {Path(a.source).name[:3]: a for a in read_articles(SEEDS)}


def split_sentences(text: str) -> list[Sentence]:
    """Sentences at ". " boundaries, with offsets: enough for hand-written articles."""
    out: list[Sentence] = []
    start = 0
    for match in re.finditer(r"[^.]+\.(?:\s|$)|[^.]+$", text):
        piece = match.group().strip()
        begin = text.index(piece, start)
        out.append(Sentence(piece, begin, begin + len(piece), len(out)))
        start = begin + len(piece)
    return out


def make_article(
    text: str,
    *,
    id: str | None = None,
    source: str | None = None,
    published: date | str | None = None,
    split: Callable[[str], list[Sentence]] | None = None,
    **fields: Any,
) -> Article:
    """An article of `text`; any other `Article` field (outlet, title, credits...) by keyword.

    `id` is what ingest would give the text (`article_id`) unless stated; `source` is a file
    named after the id; `published` is a date or an ISO date string. `split`, a sentence
    splitter (`split_sentences`, or the project's `SentenceSplitter().split` where its own
    sentence boundaries matter), fills `sentences`; without it the article has none.
    """
    id = id or article_id(text)
    if isinstance(published, str):
        published = date.fromisoformat(published)
    if split is not None:
        fields["sentences"] = split(text)
    return Article(id=id, source=source or f"{id}.txt", text=text, published=published, **fields)


def make_story(*articles: Article, id: str | None = None, **fields: Any) -> Story:
    """A story of these articles as given; any other `Story` field by keyword. `id` is what
    the pipeline would give these members (`story_id`) unless stated. Unlike the pipeline's
    `make_story`, nothing is sorted, summarised or analysed."""
    return Story(id=id or story_id_of([a.id for a in articles]), articles=list(articles), **fields)


def cite(article: Article, index: int, *others: Article) -> SummarySentence:
    """A summary sentence: the article's sentence `index` (its whole text, if it has no
    sentences), citing it and `others`, one outlet label each."""
    text = article.sentences[index].text if article.sentences else article.text
    cited = [article, *others]
    return SummarySentence(
        text,
        article.id,
        index,
        [x.id for x in cited],
        list(dict.fromkeys(x.outlet_label for x in cited)),
    )
