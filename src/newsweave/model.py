"""The plain data objects that flow between newsweave's stages.

Stages are functions over these dataclasses (ingest -> clean -> nlp -> cluster -> summarize);
the store and the renderers read and write the same objects. Nothing here does I/O.
Dates are `datetime.date`; the JSON renderer writes them as ISO 8601.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from dataclasses import dataclass, field
from datetime import date
from functools import lru_cache
from pathlib import PurePath
from urllib.parse import urlsplit


@dataclass(slots=True)
class RawDocument:
    """One document as a reader found it, before cleaning.

    `text` is plain text (for HTML, the body trafilatura extracted); the metadata fields hold
    what the container itself declared (JSONL fields, HTML metadata) and stay None otherwise.
    `needs_cleaning` is False when the text is already a clean body (trafilatura output, or a
    newsweave export); then `credits`, `removed`, `published_estimated`, `language`,
    `title_derived` and `dateline` carry what was found when the body was first read (an
    export has them), else they stay empty.
    `warnings` say what the reader had to drop or repair to read it (a malformed date, bytes
    that were not text): the document is kept, and a run reports each as "SOURCE: WARNING".
    `article_id` is the id an export gave a clean body: its body may have lost lines learned
    as its site's boilerplate since the id was made (`newsweave.site_boilerplate`).
    """

    source: str
    text: str
    format: str
    title: str | None = None
    url: str | None = None
    outlet: str | None = None
    published: date | None = None
    author: str | None = None
    doc_id: str | None = None
    needs_cleaning: bool = True
    credits: list[str] = field(default_factory=list)
    removed: list[Removal] = field(default_factory=list)
    published_estimated: bool = False
    language: str | None = None
    title_derived: bool = False
    dateline: str | None = None
    warnings: list[str] = field(default_factory=list)
    article_id: str | None = None


@dataclass(slots=True)
class Removal:
    """A piece of the raw text the cleaner dropped, and the rule that dropped it."""

    text: str
    rule: str


@dataclass(slots=True)
class Sentence:
    """A sentence of an article's cleaned text; `start`/`end` are character offsets into it."""

    text: str
    start: int
    end: int
    index: int


@dataclass(slots=True)
class Quote:
    """A quotation (or reported speech) with its cue and speaker.

    `text` is the quoted content (a quote split by its attribution: its parts joined with " ");
    `start`/`end` are character offsets of the content in the article text. `speaker` is the
    resolved name where one was found ("Dmitry Peskov"), else the speaker as written;
    `speaker_mention` is the speaker as written ("the Kremlin spokesman") and
    `speaker_start`/`speaker_end` its offsets. `continues` marks a paragraph that continues the
    previous quote of a speech over several paragraphs.
    """

    text: str
    speaker: str | None
    speaker_mention: str | None
    cue: str | None
    start: int
    end: int
    direct: bool = True
    speaker_start: int | None = None
    speaker_end: int | None = None
    continues: bool = False


@dataclass(slots=True)
class Parsed:
    """What the full parse of one article gives the analysis besides its entities: its
    quotes (`newsweave.nlp.quotes`) and the verb lemmas of each sentence, by sentence index
    (`newsweave.nlp.predicates`). Kept with the article, so that a story analysed again
    does not parse its members again."""

    quotes: list[Quote]
    predicates: list[frozenset[str]]


@dataclass(slots=True)
class Entity:
    """A named-entity mention; `label` is spaCy's (PERSON, GPE, ORG, ...)."""

    text: str
    label: str
    start: int
    end: int


