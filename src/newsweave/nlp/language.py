"""The language of an article's text, so that only English text reaches the English analysis.

newsweave's analysis (sentence scoring, quotes, dates, entities, fact alignment) reads English:
given Korean it makes an empty summary, given Russian or Portuguese it picks sentences at
random. Every article is therefore given the ISO 639-1 code of its body's language, and the
analysis reads only the articles that `is_analysed` accepts; the others are stored, searched
and listed with their language.

The identifier is py3langid (langid.py's naive Bayes model over byte n-grams, shipped in the
wheel), restricted to `NEWS_LANGUAGES`. `bench/language.py` chose it against lingua, fastText,
langdetect and CLD2 on the Fundus pages (about 20 languages) and 1,171 English bodies: as
accurate as lingua on bodies, no English body, title or first sentence called another
language, about half a millisecond per body, and a few MiB of model (beside numpy) loaded in
a fraction of a second, against lingua's 1 GiB and several seconds in its accurate mode (its
low-accuracy mode loses English titles and first sentences).

How it answers, and why:

- Only the first `PREFIX` characters are read: a news body's language shows in its opening,
  and the cost stays flat for long texts.
- A text mostly in a script other than Latin cannot be English: it gets the identifier's
  best guess whatever its confidence (Russian against Ukrainian may be close; English is not
  in question).
- A Latin-script text gets a language when the identifier gives it (with its close relatives,
  `RELATIVES`: Bosnian, Croatian and Serbian, say, share most n-grams) at least `THRESHOLD`.
  A short text (under `SHORT_WORDS` words: a title, a teaser) needs `SHORT_THRESHOLD` for a
  language other than English: on a few words the model spreads its belief thin, and calling
  an English title German keeps it out of the analysis, the costliest error.
- Otherwise the answer is None: not identified. Such a text is short or has few words the
  model knows (names, numbers, capitals); it is analysed as English, since newsweave reads
  English and a handful of words in another language cost a summary little, while leaving out
  an English article loses what it reports.

Clustering compares words (TF-IDF) whatever their language: articles in one language group
among themselves, and one in another language joins an English story only through the names
they share; it is then listed there, and not analysed.

A language declared by the input (a JSONL `language` field, a newsweave export) is kept and
the detector is not run on it: it was stated, not inferred (`prepare` keeps it).
"""

from __future__ import annotations

from collections.abc import Iterable

from py3langid.langid import MODEL_FILE, LanguageIdentifier

from newsweave.model import Article

NEWS_LANGUAGES = (
    "af", "ar", "bg", "bn", "bs", "ca", "cs", "da", "de", "el", "en", "es", "et", "fa", "fi",
    "fr", "he", "hi", "hr", "hu", "id", "is", "it", "ja", "ko", "lt", "lv", "mk", "mr", "ms",
    "nl", "nn", "no", "pl", "pt", "ro", "ru", "sk", "sl", "sq", "sr", "sv", "sw", "ta", "th",
    "tl", "tr", "uk", "ur", "vi", "xh", "zh", "zu",
)  # fmt: skip
"""The languages the identifier chooses among: those of the world's larger news outlets. A
text in another language gets the nearest of them (or None), never a made-up precision."""

NAMES = {
    "af": "Afrikaans", "ar": "Arabic", "bg": "Bulgarian", "bn": "Bengali", "bs": "Bosnian",
    "ca": "Catalan", "cs": "Czech", "da": "Danish", "de": "German", "el": "Greek",
    "en": "English", "es": "Spanish", "et": "Estonian", "fa": "Persian", "fi": "Finnish",
    "fr": "French", "he": "Hebrew", "hi": "Hindi", "hr": "Croatian", "hu": "Hungarian",
    "id": "Indonesian", "is": "Icelandic", "it": "Italian", "ja": "Japanese", "ko": "Korean",
    "lt": "Lithuanian", "lv": "Latvian", "mk": "Macedonian", "mr": "Marathi", "ms": "Malay",
    "nl": "Dutch", "no": "Norwegian", "pl": "Polish", "pt": "Portuguese", "ro": "Romanian",
    "ru": "Russian", "sk": "Slovak", "sl": "Slovenian", "sq": "Albanian", "sr": "Serbian",
    "sv": "Swedish", "sw": "Swahili", "ta": "Tamil", "th": "Thai", "tl": "Tagalog",
    "tr": "Turkish", "uk": "Ukrainian", "ur": "Urdu", "vi": "Vietnamese", "xh": "Xhosa",
    "zh": "Chinese", "zu": "Zulu",
}  # fmt: skip

