"""Language identification: each article gets its body's language, the English analysis
reads only English (or unidentified) articles, and a run counts and names the others."""

from __future__ import annotations

import json
import shutil
from datetime import date
from pathlib import Path

import pytest
from typer.testing import CliRunner

from factories import make_article, seed_articles, seed_path
from newsweave.app.pipeline import (
    Annotator,
    RunReport,
    analyse_story,
    build_stories,
    ingest,
    make_story,
)
from newsweave.cli import app
from newsweave.nlp.language import (
    LanguageDetector,
    analysed,
    declared,
    not_analysed,
    not_analysed_note,
)
from newsweave.render.html import render_html
from newsweave.render.markdown import render_markdown
from newsweave.store import Store

KOREAN = (
    "서울시는 내년부터 대중교통 요금을 인상하기로 결정했다고 밝혔다. 시 관계자는 운영 적자가 "
    "계속 늘어나고 있어 요금 조정이 불가피하다고 설명했다. 시민 단체들은 이번 결정에 반대하며 "
    "추가 논의를 요구하고 있다."
)
RUSSIAN = (
    "Правительство объявило о новых мерах поддержки малого бизнеса в связи с ростом цен на "
    "энергию. По словам министра, программа начнёт действовать в следующем месяце и охватит "
    "более десяти тысяч предприятий по всей стране. Эксперты считают, что этого недостаточно."
)
PORTUGUESE = (
    "O governo anunciou nesta terça-feira um novo pacote de medidas para conter a inflação, "
    "que atingiu o nível mais alto dos últimos dez anos. Segundo o ministro da Economia, as "
    "medidas devem entrar em vigor no próximo mês e beneficiar milhões de famílias."
)
GERMAN = (
    "Die Bundesregierung hat am Dienstag neue Maßnahmen gegen die steigenden Energiepreise "
    "beschlossen. Nach Angaben des Wirtschaftsministers sollen vor allem kleine Unternehmen "
    "und Familien mit geringem Einkommen entlastet werden, die Opposition kritisiert den Plan."
)
ENGLISH = (
    "The government announced new measures on Tuesday to support small businesses hit by "
    "rising energy prices. The minister said the programme would start next month and reach "
    "more than ten thousand companies across the country, though economists called it too small."
)


@pytest.fixture(scope="module")
def detector() -> LanguageDetector:
    return LanguageDetector()


@pytest.mark.parametrize(
    ("text", "code"),
    [(KOREAN, "ko"), (RUSSIAN, "ru"), (PORTUGUESE, "pt"), (GERMAN, "de"), (ENGLISH, "en")],
)
def test_bodies_get_their_language(detector: LanguageDetector, text: str, code: str) -> None:
    assert detector.detect(text) == code


@pytest.mark.parametrize(
    ("text", "code"), [("서울시, 대중교통 요금 인상", "ko"), ("Легкий троннинг", "ru")]
)
def test_a_short_text_in_another_script_is_not_english(
    detector: LanguageDetector, text: str, code: str
) -> None:
    assert detector.detect(text) == code


@pytest.mark.parametrize(
    "text",
    [
        # English headlines the identifier's best guess calls Hungarian, Spanish and Dutch
        "Baby Bastón is here!",
        "Say hola to Eva Longoria’s son Santiago Enrique Bastón!",
        "Nam, SA Green hydrogen pipeline flagged",
        "March 30, 2014, 3:33 AM |Gov.",
        "1. Anthony Scaramucci",
    ],
)
def test_a_short_ambiguous_text_is_not_declared_foreign(
    detector: LanguageDetector, text: str
) -> None:
    code = detector.detect(text)
    assert code in (None, "en")
    assert analysed([make_article(text, language=code)])


def test_text_without_letters_is_not_identified(detector: LanguageDetector) -> None:
    assert detector.detect("2024 — 12:30 · 45") is None


def test_a_declared_language_is_kept_as_its_code(detector: LanguageDetector) -> None:
    articles = [
        make_article(RUSSIAN, language="uk"),  # stated, so not second-guessed
        make_article(PORTUGUESE, language="pt-BR"),
        make_article(ENGLISH, language="English"),
        make_article(GERMAN, language="something"),  # unreadable: the body is read instead
        make_article(KOREAN),
    ]
    detector.identify(articles)
    assert [a.language for a in articles] == ["uk", "pt", "en", "de", "ko"]
    assert declared("nb-NO") == "no"