@dataclass(slots=True)
class Article:
    """A cleaned, dated news article with its metadata and NLP annotations.

    `id` derives from the normalised body as the cleaner's rules left it (see `article_id`),
    so the same article read twice, from any source, is one article; lines learned later as
    its site's boilerplate leave the body but not the id (`newsweave.site_boilerplate`). An
    id the input declared is kept as `external_id`.
    """

    id: str
    source: str
    text: str
    format: str = "text"
    title: str | None = None
    outlet: str | None = None
    published: date | None = None
    published_estimated: bool = False
    author: str | None = None
    credits: list[str] = field(default_factory=list)
    url: str | None = None
    external_id: str | None = None
    removed: list[Removal] = field(default_factory=list)
    sentences: list[Sentence] = field(default_factory=list)
    entities: list[Entity] = field(default_factory=list)
    recognised: bool = False
    """Whether named-entity recognition has run on the body (it may have found nothing).

    Ingest only cleans and indexes; sentences and entities are added when a story needs them."""
    copy_of: str | None = None
    """The id of the earlier article this one is a lightly edited copy of (syndication)."""
    copy_source: str | None = None
    """That article's independent source: a copy corroborates nothing on its own."""
    language: str | None = None
    """ISO 639-1 code of the body's language ("en"), None where it was not identified."""
    title_derived: bool = False
    """Whether `title` was made from the text (its headline or first sentence) rather than
    stated by the page, the feed or the input."""
    dateline: str | None = None
    """The place the lead's dateline named ("Moscow"); the dateline itself is cut from `text`."""
    parse: Parsed | None = None
    """What the full parse of the body gave (quotes, verbs by sentence); None where it has not
    run on the body as it is (the parse runs with entity recognition, when a story needs
    them)."""

    @property
    def outlet_label(self) -> str:
        """How citations name this article: "Outlet (Wire)", else where it came from.

        A single wire credit marks a wire copy ("The Moscow Times (Reuters)"); several credits
        are agencies an outlet compiled from ("cw/sms (AFP, AP, dpa, Reuters)") and stay out of
        the label. An article whose outlet is unknown is never given a guessed one: it is
        "unknown outlet (HOST)" for a page with a URL, the wire alone for a text that credits
        one and has no URL, else "unknown outlet (file NAME)": a file's name is where the text
        was found, never a name the outlet goes by (see `unknown_outlet`).
        """
        wires = [c for c in self.credits if c != self.outlet]
        wire = f" ({wires[0]})" if len(wires) == 1 else ""
        if self.outlet:
            return self.outlet + wire
        host = url_host(self.url)
        if host:
            return unknown_outlet(host) + wire
        if self.credits:
            return ", ".join(self.credits)
        name = source_name(self.source)
        return unknown_outlet(f"file {name}" if name else f"article {self.id[:8]}")

    @property
    def independent_source(self) -> str:
        """What counts as one source for corroboration: the wire, for a wire copy; the
        original's source, for a syndicated copy of an article stored earlier."""
        if self.copy_source:
            return self.copy_source
        return self.credits[0] if len(self.credits) == 1 else self.outlet_label


UNKNOWN_OUTLET = "unknown outlet"
HASH_NAME_CHARS = 24
"""A file name with a run of this many hex digits (or letters and digits with no word break)
is a hash or an id, not a name a reader recognises."""
SHORT_NAME_CHARS = 12
"""How much of a hash-like file name a label keeps: its end, enough to tell files apart."""
_HASH_LIKE = re.compile(
    rf"[0-9a-f-]{{{HASH_NAME_CHARS},}}|(?=[a-z]*\d)[0-9a-z]{{{HASH_NAME_CHARS},}}", re.I
)


def unknown_outlet(where: str) -> str:
    """The label of an article whose outlet is not known: "unknown outlet (example.com)"."""
    return f"{UNKNOWN_OUTLET} ({where})"


def url_host(url: str | None) -> str | None:
    """A URL's host without "www.", None where there is none."""
    try:
        host = urlsplit(url).hostname if url else None
    except ValueError:
        return None
    return host.removeprefix("www.") if host else None


_RECORD_POSITION = re.compile(r"(?:\[\d+\]|:\d+|@\d+)$")
"""Where in its file a record was read ("articles.json[3]", "feed.jsonl:12", "crawl.warc@812")."""


def source_name(source: str) -> str:
    """How a label names the file an article came from: its name ("notes.txt"), or for a
    hash-like name ("3f9a…c2.html", seen from crawlers and caches) its last
    `SHORT_NAME_CHARS` characters after "…", readable and still distinct.

    A record's position in its file is left out: articles of one file whose outlet is not
    known are one unknown source, since nothing says they are independent of one another (a
    dump of one site's articles is the usual case), and counting them as several would
    corroborate a fact by repetition."""
    name = _RECORD_POSITION.sub("", PurePath(source).name)
    if any(len(m.group()) >= HASH_NAME_CHARS for m in _HASH_LIKE.finditer(name)):
        return "…" + name[-SHORT_NAME_CHARS:]
    return name


