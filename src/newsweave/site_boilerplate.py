"""Boilerplate learned from the corpus: the lines one site repeats across its articles.

The rules in `rules/boilerplate.toml` describe chrome every site has (navigation, appeals,
comment sections); each site also has standing lines of its own (a blog's "This is my blog
for discussion of medical issues", a broadcaster's teaser for another programme, a wire's
note on reader comments) that no rule can list. A site prints them, word for word, under
article after article; reporting is written once. So a line (a paragraph of cleaned text, or
a sentence of a paragraph with several) is a site's boilerplate when, in the normalised form
of `line_key` (case, spacing, punctuation, digits and month and day names ignored: "Updated
13:46 20 Jan" is one line whatever the time), it recurs in many articles of that site.

The site is the article's outlet, else its URL's host; an article with neither is neither
counted nor cleaned. A line counts once per article, and only in articles that are not
near-copies of a stored one (`Article.copy_of`): three versions of one story would otherwise
make every line of it recur. `passes` holds a site's threshold, `BoilerplateSettings` its
figures and why.

A line several sites carry is reporting, not a template: the same quote in five outlets'
stories is news. Such a line is boilerplate only where every site carrying it passes its
threshold on its own (the footer two sites of one publisher share); one site that carries it
below the threshold keeps it in every site's articles.

Learning is incremental and lives in the store (`BoilerplateIndex`): after each ingest batch
is stored, one step (one write transaction, `learn_step`) counts the lines of the stored
articles not counted yet, decides which lines crossed a threshold, and removes every learned
line from the site's stored articles: the new ones, and those stored before the line was
known. A cleaned article keeps its id (made from its body before learned lines left it, so a
re-read of the same page is still found stored), gets a `Removal` per line with the rule
`site_boilerplate:SITE`, loses its sentences and entities (found again from the new body)
and leaves its story stale, for `refresh_stories` to redo. Counting marks the articles
counted in the same transaction, so a re-run never counts an article twice and a run killed
before the step is completed by the next (`learn_pending`). A line once learned stays
learned: its text is already gone from the site's stored articles, and the site's new
articles are treated the same way.

Clustering indexes an article's terms after the step, from the cleaned body; the terms of an
article stored before one of its lines was learned stay as they were indexed (a template's
terms recur in many articles, so they weigh little there anyway).
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from collections import Counter
from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass

from newsweave.model import Article, Removal, url_host
from newsweave.store import Store

RULE = "site_boilerplate"

# A sentence end inside a paragraph: after a word of two or more lower-case letters or digits
# (so "U.S." and "Mr." do not end one), before a capital, a quote or a bracket.
_SENTENCE_END = re.compile(
    r"(?:(?<=[a-z\d]{2}[.!?])|(?<=[a-z\d]{2}[.!?][\"”’)]))\s+(?=[\"“‘(]?[A-Z])"
)
_NUMBER = re.compile(r"\d[\d,.:/]*(?:st|nd|rd|th)?")
_MONTHS = "jan january feb february mar march apr april may jun june jul july aug august sep"
_MORE = "sept september oct october nov november dec december monday tuesday wednesday"
_DAYS = "thursday friday saturday sunday"
_CALENDAR = frozenset(f"{_MONTHS} {_MORE} {_DAYS}".split())
_PUNCT = re.compile(r"[^\w\s]|_")


@dataclass(frozen=True, slots=True)
class BoilerplateSettings:
    """When a line is a site's boilerplate: it recurs in at least `min_articles` of the
    site's counted articles and in at least `min_share` of them, and the site has at least
    `min_site_articles` counted articles.

    Three articles is the least that says "repeated" rather than "quoted twice". The share
    is what tells a template from a background paragraph: on Timeline17's single-topic
    folders the standing lines (comment policies, blog blurbs, a teaser) are in 10-50% of a
    site's articles, while the background paragraphs a site's follow-ups repeat ("at least
    N bodies have been buried in mass graves") are in 2-5%; a site covering many topics
    repeats its background in a smaller share still, its templates in the same one. Under
    `min_site_articles` a site has too few articles to tell the two apart: three follow-ups
    of one event would make their shared paragraph a template. A paragraph a site pastes
    into a tenth of everything it publishes is its template, even when it reads as
    reporting ("The war has killed more than 300,000 people"): it is background, not the
    news of the story, and the articles' own sentences still tell it.

    A sentence inside a paragraph counts only with at least `min_sentence_words` words:
    shorter pieces are as often halves of a sentence split at an abbreviation. A whole
    paragraph counts whatever its length.
    """

    min_articles: int = 3
    min_share: float = 0.1
    min_site_articles: int = 10
    min_sentence_words: int = 4


@dataclass(frozen=True, slots=True)
class Unit:
    """A line of a body that can be learned: a whole paragraph (`whole`) or a sentence of
    one, with its `line_key`."""

    text: str
    key: int
    whole: bool


def site_of(article: Article) -> str | None:
    """The site an article's template lines belong to: its outlet, else its URL's host."""
    return article.outlet or url_host(article.url)


def normalise_line(text: str) -> str:
    """The form in which a line recurs: case, spacing, punctuation, numbers, and month and
    day names ignored (a comment count, a time, a date)."""
    text = _NUMBER.sub("0", unicodedata.normalize("NFKC", text).casefold())
    return " ".join("m" if w in _CALENDAR else w for w in _PUNCT.sub(" ", text).split())


def line_key(text: str) -> int:
    """A signed 64-bit hash of `normalise_line(text)` (what the store keeps per line)."""
    return _key(normalise_line(text))


def _key(normalised: str) -> int:
    digest = hashlib.blake2b(normalised.encode("utf-8"), digest_size=8).digest()
    return int.from_bytes(digest, "big", signed=True)


def units(text: str, settings: BoilerplateSettings | None = None) -> list[Unit]:
    """The learnable lines of a body: each paragraph, and each long enough sentence of a
    paragraph with several. Lines with no words (a lone "0" or dash) are left out."""
    settings = settings or BoilerplateSettings()
    found: list[Unit] = []
    for paragraph in (p.strip() for p in text.split("\n")):
        normalised = normalise_line(paragraph)
        if not normalised.strip("0 "):
            continue
        found.append(Unit(paragraph, _key(normalised), True))
        sentences = _SENTENCE_END.split(paragraph)
        if len(sentences) > 1:
            found += (
                Unit(s, line_key(s), False)
                for s in sentences
                if len(s.split()) >= settings.min_sentence_words
            )
    return found


def passes(count: int, site_articles: int, settings: BoilerplateSettings) -> bool:
    """Whether a line in `count` of a site's `site_articles` counted articles is, for that
    site alone, boilerplate (see `BoilerplateSettings`)."""
    return (
        site_articles >= settings.min_site_articles
        and count >= settings.min_articles
        and count >= settings.min_share * site_articles
    )


def decide(
    counts: Mapping[int, Mapping[str, int]],
    sizes: Mapping[str, int],
    settings: BoilerplateSettings,
) -> set[tuple[str, int]]:
    """The (site, line key) pairs that are boilerplate, from how many articles of each site
    carry each line (`counts[key][site]`) and how many each site has (`sizes`): a line is
    boilerplate in every site carrying it when each of them passes on its own."""
    learned: set[tuple[str, int]] = set()
    for key, by_site in counts.items():
        carriers = {site: n for site, n in by_site.items() if n}
        if carriers and all(passes(n, sizes.get(s, 0), settings) for s, n in carriers.items()):
            learned.update((site, key) for site in carriers)
    return learned


def strip(article: Article, learned: Collection[int], site: str) -> bool:
    """Remove the lines of `article` whose keys are in `learned` (its site's boilerplate),
    recording each as a `Removal`; True if the body changed. A body that would be left
    empty is kept whole: an article is never reduced to nothing by what its site repeats.

    Sentences, entities and the parse are offsets into the body: a changed article loses
    them, to be found again (`recognised` is reset)."""
    if not learned:
        return False
    rule = f"{RULE}:{site}"
    kept: list[str] = []
    removed: list[Removal] = []
    for paragraph in (p.strip() for p in article.text.split("\n")):
        if not paragraph:
            kept.append(paragraph)
            continue
        if line_key(paragraph) in learned:
            removed.append(Removal(paragraph, rule))
            continue
        sentences = _SENTENCE_END.split(paragraph)
        if len(sentences) > 1:
            left = [s for s in sentences if line_key(s) not in learned]
            removed += (Removal(s, rule) for s in sentences if line_key(s) in learned)
            paragraph = " ".join(left)
        if paragraph:
            kept.append(paragraph)
    if not removed:
        return False
    text = re.sub(r"\n{3,}", "\n\n", "\n".join(kept)).strip()
    if not text:
        return False
    article.text = text
    article.removed = [*article.removed, *removed]
    article.sentences, article.entities, article.recognised = [], [], False
    article.parse = None
    return True


@dataclass(slots=True)
class LearnStep:
    """What one learning step did: articles counted, lines learned, bodies cleaned."""

    counted: int = 0
    learned: int = 0
    cleaned: list[str] | None = None


def learn_step(
    store: Store, articles: Sequence[Article] | None, settings: BoilerplateSettings
) -> LearnStep:
    """Count, learn and clean in one write transaction (see the module docstring): the
    stored articles of `articles` not counted yet, or with None up to a chunk of whatever is
    not counted. Returns what it did; `cleaned` lists the ids whose bodies changed."""
    step = LearnStep(cleaned=[])
    with store.learning():
        among = [a.id for a in articles] if articles is not None else None
        pending = store.uncounted(len(among) if among is not None else 500, among=among)
        if not pending:
            return step
        lines: dict[str, tuple[str | None, bool, set[int]]] = {}
        for article in pending:
            site = site_of(article)
            keys = {u.key for u in units(article.text, settings)} if site else set()
            lines[article.id] = (site, article.copy_of is None, keys)
        store.count_lines(lines)
        step.counted = len(pending)
        candidates = {k for site, _, keys in lines.values() if site for k in keys}
        sites = {site for site, _, _ in lines.values() if site}
        sizes = store.site_sizes(sites)
        added = Counter(site for site, independent, _ in lines.values() if site and independent)
        for site, n in added.items():  # a site just large enough: its earlier lines too
            if sizes.get(site, 0) - n < settings.min_site_articles <= sizes.get(site, 0):
                candidates |= store.site_line_keys(site)
        counts = store.line_counts(candidates)
        carriers = {s for by_site in counts.values() for s in by_site}
        sizes.update(store.site_sizes(carriers - sites))
        new = decide(counts, sizes, settings)
        known = store.learned_lines({site for site, _ in new} | sites)
        fresh = {(site, key) for site, key in new if key not in known.get(site, set())}
        for site, key in fresh:
            known.setdefault(site, set()).add(key)
        step.learned = len(fresh)
        touched = set(store.learn_lines(fresh)) if fresh else set()
        touched.update(a.id for a in pending if lines[a.id][0] in known)
        cleaned = []
        for article in store.articles(sorted(touched)):
            site = site_of(article)
            if site and strip(article, known.get(site, set()), site):
                cleaned.append(article)
        if cleaned:
            store.replace_bodies(cleaned)
        step.cleaned = [a.id for a in cleaned]
    return step


def learn_pending(store: Store, settings: BoilerplateSettings) -> Iterable[LearnStep]:
    """Count and learn from every stored article not counted yet (a killed run's, or a
    store made before learning existed), a chunk a step; yields each step."""
    while (step := learn_step(store, None, settings)).counted:
        yield step