_BY_NAME = {name.lower(): code for code, name in NAMES.items()}

RELATIVES = (
    ("bs", "hr", "sr"), ("cs", "sk"), ("da", "no"), ("id", "ms"), ("xh", "zu"), ("af", "nl"),
    ("ca", "es"),
)  # fmt: skip
"""Close relatives whose texts share most n-grams: the identifier's belief in one is split
between them, while its belief that the text is none of them is not."""

_SAME = {"nn": "no", "nb": "no"}  # Nynorsk and Bokmål are one language here: Norwegian
PREFIX = 1000
THRESHOLD = 0.5
SHORT_WORDS = 20
SHORT_THRESHOLD = 0.8
MIN_LETTERS = 3


class LanguageDetector:
    """Identifies the language of texts; made once and kept for a run (loading the model's
    tables takes a few tenths of a second)."""

    def __init__(self) -> None:
        self._identifier = LanguageIdentifier.from_model_file(MODEL_FILE, norm_probs=True)
        self._identifier.set_languages(list(NEWS_LANGUAGES))
        self._family = {code: family for family in RELATIVES for code in family}

    def detect(self, text: str) -> str | None:
        """The ISO 639-1 code of `text`'s language, None where the evidence is too weak (see
        the module's docstring)."""
        head = text[:PREFIX]
        letters = [c for c in head if c.isalpha()]
        if len(letters) < MIN_LETTERS:
            return None
        probabilities: dict[str, float] = {}
        for code, probability in self._identifier.rank(head):
            code = _SAME.get(code, code)
            probabilities[code] = probabilities.get(code, 0.0) + float(probability)
        best = max(probabilities, key=probabilities.__getitem__)
        latin = sum(1 for c in letters if _is_latin(c))
        if best != "en" and latin * 2 < len(letters):
            return best
        if best == "en":
            return "en" if probabilities["en"] >= THRESHOLD else None
        confidence = sum(probabilities.get(c, 0.0) for c in self._family.get(best, (best,)))
        short = len(head.split()) < SHORT_WORDS
        return best if confidence >= (SHORT_THRESHOLD if short else THRESHOLD) else None

    def identify(self, articles: Iterable[Article]) -> None:
        """Give each article the language of its body; a language the input stated is kept,
        as its ISO 639-1 code (`declared`), and the body is not read."""
        for article in articles:
            article.language = declared(article.language) or self.detect(article.text)


def declared(value: str | None) -> str | None:
    """The ISO 639-1 code of a language an input declared: a tag's primary subtag
    ("pt-BR": "pt") or an English name ("Korean": "ko"); None for what is neither, so that
    the body is read instead."""
    if not value:
        return None
    primary = value.strip().lower().replace("_", "-").split("-")[0]
    code = _SAME.get(primary, primary)
    if len(code) == 2 and code.isascii() and code.isalpha():
        return code
    return _BY_NAME.get(value.strip().lower())


def _is_latin(c: str) -> bool:
    """Whether a letter is Latin (Basic, Latin-1, Extended-A/B, Extended Additional)."""
    return c < "\u0250" or "\u1e00" <= c <= "\u1eff"


def is_analysed(article: Article) -> bool:
    """Whether the English analysis reads `article`: English, or a language not identified."""
    return article.language in (None, "en")


def analysed(articles: Iterable[Article]) -> list[Article]:
    """The articles the English analysis reads, in their order."""
    return [a for a in articles if is_analysed(a)]


def language_name(code: str) -> str:
    """The English name of a language code ("ko": "Korean"); an unknown code as it is."""
    return NAMES.get(code, code)


def not_analysed(articles: Iterable[Article]) -> dict[str, int]:
    """How many of `articles` are in each language the analysis leaves out, most first."""
    counts: dict[str, int] = {}
    for article in articles:
        if not is_analysed(article) and article.language is not None:
            counts[article.language] = counts.get(article.language, 0) + 1
    return dict(sorted(counts.items(), key=lambda kv: (-kv[1], kv[0])))


def not_analysed_note(articles: Iterable[Article]) -> str | None:
    """The line a story shows for its articles the English analysis leaves out ("Not
    analysed: articles in Korean (1), Russian (2)"), so that a missing summary, quote or date
    has its reason beside it; None when every article is analysed."""
    counts = not_analysed(articles)
    if not counts:
        return None
    named = ", ".join(f"{language_name(code)} ({n})" for code, n in counts.items())
    return f"Not analysed: articles in {named}; summaries, facts, quotes and dates read English."