@dataclass(frozen=True, slots=True)
class Fingerprint:
    """An article's MinHash signature and its LSH band keys, for near-duplicate lookup."""

    bands: tuple[int, ...]
    signature: bytes


@dataclass(slots=True)
class IndexedTerms:
    """What the story index keeps of one article: its salient terms, under which it is posted
    (an article is found through them). The document frequencies that make a term salient are
    counted by the clustering run (`cache.ClusterCache`), not per article."""

    article_id: str
    salient: list[str]


@dataclass(slots=True)
class SummarySentence:
    """A summary sentence and its grounding.

    `article_id`/`sentence_index` locate the sentence it was taken from; `article_ids` and
    `outlets` list every article (and its outlet label) that states the same thing.
    """

    text: str
    article_id: str
    sentence_index: int
    article_ids: list[str]
    outlets: list[str]


# ---- cross-source analysis of a story (align.py, nlp/canonical.py) ----


@dataclass(slots=True)
class Statement:
    article_id: str
    outlet: str
    sentence_index: int
    text: str


@dataclass(slots=True)
class Fact:
    text: str
    outlets: list[str]
    article_ids: list[str]
    sources: int
    source_names: list[str]
    statements: list[Statement] = field(default_factory=list)


@dataclass(slots=True)
class Version:
    """One outlet's statement of a disputed or changing value, as it wrote the value."""

    outlet: str
    article_id: str
    text: str
    value: str
    as_of: str | None = None
    """For an evolution, the day the value was given for: an ISO date, or the weekday the
    sentence names where no date is known; None in a conflict (one time for all versions)."""


@dataclass(slots=True)
class Disagreement:
    """Outlets stating values of one claim, for one time, that cannot all hold."""

    about: str
    kind: str
    versions: list[Version]


@dataclass(slots=True)
class Evolution:
    """A figure that changed as the story developed: its values as of each day, oldest first,
    or one outlet's updates. Not a conflict: each value held when it was given."""

    about: str
    kind: str
    versions: list[Version]


@dataclass(slots=True)
class OutletCoverage:
    outlet: str
    exclusive: list[str]
    missing: list[str]


@dataclass(slots=True)
class StoryEntity:
    """An entity of a story: its canonical name, type, every way it was written, and salience."""

    name: str
    type: str
    aliases: list[str] = field(default_factory=list)
    article_ids: list[str] = field(default_factory=list)
    mentions: int = 0
    salience: float = 0.0


@dataclass(slots=True)
class QuoteVariant:
    """One wording of a quote (translations differ) and the outlets that carried it."""

    text: str
    outlets: list[str]
    article_ids: list[str]


@dataclass(slots=True)
class StoryQuote:
    """A quote as the story's outlets carried it: speaker, cue, and every wording."""

    text: str
    speaker: str | None
    cue: str | None
    outlets: list[str]
    article_ids: list[str]
    variants: list[QuoteVariant] = field(default_factory=list)


@dataclass(slots=True)
class TimelineEvent:
    """A dated event on a story's or an entity's timeline, with the outlets that report it.

    `date` is the first day of the period the text names; `granularity` says how much of it is
    known ("day", "month", "year"), so "October 2015" is 2015-10-01 with "month".
    `story_id` is set when the event is a story of its own (the story's event date).
    `sources` counts the independent sources that report it (`source_names`: a wire copy
    counts as its wire, a passage copied word for word once), `variants` are other wordings
    of it merged into this one, and `salience` (0..1) says how much it matters to the
    timeline it is on (`newsweave.analysis.timeline.rank`): a view shows the most salient.
    """

    date: date
    granularity: str
    text: str
    outlets: list[str]
    article_ids: list[str] = field(default_factory=list)
    story_id: str | None = None
    sources: int = 0
    source_names: list[str] = field(default_factory=list)
    variants: list[str] = field(default_factory=list)
    salience: float = 0.0


