"""A page's headline without the site name that `<title>` and `og:title` usually append.

"Mining blasts shatter homes - Lesotho Times", "... | TechCrunch", "...：朝日新聞デジタル" and
"... – DW – 28.04.2023" all name the outlet (or the date) after a separator. Two signals, both
page-independent, decide what to drop: the page's own `<h1>` spelling out one segment-aligned
part of the title, or a trailing/leading segment that matches the site name or the URL's host.
A segment matching neither is kept, since "Bericht: Aktivistin getötet - Irans Justiz
dementiert" is one headline.
"""

from __future__ import annotations

import re
import unicodedata
from urllib.parse import urlsplit

_SEP = re.compile(r"\s+[|\-–—·•*»/:]\s+|\s*[|｜：]\s*")
_SEP_AT_END = re.compile(f"(?:{_SEP.pattern})$")
_DATE = re.compile(r"\d{1,4}([./-])\d{1,2}\1\d{1,4}")
_MIN_HEADLINE = 6
_UMLAUTS = str.maketrans({"ä": "ae", "ö": "oe", "ü": "ue", "ß": "ss"})


def squash(text: str | None) -> str:
    """Whitespace collapsed to single spaces, ends trimmed."""
    return " ".join((text or "").split())


def _key(text: str) -> str:
    """Letters and digits only, accents and case folded: 'Seznam Zprávy' ~ 'Seznam_Zpravy'.

    German umlauts are spelled out as in host names ('Börsen-Zeitung' ~ boersen-zeitung.de).
    """
    decomposed = unicodedata.normalize("NFKD", text.casefold().translate(_UMLAUTS))
    return "".join(c for c in decomposed if c.isalnum())


_GENERIC_LABELS = frozenset({"www", "m", "news", "amp", "edition", "mobile", "online"})


def _site_keys(title: str, site: str | None, url: str | None) -> tuple[set[str], tuple[str, str]]:
    """Keys the outlet goes by (site name, host labels), and the host's (whole, first label).

    A "site name" that holds the title's first segment was made from the title (it happens)
    and would strip the headline itself, so it is left out.
    """
    lead = _key(_SEP.split(title, maxsplit=1)[0])
    keys = {_key(site)} if site and lead not in _key(site) else set()
    labels = ((urlsplit(url).hostname or "") if url else "").split(".")
    while len(labels) > 2 and labels[0] in _GENERIC_LABELS:
        labels = labels[1:]
    keys |= {_key(label) for label in labels if len(label) >= 4}
    return {k for k in keys if k}, (_key(".".join(labels)), _key(labels[0]))


def _names_site(segment: str, keys: set[str], host: tuple[str, str]) -> bool:
    """The segment is a date, the site's name or host, or a name containing one of them.

    An abbreviation of the host's name counts when it is a good part of it: "DW" for dw.com,
    "AP" for apnews.com, but not "The" for theguardian.com.
    """
    if _DATE.fullmatch(segment.strip()):
        return True
    seg = _key(segment)
    if not seg:
        return False
    whole, name = host
    if seg == whole or (len(seg) >= 2 and name.startswith(seg) and 3 * len(seg) >= len(name)):
        return True
    words = segment.split()
    runs = {
        _key(" ".join(words[i:j])) for i in range(len(words)) for j in range(i + 1, len(words) + 1)
    }
    return any(seg == k or (len(seg) >= 4 and seg in k) or k in runs for k in keys)


def _aligned(title: str, part: str) -> bool:
    """`part` is a run of whole segments of `title`: separators (or the ends) on both sides.

    A kicker before a colon ("Kenia: Nairobi von unten") stays: it is part of the headline.
    """
    at = title.find(part)
    if at < 0:
        return False
    before, after = title[:at], title[at + len(part) :]
    return (not before or bool(_SEP_AT_END.search(before))) and (
        not after or bool(_SEP.match(after))
    )


def _from_heading(title: str, headings: list[str]) -> str | None:
    for heading in headings:
        if (
            heading != title
            and len(heading) >= max(_MIN_HEADLINE, 0.4 * len(title))
            and _aligned(title, heading)
        ):
            return heading
    return None


def _strip_site(title: str, keys: set[str], host: tuple[str, str]) -> str:
    while seps := list(_SEP.finditer(title)):
        last, first = seps[-1], seps[0]
        if len(title[: last.start()]) >= _MIN_HEADLINE and _names_site(
            title[last.end() :], keys, host
        ):
            title = title[: last.start()]
        elif len(title[first.end() :]) >= _MIN_HEADLINE and _names_site(
            title[: first.start()], keys, host
        ):
            title = title[first.end() :]
        else:
            break
    return title


def clean_title(
    title: str | None,
    *,
    site: str | None,
    url: str | None,
    headings: list[str],
    author: str | None = None,
) -> str | None:
    """The headline of `title`, given the page's site name, URL, `<h1>` texts and author.

    An author is dropped like a site name ("... | The Gateway Pundit | by Cristina Laila").
    """
    title = squash(title)
    if not title:
        return None
    headings = [h for h in (squash(h) for h in headings) if h]
    keys, host = _site_keys(title, site, url)
    keys |= {_key(f"by {a}") for a in (author or "").split(";") if len(_key(a)) >= 4}
    headings = [h for h in headings if _key(h) not in keys | set(host)]
    return _from_heading(title, headings) or _strip_site(title, keys, host)


MAX_DERIVED_TITLE = 90
"""The longest title made from an article's text: a headline's length (most run 50 to 90
characters), where a first sentence runs to several hundred."""
_SENTENCE_END = re.compile(
    r"(?<=[.!?])[\"'”’)\]]*(?=\s+[\"'“‘(\[]?[A-Z0-9À-ÖØ-Þ])|(?<=[。！？])[」』）]*(?=.)"
)
_ABBREVIATION = re.compile(r"(?:^|\s)(?:[A-Z][a-z]{0,2}|[A-Z](?:\.[A-Z])+)\.$")


def _first_sentence(text: str) -> str:
    """The first sentence of the first paragraph: up to the first ".", "!" or "?" before a
    capital, skipping what may be an abbreviation ("Mr.", "Gen.", "U.S.")."""
    paragraph = squash(next((p for p in text.split("\n") if p.strip()), ""))
    for end in _SENTENCE_END.finditer(paragraph):
        if not _ABBREVIATION.search(paragraph[: end.start()]):
            return paragraph[: end.end()]
    return paragraph


def _no_stop(title: str) -> str:
    """A sentence's final full stop dropped, as in a headline; an ellipsis kept."""
    if title.endswith("。") or (title.endswith(".") and not title.endswith("..")):
        return title[:-1]
    return title


def derived_title(headline: str | None, text: str) -> str | None:
    """A title for an article that states none: the headline its text opens with (the
    cleaner's), else its first sentence; at most `MAX_DERIVED_TITLE` characters, cut at a
    word boundary and marked "…". A sentence's final full stop goes, as in a headline."""
    title = squash(headline) or _first_sentence(text)
    if len(title) <= MAX_DERIVED_TITLE:
        return _no_stop(title) or None
    head = title[:MAX_DERIVED_TITLE]  # with the "…", no longer than that
    cut = head[: head.rfind(" ")] if " " in head else head[:-1]  # unspaced scripts: a character
    return cut.rstrip(" ,;:–—-") + "…"