def test_the_note_names_what_is_left_out() -> None:
    articles = [
        make_article(KOREAN, language="ko"),
        make_article(RUSSIAN, language="ru"),
        make_article(RUSSIAN + " Ещё.", language="ru"),
        make_article(ENGLISH, language="en"),
        make_article("Untold.", language=None),
    ]
    assert not_analysed(articles) == {"ru": 2, "ko": 1}
    assert not_analysed_note(articles) == (
        "Not analysed: articles in Russian (2), Korean (1); "
        "summaries, facts, quotes and dates read English."
    )
    assert not_analysed_note(articles[3:]) is None


def _mixed_folder(tmp_path: Path) -> Path:
    """Two English seed reports of one meeting and a Russian article (a plain text file)."""
    folder = tmp_path / "in"
    folder.mkdir()
    for number in ("000", "001"):
        shutil.copy(seed_path(number), folder)
    second = RUSSIAN.replace("энергию", "газ")
    text = f"Путин встретился с Асадом в Сочи\n\n{RUSSIAN}\n\n{second}"
    (folder / "ru.txt").write_text(text, encoding="utf-8")
    return folder


def test_a_mixed_corpus_keeps_russian_out_of_the_summaries(store: Store, tmp_path: Path) -> None:
    report = ingest([_mixed_folder(tmp_path)], store)
    assert report.added == 3
    assert report.languages == {"ru": 1}
    stories = build_stories(store, report=RunReport())
    articles = [a for s in stories for a in s.articles]
    by_source = {Path(a.source).name: a for a in articles}
    russian = by_source["ru.txt"]
    assert russian.language == "ru"
    assert {a.language for a in articles if a is not russian} == {"en"}
    stored = store.article(russian.id)
    assert stored is not None and stored.language == "ru"
    summaries = [s for s in stories if s.summary]
    assert summaries, "the English reports are summarised"
    for story in stories:
        for sentence in story.summary:
            assert russian.id not in sentence.article_ids
            assert sentence.text not in russian.text
        assert all(russian.id not in q.article_ids for q in story.quotes)
        assert all(russian.id not in f.article_ids for f in story.facts)
    # no English word in common: the Russian article is a story of its own, which says why
    # it has no summary
    (alone,) = [s for s in stories if russian in s.articles]
    assert [a.id for a in alone.articles] == [russian.id]
    assert not alone.summary and alone.event_date is None
    assert "Not analysed: articles in Russian (1)" in render_html([alone])
    assert "Not analysed: articles in Russian (1)" in render_markdown([alone])
    assert "Russian (not analysed)" in render_markdown(stories)
    assert 'title="Russian: not analysed">ru</span>' in render_html(stories)


def test_a_story_analyses_its_english_articles_and_lists_all() -> None:
    seeds = seed_articles()
    russian = make_article(
        RUSSIAN, language="ru", outlet="Коммерсантъ", title="Меры поддержки бизнеса"
    )
    articles = [seeds["000"], seeds["001"], russian]
    annotator = Annotator()
    annotator.annotate(articles, RunReport())
    story = make_story(articles)
    analyse_story(story, annotator)
    assert russian in story.articles and "Коммерсантъ" in story.outlets
    assert story.summary and story.facts
    assert all(russian.id not in s.article_ids for s in story.summary)
    assert all(russian.id not in f.article_ids for f in story.facts)
    assert all(russian.id not in q.article_ids for q in story.quotes)
    assert all(e.article_ids != [russian.id] for e in story.entities)
    assert not russian.recognised  # the English entity model never read it
    assert story.title != russian.title


def test_the_cli_names_the_languages_it_kept_out(tmp_path: Path) -> None:
    db = tmp_path / "n.db"
    result = CliRunner().invoke(
        app, ["ingest", str(_mixed_folder(tmp_path)), "--db", str(db), "--no-summarise"]
    )
    assert result.exit_code == 0, result.output
    assert "1 article not in English (ru 1): kept, left out of summaries" in result.output


def test_a_jsonl_language_is_kept(store: Store, tmp_path: Path) -> None:
    path = tmp_path / "a.jsonl"
    lines = [
        {"text": RUSSIAN, "title": "Меры поддержки", "language": "uk"},
        {"text": ENGLISH, "title": "Support for small businesses"},
    ]
    path.write_text("\n".join(json.dumps(x, ensure_ascii=False) for x in lines), "utf-8")
    report = ingest([path], store)
    assert report.languages == {"uk": 1}
    assert sorted(a.language or "" for a in store.articles()) == ["en", "uk"]


def test_a_story_in_another_language_is_dated_by_publication() -> None:
    russian = make_article(RUSSIAN, language="ru", published=date(2025, 5, 14))
    later = make_article(RUSSIAN + " Ещё.", language="ru", published=date(2025, 5, 15))
    story = make_story([later, russian])
    assert not story.summary and story.event_date == date(2025, 5, 14)
