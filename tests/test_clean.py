"""The cleaner on the seeds (boilerplate out, every body sentence kept, metadata read) and on
generic web chrome of the kind Multi-News pages carry."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from newsweave.clean import clean_text, date_from_url, outlet_from_url

SEEDS = Path(__file__).parents[1] / "examples" / "assad-putin"


def seed(prefix: str) -> str:
    (path,) = SEEDS.glob(f"{prefix}_*.txt")
    return path.read_text(encoding="utf-8")


def squash(text: str) -> str:
    return " ".join(text.split())


BOILERPLATE = {
    "000": ["Skip to", "Image: Reuters", "at a meeting in Sochi\n", "Read more", "cw/sms", "1830 UTC",
            "DW's Top Story", "Kharkiv", "Zelenskyy", "Go to homepage", "May 18, 2018"],
    "001": ["Your support", "reproductive rights", "Your donation", "paywalls", "Join our commenting",
            "thought-provoking", "Comments", "Agencies contributed"],
    "002": ["(Photo: Sputnik"],
    "003": ["By Reuters", "<u>", "Kremlin.ru", "Related article", "Original url", "https://"],
    "004": ["ALEXEI DRUZHININ", "discussed their joint military campaign.\n"],
}  # fmt: skip

BODY = {
    "000": [
        "Russian and Syrian Presidents Vladimir Putin and Bashar Assad met Thursday to discuss military and political issues as well as economic ties and reconstruction.",
        "Putin's spokesman Dmitry Peskov said Assad had decided to \"send a delegation to the UN\" to discuss reforming the country's constitution.",
        "It will be the first meeting between the two leaders this year.",
    ],
    "001": [
        "President of Syria Bashar al-Assad paid a visit to Vladimir Putin last night at his summer house in Sochi in Russia.",
        "Mr Putin also travelled to Syria last December.",
        "Around 450,000 are believed to have been killed in the conflict and millions more displaced.",
    ],
    "002": [
        "ERBIL (Kurdistan 24) – Syrian President Bashar al-Assad met with his Russian counterpart Vladimir Putin",
        "Putin had reportedly told Assad that foreign armed forces would be withdrawn from Syria",
        "Moscow’s support for Assad in 2015 effectively turned the tide of the civil war in the Syrian President’s favor.",
    ],
    "003": [
        "Syrian President Bashar al-Assad flew to Russian leader Vladimir Putin's summer residence on the Black Sea",
        "Assad congratulated Putin on his new term as president, after he was re-elected in March",
        "He also visited Putin in Moscow in October 2015, soon after Russia launched its military operation in Syria.",
    ],
    "004": [
        "MOSCOW — President Vladimir Putin of Russia called his Syrian counterpart, Bashar Assad, to Moscow",
        "Assad, in turn, briefed the Russian leader about the situation on the ground and on the next steps.",
        "issues of the continuation of the Russian operation supporting the offensive of the Syrian military,” Peskov said.",
    ],
}

META = {
    "000": ("Syria's Assad makes unexpected visit to Russia", "DW", date(2018, 5, 18), ["AFP", "AP", "dpa", "Reuters"]),
    "001": ("Syrian president Assad flies to Russia to meet for talks with Putin", "The Independent", None, []),
    "002": ("Assad meets Putin in Sochi to discuss political process in Syria", "Kurdistan 24", None, []),
    "003": ("Syria's Assad Flies to Russia for Talks With Putin", "The Moscow Times", date(2018, 5, 18), ["Reuters"]),
    "004": ("Assad meets with Putin in Moscow", None, None, []),
}  # fmt: skip


@pytest.mark.parametrize("prefix", sorted(META))
def test_metadata(prefix: str) -> None:
    result = clean_text(seed(prefix))
    title, outlet, published, credits = META[prefix]
    assert (result.title, result.outlet, result.published, result.credits) == (
        title,
        outlet,
        published,
        credits,
    )
    assert result.author is None


@pytest.mark.parametrize("prefix", sorted(BOILERPLATE))
def test_boilerplate_removed(prefix: str) -> None:
    text = clean_text(seed(prefix)).text + "\n"
    for junk in BOILERPLATE[prefix]:
        assert junk not in text, junk


@pytest.mark.parametrize("prefix", sorted(BODY))
def test_body_sentences_kept(prefix: str) -> None:
    text = squash(clean_text(seed(prefix)).text)
    for sentence in BODY[prefix]:
        assert sentence in text


@pytest.mark.parametrize("prefix", sorted(META))
def test_every_removal_names_its_rule(prefix: str) -> None:
    result = clean_text(seed(prefix))
    assert result.removed
    assert all(r.rule and r.text for r in result.removed)


def test_caption_with_credit_goes_but_body_copy_stays() -> None:
    text = clean_text(seed("002")).text
    sentence = "The last time Putin and Assad met was in December 2017 at a Russian military air base in Syria’s coastal province of Latakia."
    assert text.count(sentence) == 1


def test_glued_sentence_split_and_kept() -> None:
    text = clean_text(seed("001")).text
    assert "difference.President" not in text
    assert text.count("President of Syria Bashar al-Assad paid a visit") == 1


def test_url_outlet_and_date() -> None:
    result = clean_text(seed("003"))
    assert (
        result.url
        == "https://www.themoscowtimes.com/2018/05/18/syrias-assad-flies-to-russia-for-talks-with-putin-a61487"
    )
    assert outlet_from_url("https://news.bbc.co.uk/x") == "BBC"
    assert outlet_from_url("https://example.org/2018/05/18/x") is None
    assert date_from_url("https://example.org/2018/05/18/x") == date(2018, 5, 18)
    assert date_from_url("https://example.org/2018/13/45/x") is None


def test_generic_web_chrome() -> None:
    raw = "\n".join(
        [
            "Senate passes the budget bill",
            "Advertisement",
            "By Jane Doe",
            "Published: 3 March 2017",
            "WASHINGTON (AP) — The Senate passed the budget bill late on Friday after a long debate.",
            "Share this article",
            "The vote was 51 to 49, with two senators absent.",
            "FILE - In this Jan. 5, 2017 file photo, senators gather in Washington.",
            "Follow us on Twitter @example",
            "Copyright 2017 The Associated Press. All rights reserved. This material may not be published, broadcast, rewritten or redistributed.",
        ]
    )
    result = clean_text(raw)
    assert result.title == "Senate passes the budget bill"
    assert result.author == "Jane Doe"
    assert result.published == date(2017, 3, 3)
    assert result.text.splitlines()[0].startswith("WASHINGTON (AP)")
    assert "The vote was 51 to 49, with two senators absent." in result.text
    for junk in ("Advertisement", "Share this", "FILE -", "Follow us", "Copyright"):
        assert junk not in result.text
    assert result.outlet is None  # a wire in a dateline is a credit, not the outlet
    assert result.credits == ["AP"]


def test_body_sentences_mentioning_chrome_words_stay() -> None:
    raw = "Charity appeal raises record sums\n\nThe charity said donations rose by 40% after the appeal.\n\nOfficials will sign up new volunteers next month."
    assert clean_text(raw).text.count("\n\n") == 1


@pytest.mark.parametrize("raw", ["", "   \n\n  ", "\x00"])
def test_degenerate_input(raw: str) -> None:
    result = clean_text(raw)
    assert result.title is None
    assert isinstance(result.text, str)
