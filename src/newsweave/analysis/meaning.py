"""What a statement is about, beyond its words: the people it is about and its claim words.

Two sentences of one story share many words without saying the same thing: "the meeting in
Sochi came a day before Merkel meets with Putin" and "at the meeting in Sochi, Assad
congratulated Putin" share the place, the meeting and Putin; "Peskov said the meeting took
place on Thursday" and "Peskov said Assad had decided to send a delegation" share the
spokesman and his verb. A `Gist` keeps what decides whether two statements report one thing:

- `actors`: the people the statement is about, as surname keys ("assad", "putin"). People it
  is only attributed to ("Peskov said", "according to Peskov", "spokesman Dmitry Peskov")
  are left out: two outlets often credit one claim to different voices. A sentence naming
  nobody but pointing back at someone ("he", "the two leaders") takes the people of the
  sentence before it, as a reader does.
- `claim`: its content words outside names, attribution ("said", "according", "spokesman"),
  figures, weekdays and months: what is said to happen.
- `places` (the places it names) and `values` (its figures, years, months and weekdays):
  evidence that two statements are about one happening, never required, since a value is
  what a disagreement compares.

`same_claim` holds when the two statements do not each name a person the other lacks
(Merkel meeting Putin is not Assad meeting Putin; "Assad met Putin" and "the Syrian leader met
Putin" may be one thing), share at least one claim word (two sentences crediting one spokesman
with different things share only his name), and share enough of claim words, people, places
and values together (`min_shared`). Organisations are left out of what counts: they are as
often a statement's source ("the Kremlin said") as its subject.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from newsweave.model import Article, Entity, Sentence
from newsweave.nlp.canonical import HONORIFICS, SURNAME_PARTICLES
from newsweave.tfidf import tokens

ATTRIBUTION = frozenset(
    tokens(
        "said says say saying told tell tells added adds according spokesman spokeswoman "
        "spokesperson spokespeople statement quoted quoting cited citing reported reportedly "
        "reports announced stated noted wrote tweeted insisted explained declared claimed "
        "readout transcript website news agency reporters interview quote quotes"
    )
)
_CALENDAR = frozenset(
    tokens(
        "monday tuesday wednesday thursday friday saturday sunday today yesterday tomorrow "
        "january february march april may june july august september october november "
        "december"
    )
)
_SPEECH_AFTER = re.compile(
    r"^\W*(?:\w+\W+)?(?:said|says|told|tells|added|adds|stated|noted|wrote|tweeted|insisted|"
    r"explained|declared|announced|confirmed|claimed|was quoted|was cited)\b",
    re.I,
)
_SPEECH_BEFORE = re.compile(
    r"\b(?:according to|spokesman|spokeswoman|spokesperson|aide|quoted|quoting|citing|cited)"
    r"\W+(?:\w+\W+){0,2}$",
    re.I,
)
# '"...," said Putin.': the voice after its verb, where the sentence or clause ends with it
_SAID_BEFORE = re.compile(r"\b(?:said|says|added|adds)\W+$", re.I)
_CLAUSE_END = re.compile(r"^\s*(?:[,.;:!?]|$|who\b)")
_POINTS_BACK = re.compile(r"\b(?:he|she|him|his|her|they|them|their|the two|both)\b", re.I)


_PLACE_LABELS = frozenset({"GPE", "LOC", "FAC"})


@dataclass(frozen=True, slots=True)
class Gist:
    actors: frozenset[str]
    claim: frozenset[str]
    places: frozenset[str] = frozenset()
    values: frozenset[str] = frozenset()
    predicates: frozenset[str] | None = None  # verb lemmas; None where there was no parse

    @property
    def size(self) -> int:
        return len(self.claim) + len(self.actors) + len(self.places) + len(self.values)


def surname_key(name: str) -> str:
    """ "Mr Bashar al-Assad" -> "assad": the part of a person's name outlets share."""
    words = [w for w in name.split() if w.lower().strip(".") not in HONORIFICS]
    surname = (words[-1] if words else name).lower().strip(".,'’")
    surname = re.sub(r"['’]s$", "", surname)
    for particle in SURNAME_PARTICLES:
        surname = surname.removeprefix(particle)
    return surname