def name_site_pages(articles: list[Article]) -> None:
    """Give a page that states no checkable outlet the name another page of its host states.

    One site is one source: a site's page without a stated name ("unknown outlet (taz.de)")
    beside one of its pages that names it ("Taz") would otherwise count as a second, independent
    outlet. The name was checked against the same host, so nothing is guessed."""
    named: dict[str, str] = {}
    for article in articles:
        host = url_host(article.url)
        if host and article.outlet:
            named.setdefault(host, article.outlet)
    for article in articles:
        host = url_host(article.url)
        if host and not article.outlet and host in named:
            article.outlet = named[host]


@dataclass(slots=True)
class Story:
    """A group of articles about one event, with its grounded summary; one site's pages in it
    go by one name (`name_site_pages`)."""

    id: str
    articles: list[Article]
    title: str | None = None
    event_date: date | None = None
    event_date_granularity: str = "day"
    """How precisely `event_date` is known: "day", or "month"/"year" when it was inferred."""
    event_date_inferred: bool = False
    """The date comes from other stories' articles that mention this story's event ("Assad
    visited Moscow in October 2015"), not from its own articles, which give none."""
    summary: list[SummarySentence] = field(default_factory=list)
    entities: list[StoryEntity] = field(default_factory=list)
    facts: list[Fact] = field(default_factory=list)
    disagreements: list[Disagreement] = field(default_factory=list)
    evolutions: list[Evolution] = field(default_factory=list)
    quotes: list[StoryQuote] = field(default_factory=list)
    coverage: list[OutletCoverage] = field(default_factory=list)
    timeline: list[TimelineEvent] = field(default_factory=list)
    storyline: str | None = None
    """Id shared by the stories of one ongoing matter (see `newsweave.analysis.timeline`); None alone."""

    def __post_init__(self) -> None:
        name_site_pages(self.articles)

    @property
    def fact_sources(self) -> int:
        """How many independent sources the story's facts draw on: the full scale of each
        fact's meter. A source is named with the outlets that carried it ("Reuters (via The
        Moscow Times)"), and the carriers vary from fact to fact where the source does not."""
        return len({n.split(" (via ")[0] for f in self.facts for n in f.source_names}) or 1

    @property
    def outlets(self) -> list[str]:
        """Distinct outlet labels, in article order."""
        return list(dict.fromkeys(a.outlet_label for a in self.articles))


@dataclass(frozen=True, slots=True)
class Citation:
    """One outlet cited by a summary sentence, and its articles in the story (may be none)."""

    label: str
    articles: list[Article] = field(default_factory=list)


def citations(story: Story, sentence: SummarySentence) -> list[Citation]:
    """The sentence's citations, one per outlet, in the order the sentence lists them."""
    members = {a.id: a for a in story.articles}
    grouped: dict[str, list[Article]] = {}
    for article in (members[i] for i in sentence.article_ids if i in members):
        grouped.setdefault(article.outlet_label, []).append(article)
    for label in sentence.outlets:  # an outlet whose article is not in the story: a plain chip
        grouped.setdefault(label, [])
    return [Citation(label, articles) for label, articles in grouped.items()]


def paragraphs(text: str) -> list[str]:
    """Cleaned text keeps one paragraph per line."""
    return [p.strip() for p in text.split("\n") if p.strip()]


_PUNCT = re.compile(r"[^\w\s]")


@lru_cache(maxsize=1024)
def normalise_body(text: str) -> str:
    """The form of a body used for identity: NFKC, case-folded, punctuation and spacing dropped.

    Two copies of an article that differ only in quotes style, spacing or case share an id.
    Memoised for the last batch or so of bodies: ingest asks for it twice per article (its id,
    then its near-duplicate shingles), and normalising is not cheap.
    """
    text = unicodedata.normalize("NFKC", text).casefold()
    # split/join is the regex `\s+` -> " " and a strip (both use str.isspace), at a third of
    # the cost: ingest normalises every body it reads
    return " ".join(_PUNCT.sub(" ", text).split())


def article_id(text: str) -> str:
    """Stable id of an article from its normalised cleaned body (16 hex digits of SHA-256)."""
    return hashlib.sha256(normalise_body(text).encode("utf-8")).hexdigest()[:16]


def story_id(article_ids: list[str]) -> str:
    """Stable id of a story from its member article ids, whatever their order."""
    joined = "\n".join(sorted(article_ids))
    return hashlib.sha256(joined.encode("utf-8")).hexdigest()[:12]