def gists(article: Article, predicates: Sequence[frozenset[str]] | None = None) -> list[Gist]:
    """The gist of each of the article's sentences, by sentence index; `predicates` are the
    verbs of each sentence where the article was parsed (`newsweave.nlp.predicates`)."""
    out: list[Gist] = []
    previous: frozenset[str] = frozenset()
    for k, sentence in enumerate(article.sentences):
        names = _names(article, sentence)
        actors = frozenset(
            surname_key(e.text)
            for e in names
            if e.label == "PERSON" and not _attributed(article.text, e, sentence)
        )
        if not names and not actors and _POINTS_BACK.search(sentence.text):
            actors = previous
        claim, values = _claim(article.text, sentence, names)
        places = frozenset(" ".join(tokens(e.text)) for e in names if e.label in _PLACE_LABELS)
        verbs = predicates[k] if predicates is not None and k < len(predicates) else None
        out.append(Gist(actors, claim, places, values, verbs))
        previous = actors or previous
    return out


_NOT_A_CLAIM = re.compile(
    r"\?$"  # a question asks; it states nothing another outlet could confirm
    r"|:$"  # a heading or a label introducing what follows
    r"|\bcontributed (?:to )?(?:this|the) (?:report|story|article)\b"  # a credit line
    r"|^(?:q|a):"  # an interview's question and answer labels
    r"|pic\.twitter\.com/|\(@\w+\)"  # an embedded post: someone else's words, not the outlet's
    r"|(?:\.\.\.|…)\s*(?:\([^)]*\))?$",  # a teaser cut off mid-sentence
    re.I,
)


def states_something(text: str) -> bool:
    """Whether a sentence can be a fact: not a question, a heading or label, a line
    crediting contributors ("CNN's Nima Elbagir contributed to this report", which every
    article of one outlet carries and which says nothing of the story), an embedded post
    ("pic.twitter.com/… — Name (@name)") or a teaser cut off with "..." ."""
    return not _NOT_A_CLAIM.search(text.strip())


def same_claim(a: Gist, b: Gist, min_shared: int = 3) -> bool:
    """Whether two statements can report one thing (see the module docstring)."""
    if not compatible(a, b) or not a.claim & b.claim:
        return False
    shared = (
        len(a.claim & b.claim)
        + len(a.actors & b.actors)
        + len(a.places & b.places)
        + len(a.values & b.values)
    )
    return shared >= min(min_shared, a.size, b.size)


def shares_predicate(a: Gist, b: Gist) -> bool:
    """Whether something one statement says happens is in the other, as a verb or a noun
    ("Trump picked Perry" / "Perry is Trump's pick"), or both tell of one happening: the same
    people (two or more), and a place or a day in common ("Assad flew to Putin's residence for talks on
    Thursday" / "Assad met Putin on Thursday"), where outlets pick their own verbs. True where
    either was not parsed."""
    if a.predicates is None or b.predicates is None:
        return True
    if len(a.actors) > 1 and a.actors == b.actors and (a.places & b.places or a.values & b.values):
        return True  # one person and a country in common is any of the story's sentences
    return bool(_prefixes(a.predicates) & _prefixes(b.claim | b.predicates)) or bool(
        _prefixes(b.predicates) & _prefixes(a.claim | a.predicates)
    )


def _prefixes(words: frozenset[str]) -> set[str]:
    return {w[:5] for w in words}


def compatible(a: Gist, b: Gist) -> bool:
    """False when each statement is about a person the other does not name."""
    return not (a.actors - b.actors and b.actors - a.actors)


def _names(article: Article, sentence: Sentence) -> list[Entity]:
    return [e for e in article.entities if sentence.start <= e.start and e.end <= sentence.end]


def _attributed(text: str, entity: Entity, sentence: Sentence) -> bool:
    """Whether the person is a statement's voice, not what it is about."""
    before = text[max(sentence.start, entity.start - 40) : entity.start]
    after = text[entity.end : min(sentence.end, entity.end + 30)]
    return bool(
        _SPEECH_AFTER.match(after)
        or _SPEECH_BEFORE.search(before)
        or (_SAID_BEFORE.search(before) and _CLAUSE_END.match(after))
    )


def _claim(
    text: str, sentence: Sentence, names: Sequence[Entity]
) -> tuple[frozenset[str], frozenset[str]]:
    """(claim words, values) of the sentence's words outside names."""
    pieces, at = [], sentence.start
    for entity in sorted(names, key=lambda e: e.start):
        pieces.append(text[at : max(at, entity.start)])
        at = max(at, entity.end)
    pieces.append(text[at : sentence.end])
    words = tokens(" ".join(pieces))
    values = frozenset(w for w in words if w in _CALENDAR or w[0].isdigit())
    return frozenset(w for w in words if w not in ATTRIBUTION and w not in values), values
