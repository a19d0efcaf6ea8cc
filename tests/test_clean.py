"""The cleaner on the five seeds (chrome out, every body sentence kept, metadata read), on the
generic web chrome that Multi-News pages carry, and on odd input."""

from __future__ import annotations

import random
import time
from datetime import date

import pytest

from factories import seed_text
from newsweave.clean import (
    clean_text,
    date_from_url,
    is_deck,
    load_rules,
    outlet_from_url,
    parse_date,
)

LATAKIA = (
    "The last time Putin and Assad met was in December 2017 at a Russian military air base in "
    "Syria’s coastal province of Latakia."
)
MTIMES_URL = "https://www.themoscowtimes.com/2018/05/18/syrias-assad-flies-to-russia-for-talks-with-putin-a61487"


def squash(text: str) -> str:
    return " ".join(text.split())


# ---------------------------------------------------------------- the seeds: metadata

# title, subtitle, outlet, published, credits, url
META = {
    "000": ("Syria's Assad makes unexpected visit to Russia", None, "DW", date(2018, 5, 18),
            ["AFP", "AP", "dpa", "Reuters"], None),
    "001": ("Syrian president Assad flies to Russia to meet for talks with Putin", None,
            "The Independent", None, [], None),
    "002": ("Assad meets Putin in Sochi to discuss political process in Syria", None,
            "Kurdistan 24", None, [], None),
    "003": ("Syria's Assad Flies to Russia for Talks With Putin", None, "The Moscow Times",
            date(2018, 5, 18), ["Reuters"], MTIMES_URL),
    "004": ("Assad meets with Putin in Moscow", "Talks center on military action, political steps",
            None, None, [], None),
}  # fmt: skip


@pytest.mark.parametrize("prefix", sorted(META))
def test_seed_metadata(prefix: str) -> None:
    result = clean_text(seed_text(prefix))
    title, subtitle, outlet, published, credits, url = META[prefix]
    assert result.title == title
    assert result.subtitle == subtitle
    assert result.outlet == outlet
    assert result.published == published
    assert result.credits == credits
    assert result.url == url
    assert result.author is None  # "By Reuters" is a wire, not a person; no seed has a byline


# ---------------------------------------------------------------- the seeds: chrome removed

BOILERPLATE = {
    "000": [
        "Skip to content", "Skip to main menu", "Skip to more DW sites",
        "Syria's Assad and Russia's Putin at a meeting in Sochi", "Image: Reuters/Kremlin/M. Klimentyev",
        "Syria's Assad makes unexpected visit to Russia", "May 18, 2018", "Read more",
        "'Syria is a trap for Russia,' says Putin rival Grigory Yavlinsky",
        "talks 'world war,' chemical weapons", "Six stumbling blocks in German-Russian relations",
        "cw/sms", "(AFP, AP, dpa, Reuters)", "Every evening at 1830 UTC", "DW's editors",
        "sign up to receive", "Skip next section", "Explore more", "Related topics", "DW's Top Story",
        "Site of a damaged apartment building in Kharkiv, Ukraine",
        "Ukraine updates: Zelenskyy urges faster weapon deliveries", "More stories from DW",
        "Go to homepage",
    ],
    "001": [
        "Syrian president Assad flies to Russia to meet for talks with Putin",
        "Your support helps us to tell the story", "From reproductive rights to climate change",
        "The Independent is on the ground", "Elon Musk", "Your donation allows us",
        "The Independent is trusted by Americans", "paywalls", "quality journalism should be available",
        "Your support makes all the difference.", "difference.President",
        "Agencies contributed to this report.", "Join our commenting forum",
        "Join thought-provoking conversations", "Comments",
    ],
    "002": [
        "Assad meets Putin in Sochi to discuss political process in Syria",
        "(Photo: Sputnik/Mikhail Klimentyev)", "Sputnik", "Klimentyev",
    ],
    "003": [
        "Syria's Assad Flies to Russia for Talks With Putin", "By Reuters", "<u>", "Reuters</u>",
        "May 18, 2018", "Kremlin.ru", "Related article", "Can Putin Broker Peace in Syria? (Op-ed)",
        "Only 14% of Russian Airstrikes in Syria Hit Islamic State Targets", "Original url",
        "https://", "themoscowtimes.com",
    ],
    "004": [
        "Assad meets with Putin in Moscow", "Talks center on military action, political steps",
        "Syrian leader Bashar Assad and Russian President Vladimir Putin discussed their joint "
        "military campaign.", "ALEXEI DRUZHININ", "POOL VIA ASSOCIATED PRESS",
    ],
}  # fmt: skip


@pytest.mark.parametrize("prefix", sorted(BOILERPLATE))
def test_seed_boilerplate_removed(prefix: str) -> None:
    text = squash(clean_text(seed_text(prefix)).text)
    left = [junk for junk in BOILERPLATE[prefix] if junk in text]
    assert left == []


# ---------------------------------------------------------------- the seeds: body kept

# First and last body sentence of each seed, and a representative set in between (standfirsts
# that read as reporting stay in the body by design; see clean.py).
BODY = {
    "000": [
        "Russian President Putin said the Syrian military's successes have created conditions for "
        '"the start of a political process on a major scale."',
        "Syria's Assad said progress would be made in the Astana peace talks.",
        "Russian and Syrian Presidents Vladimir Putin and Bashar Assad met Thursday to discuss "
        "military and political issues as well as economic ties and reconstruction.",
        "He did not specify which foreign forces he thought would or should leave the country.",
        "Russia intervened in the Syrian war in September 2015, turning the war in favor of "
        "President Bashar Assad's regime.",
        "A parallel UN political track in Geneva backed by the United States is largely moribund "
        "after repeated failures to end the conflict.",
        'Putin\'s spokesman Dmitry Peskov said Assad had decided to "send a delegation to the UN" '
        "to discuss reforming the country's constitution.",
        '"Thanks to military successes, we are managing to normalize the situation in the '
        'country, opening the way for the return of many of our compatriots," the Syrian leader '
        "added.",
        "The Syrian president flew to meet Putin in Russia in November 2017 and October 2015.",
        "It will be the first meeting between the two leaders this year.",
    ],
    "001": [
        "It is the third time the Syrian leader has visited the country since the start of the "
        "conflict",
        "President of Syria Bashar al-Assad paid a visit to Vladimir Putin last night at his summer "
        "house in Sochi in Russia.",
        "It is the third time Assad has visited Russia since the Syrian conflict broke out – "
        "underlining the strong relationship between the two leaders and Russia’s position as "
        "Assad’s chief backer.",
        "According to the Syrian state news agency SANA, the talks discussed the",
        "In video footage of the meeting shared by Reuters, Mr Putin also said:",
        "It is understood the pair also discussed what the next steps would be following the "
        "National Dialogue Congress which took place earlier this year in Sochi.",
        "Mr Putin also travelled to Syria last December.",
        "Russia says it never targets civilian areas.",
        "Around 450,000 are believed to have been killed in the conflict and millions more "
        "displaced.",
    ],
    "002": [
        "Putin had reportedly told Assad that foreign armed forces would be withdrawn from Syria "
        "due to the Syrian army’s recent “victories and success.”",
        "Syrian President Bashar al-Assad met with his Russian counterpart "
        "Vladimir Putin in the Black Sea resort of Sochi on Thursday to discuss the latest "
        "developments in the Syrian conflict, the Kremlin said.",
        "Russian news agency TASS quoted Putin as telling Assad",
        "Foreign troops currently in Syria include Russian, Iranian, Turkish, French, and American "
        "forces.",
        LATAKIA,
        "Moscow’s support for Assad in 2015 effectively turned the tide of the civil war in the "
        "Syrian President’s favor.",
    ],
    "003": [
        "Syrian President Bashar al-Assad flew to Russian leader Vladimir Putin's summer residence "
        "on the Black Sea for talks on Thursday about the Syrian conflict, the Kremlin said, a "
        "visit that underscored Moscow's status as Assad's chief backer.",
        "Russia's entry into the conflict in 2015 turned the tide of the conflict in Assad's favor "
        "and established Russia as a powerbroker in the Middle East.",
        "At the meeting, in the Black Sea resort of Sochi, Assad congratulated Putin on his new "
        "term as president, after he was re-elected in March, and thanked the Russian military "
        "for its support in Syria.",
        "Critics of Russia's action, among them the United States and European states, say it is "
        "propping up an Assad leadership that has lost its legitimacy",
        "He also visited Putin in Moscow in October 2015, soon after Russia launched its military "
        "operation in Syria.",
    ],
    "004": [
        "President Vladimir Putin of Russia called his Syrian counterpart, Bashar Assad, "
        "to Moscow for an unannounced visit to discuss their joint military campaign and a "
        "political transition in Syria, the Kremlin announced on Wednesday.",
        "Assad, in turn, briefed the Russian leader about the situation on the ground and on the "
        "next steps.",
        "A summary of the discussion, also carried by the official Syrian news agency, said Assad "
        "had demanded that the United States",
        "The most obvious focus of the talks was “the fight against terrorist and extremist "
        "groups, issues of the continuation of the Russian operation supporting the offensive of "
        "the Syrian military,” Peskov said.",
    ],
}


@pytest.mark.parametrize("prefix", sorted(BODY))
def test_seed_body_sentences_kept(prefix: str) -> None:
    text = squash(clean_text(seed_text(prefix)).text)
    missing = [sentence for sentence in BODY[prefix] if sentence not in text]
    assert missing == []


@pytest.mark.parametrize("prefix", sorted(BODY))
def test_seed_body_starts_and_ends_with_the_article(prefix: str) -> None:
    paragraphs = clean_text(seed_text(prefix)).text.split("\n\n")
    assert squash(paragraphs[0]).startswith(BODY[prefix][0][:60])
    assert squash(paragraphs[-1]).endswith(BODY[prefix][-1][-60:])
    assert all(p.strip() == p and p for p in paragraphs)


def test_caption_with_credit_goes_but_body_copy_stays() -> None:
    text = clean_text(seed_text("002")).text
    assert text.count(LATAKIA) == 1
    assert text.index(LATAKIA) > text.index("the Kremlin spokesperson added.")


def test_glued_appeal_split_from_first_sentence() -> None:
    result = clean_text(seed_text("001"))
    assert "Your support makes all the difference." in [r.text for r in result.removed]
    first = "President of Syria Bashar al-Assad paid a visit to Vladimir Putin last night"
    assert result.text.count(first) == 1
    assert "\n\n" + first in result.text  # its own paragraph, not glued to anything


def test_line_wrapped_paragraph_rejoined() -> None:
    text = clean_text(seed_text("003")).text
    assert "Assad congratulated Putin on his new term as president, after he was re-elected" in text
    assert "new term as\n" not in text


@pytest.mark.parametrize("prefix", sorted(META))
def test_every_removal_names_its_rule(prefix: str) -> None:
    result = clean_text(seed_text(prefix))
    known = {r.name for r in load_rules().lines} | {
        "caption", "appeal", "repeated", "title", "subtitle", "dateline"
    }  # fmt: skip
    assert result.removed
    assert all(r.text.strip() and r.rule in known for r in result.removed)


def test_removals_name_the_right_rules() -> None:
    rules = {r.text: r.rule for r in clean_text(seed_text("000")).removed}
    assert rules["Image: Reuters/Kremlin/M. Klimentyev"] == "image_credit"
    assert rules["Syria's Assad and Russia's Putin at a meeting in Sochi"] == "caption"
    assert rules["cw/sms (AFP, AP, dpa, Reuters)"] == "signoff"
    assert rules["1. Skip to content"] == "navigation"
    rules = {r.text: r.rule for r in clean_text(seed_text("003")).removed}
    assert rules["By <u>Reuters</u>"] == "byline"
    assert rules[MTIMES_URL] == "original_url"


def test_removals_in_page_order() -> None:
    removed = [r.text for r in clean_text(seed_text("000")).removed]
    assert removed[0] == "1. Skip to content"
    assert removed[-1] == "Go to homepage"


# ---------------------------------------------------------------- generic chrome (Multi-News)


def body_of(*lines: str) -> str:
    return clean_text("\n \n ".join(lines)).text


LEDE = "The city council voted on Tuesday to close the old bridge for repairs, officials said."
SECOND = "Repairs are expected to take eight months and cost about $4 million, the council said."


def test_ap_story_chrome() -> None:
    result = clean_text(
        "\n".join(
            [
                "WASHINGTON (AP) — " + LEDE,
                "FILE - In this Jan. 5, 2017, file photo, council members meet in Washington.",
                SECOND,
                "___",
                "Associated Press writer Jane Doe in Boston contributed to this report.",
                "Copyright 2016 The Associated Press. All rights reserved. This material may not "
                "be published, broadcast, rewritten or redistributed.",
            ]
        )
    )
    assert result.text == f"{LEDE}\n\n{SECOND}"
    assert result.dateline == "Washington"
    assert result.credits == ["AP"]
    assert result.outlet is None  # a wire in a dateline is a credit, not the outlet
    assert {r.rule for r in result.removed} == {
        "dateline", "file_photo_caption", "separator", "agencies_note", "copyright"
    }  # fmt: skip


def test_bbc_and_nyt_chrome() -> None:
    text = body_of(
        "Image copyright Reuters Image caption Migrants are crossing into Croatia",
        LEDE,
        "Media playback is unsupported on your device Media caption The BBC's reporter is at the border",
        "Advertisement Continue reading the main story",
        "Story Continued Below",
        SECOND,
        "[Related: Bridge closures across the region]",
    )
    assert text == f"{LEDE}\n\n{SECOND}"


def test_share_follow_newsletter_and_twitter_chrome() -> None:
    text = body_of(
        "Tweet with a location",
        "You can add location information to your Tweets, such as your city or precise location, "
        "from the web and via third-party applications. You always have the option to delete "
        "your Tweet location history. Learn more",
        LEDE,
        "Share this: Facebook",
        "Twitter",
        "Share | Email | Print",
        SECOND,
        "Follow us on Twitter @citydesk",
        "Sign up for our newsletter to get the day's top stories delivered to your inbox.",
        "Have a tip we should know? tips@example.com",
        "Click here to see our detailed findings and our methodology.",
        "Advertisement",
    )
    assert text == f"{LEDE}\n\n{SECOND}"


def test_comment_section_and_its_policy() -> None:
    result = clean_text(
        "\n\n".join(
            [
                LEDE,
                "(Graphic: The bridge's cracks - here)",
                SECOND,
                "(For a factbox on the city's bridges, click here)",
                "Comments are closed.",
                "We welcome comments that are relevant, civil and on topic.",
                "You agree that anything you post may be used, along with your name and profile "
                "picture, in accordance with our Privacy Policy.",
                "Comments are not pre-screened before they post.",
                "Your comments may be published on any BBC media worldwide.",
                "View all 24 comments",
                "Sign in to comment",
                "At 13:46 20th Jan 2012, Sam Smith wrote:",
                "I think the council is wrong and the bridge should stay open for buses.",
                "Complain about this comment",
                "Recommend (5)",
                "2. At 9:05pm on 3 May 2011, Jo wrote: Agreed, it was always busy.",
                "Report abuse",
            ]
        )
    )
    assert result.text == f"{LEDE}\n\n{SECOND}"
    rules = {r.rule for r in result.removed}
    assert {"bracketed_link", "comment_policy", "reader_comments"} <= rules


def test_reader_comments_glued_to_the_last_paragraph() -> None:
    result = clean_text(
        f"{LEDE} {SECOND} At 13:46 20th Jan 2012, Sam wrote: Shut it for good. "
        "At 9:05 pm on 21 Jan 2012, Jo wrote: Agreed."
    )
    assert result.text == f"{LEDE} {SECOND}"
    assert [r.rule for r in result.removed] == ["reader_comments_glued"]


def test_teasers_and_photo_credits() -> None:
    result = clean_text(
        "\n".join(
            [
                LEDE,
                "RELATED: Mayor announces new budget for the city's roads",
                "Read more: Why the bridge matters to commuters",
                "Photo: Jane Roe/Getty Images",
                "The old bridge at dawn Kevin Winter/Getty Images",
                "A worker inspects the bridge. (Photo: John Smith, USA TODAY)",
                "RHONA WISE/AFP/Getty Images",
                SECOND,
                "Read or Share this story: https://www.usatoday.com/story/news/2017/03/03/bridge/",
            ]
        )
    )
    assert result.text == f"{LEDE}\n\n{SECOND}"
    assert result.url == "https://www.usatoday.com/story/news/2017/03/03/bridge/"
    assert (result.outlet, result.published) == ("USA Today", date(2017, 3, 3))


def test_byline_title_and_date() -> None:
    result = clean_text(
        "\n".join(
            [
                "Council closes old bridge for repairs",
                "By Jane Doe, Associated Press",
                "Published: 3 March 2017",
                LEDE,
                SECOND,
            ]
        )
    )
    assert result.title == "Council closes old bridge for repairs"
    assert (result.author, result.credits) == ("Jane Doe", ["AP"])
    assert result.published == date(2017, 3, 3)
    assert result.text == f"{LEDE}\n\n{SECOND}"


def test_dateline_outlet_and_signoff() -> None:
    result = clean_text(f"SANTA ROSA (CBS SF) — {LEDE}\n{SECOND}\nmkg/msh (AFP, dpa, AP)")
    assert result.outlet == "CBS SF"
    assert result.credits == ["AFP", "dpa", "AP"]
    assert result.text.endswith(SECOND)


def test_footer_takes_teasers_but_not_the_body_after_them() -> None:
    more = "Engineers will inspect three other bridges in the county before the end of the year."
    third = "The council will vote on a new bridge next year, the mayor's office said on Tuesday."
    text = body_of(
        LEDE,
        SECOND,
        third,
        "RELATED STORIES",
        "Man falls from bridge during storm",
        "Bridge selfie goes viral",
        more,
    )
    assert text == f"{LEDE}\n\n{SECOND}\n\n{third}\n\n{more}"


def test_donation_appeal_block_with_its_middle() -> None:
    text = body_of(
        "Your support helps us to tell the story",
        "We know how important it is to parse out the facts, and our reporters are there.",
        "Your donation allows us to keep sending journalists to speak to both sides.",
        LEDE,
    )
    assert text == LEDE


def test_story_highlights_label_is_stripped_and_not_a_title() -> None:
    result = clean_text(
        "Story highlights Officials say the bridge is unsafe\n"
        "Repairs will take eight months\n"
        f"(CNN) {LEDE}"
    )
    assert result.title is None
    assert result.text.startswith("Officials say the bridge is unsafe\n\n")
    assert result.removed[0].rule == "highlights_label"


def test_title_byline_glued_to_headline() -> None:
    result = clean_text(f"Council closes old bridge By Jane Doe Staff Reporter\n{LEDE}")
    assert (result.title, result.author) == ("Council closes old bridge", "Jane Doe")


def test_glued_promo_split_from_body() -> None:
    text = body_of("Sign up for our newsletter to get the news in your inbox.The mayor resigned on "
                   "Tuesday after a long dispute with the council.")  # fmt: skip
    assert text == "The mayor resigned on Tuesday after a long dispute with the council."


def test_glued_body_sentences_rejoined_with_a_space() -> None:
    text = body_of("The bridge closed on Monday.Engineers found cracks in two of its piers.")
    assert text == "The bridge closed on Monday. Engineers found cracks in two of its piers."


@pytest.mark.parametrize(
    "sentence",
    [
        "Video of the arrest shows him groaning and dragging his feet.",
        "By Tuesday, the storm had passed and the roads were open again.",
        "By all accounts, Miles was well-behaved during her most recent stay in prison.",
        "“Without your support, we could not have won this fight,” she told the crowd.",
        '"Another reason not to subscribe to Netflix," he wrote.',
        "Like many on Twitter, she shared the photo within minutes.",
        "Copyright law protects the song, the court said on Friday.",
        "Residents can sign up today at city hall for the new program.",
        "Contributing to the problem, the bridge was never inspected.",
        "Information from the police suggests the driver was speeding.",
        "Reporting by ProPublica found that the inspections were skipped.",
        "Photos of the damage were posted on Twitter, and officials said the bridge was unsafe.",
        "Related charges were filed against two contractors on Friday.",
        "Follow-up inspections will begin next week, the council said.",
        "Anyone with information can email tips@police.example.gov.",
        "The Washington Post first reported the closure on Monday.",
        "In this photo, a man walks past the closed bridge on Monday.",
        "The views expressed at the hearing were those of the committee, she said.",
        "The author is a former contributor to the paper's sports pages, lawyers said.",
        "He had sent a verification email to the bank before the transfer, police said.",
        "Comments are closed until the council publishes its final plan, the mayor said.",
        "We welcome comments from residents on the draft, the ministry said in a statement.",
        "At 13:46 on Monday, police said the suspect wrote a letter to the court.",
        "Readers can report abuse of the bridge's toll system to the council.",
        "Reply to the council's letter is due by Friday, lawyers for the residents said.",
        "(The bridge, built in 1901, is the oldest in the county.)",
    ],
)
def test_body_sentences_with_chrome_words_stay(sentence: str) -> None:
    text = body_of(LEDE, sentence, SECOND)
    assert text == f"{LEDE}\n\n{sentence}\n\n{SECOND}"


def test_crossheads_and_short_lines_stay() -> None:
    text = body_of(LEDE, "Opening political process", SECOND, "Mirror Mirror", SECOND + " Again.")
    assert "Opening political process" in text and "Mirror Mirror" in text


def test_deck_and_standfirst() -> None:
    assert is_deck("Talks center on military action, political steps")
    assert is_deck("Alan Thicke's Sons Fighting to Protect Estate from His Wife")
    assert not is_deck("Aerial photos have indicated that the first inauguration attracted a crowd")
    assert not is_deck("It is the third time the Syrian leader has visited the country")
    standfirst = "The mayor has been under pressure since the bridge was closed in March"
    result = clean_text(f"Mayor resigns\n{standfirst}\n{LEDE}")
    assert result.title == "Mayor resigns"
    assert result.subtitle is None and result.text.startswith(standfirst)


def test_no_title_from_a_list_or_a_lede_question() -> None:
    names = "\n".join(
        f"{n} of Utah, Supreme Court of Utah" for n in ("Ann Lee", "Bo Kim", "Cy Orr")
    )
    assert clean_text(f"{names}\n{LEDE}").title is None
    assert clean_text(f"What's cute and furry and has a name?\n{LEDE}").title is None
    assert (
        clean_text(f"Watch the official trailer, coming to\ntheaters in May.\n{LEDE}").title is None
    )


def test_repeated_lines_keep_the_first_copy() -> None:
    assert body_of(LEDE, SECOND, LEDE) == f"{LEDE}\n\n{SECOND}"


def test_web_archive_notice_is_dropped_whole() -> None:
    raw = (
        "These crawls are part of an effort to archive pages as they are created and archive "
        "the pages that they refer to.\nStarting in 1996, Alexa Internet has been donating "
        "their crawl data to the Internet Archive."
    )
    assert clean_text(raw).text == ""


def test_archive_collection_notes_are_dropped_with_their_glued_sentences() -> None:
    """The sentences the Internet Archive glues after its crawl notes, and Archive-It's and
    End of Term's collection notes: left behind, identical on every archived page, they
    made one story of pages from unrelated events."""
    no_more_404 = (
        "Then the Internet Archive hopes that references to these archived pages will be put "
        "in place of a link that would be otherwise be broken.The goal is to fix all broken "
        'links on the web . Crawls of supported "No More 404" sites.'
    )
    archive_it = (
        "This is a set of web collections curated by Mark Graham using the Archive-IT service "
        "of the Internet Archive. They include web captures of the ISKME.org website.These web "
        "captures are available to the general public.For more information about this "
        "collection please feel free to contact Mark via Send Mail"
    )
    end_of_term = (
        "This is a collection of press articles about the End of Term 2016 project. End of "
        "Term is a collaborative project to preserve public United States Government web sites."
    )
    for raw in (no_more_404, archive_it, end_of_term):
        assert clean_text(raw).text == "", raw
    reporting = (
        "The goal is to fix all broken links on the site by June, the agency said in a "
        "statement on Tuesday."
    )
    assert body_of(LEDE, reporting) == f"{LEDE}\n\n{reporting}"


def test_reprint_account_and_contributor_notices() -> None:
    raw = (
        "Dow Jones Reprints: This copy is for your personal, non-commercial use only. To order "
        "presentation-ready copies for distribution to your colleagues, clients or customers, "
        "visit www.djreprints.com\n\nJust One More Thing...\n\nWe have sent you a verification "
        "email. Please check your email and click on the link to activate your profile.\n\n"
        f"{LEDE}\n\n{SECOND}\n\nThe author is a Forbes contributor. The opinions expressed are "
        "those of the writer."
    )
    result = clean_text(raw)
    assert result.text == f"{LEDE}\n\n{SECOND}"
    assert {r.rule for r in result.removed} == {
        "reprint_notice",
        "account_prompt",
        "contributor_disclaimer",
    }


# ---------------------------------------------------------------- helpers and data


def test_outlets_and_dates_from_urls() -> None:
    assert outlet_from_url("https://news.bbc.co.uk/x") == "BBC"
    assert outlet_from_url("https://www.dw.com/en/a-123") == "DW"
    assert outlet_from_url("https://example.org/2018/05/18/x") is None
    assert outlet_from_url("http://[::1") is None
    assert date_from_url("https://example.org/2018/05/18/x") == date(2018, 5, 18)
    assert date_from_url("https://example.org/2018/13/45/x") is None


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("May 18, 2018", date(2018, 5, 18)),
        ("Sept. 1, 2015", date(2015, 9, 1)),
        ("3 April 2017", date(2017, 4, 3)),
        ("January 31st, 2012", date(2012, 1, 31)),
        ("2018-05-18", date(2018, 5, 18)),
        ("18.05.2018", date(2018, 5, 18)),
        ("05/18/2018", date(2018, 5, 18)),
        ("03/04/2018", None),  # March 4 or 3 April: not guessed
        ("February 30, 2018", None),
    ],
)
def test_parse_date(text: str, expected: date | None) -> None:
    assert parse_date(text) == expected


def test_rules_are_well_formed() -> None:
    rules = load_rules()
    actions = {"drop", "caption", "footer", "comments", "promo", "signoff", "byline", "url", "date", "keep",
               "strip"}  # fmt: skip
    names = [r.name for r in rules.lines]
    assert len(names) == len(set(names))
    for rule in rules.lines:
        assert rule.action in actions, rule.name
        assert rule.region in (None, "head", "tail"), rule.name
        assert all(k == k.lower() for k in rule.keywords), rule.name
        assert not rule.keywords or rule.search, rule.name
        assert rule.action != "strip" or "strip" in rule.pattern.groupindex, rule.name
    assert rules.domains["themoscowtimes.com"] == "The Moscow Times"
    assert rules.wires["the associated press"] == "AP"


@pytest.mark.parametrize("raw", ["", "   \n\n  ", "\x00", "\r\n\r\n", "\ufeff\u200b", "___\n###"])
def test_degenerate_input(raw: str) -> None:
    result = clean_text(raw)
    assert (result.text, result.title, result.credits) == ("", None, [])


def test_odd_input_never_raises() -> None:
    rng = random.Random(7)
    tokens = ["By", "Reuters", "(AP)", "—", "Photo:", "/", "Getty Images", "Share", "Read more:",
              "\n", "\n\n", "“", "May 18, 2018", "http://x.co/2018/02/30/", "cw/sms", "(AFP)", "a.B",
              "Story highlights", "x@y.z", "\x00", "\r", "日本", "Skip to content", "CLOSE", "."]  # fmt: skip
    for _ in range(300):
        raw = " ".join(rng.choice(tokens) for _ in range(rng.randint(0, 120)))
        assert isinstance(clean_text(raw).text, str)
    for raw in ["x" * 100_000, "a.B" * 20_000, "(" * 20_000, "By " + "Ab, " * 2_000]:
        start = time.perf_counter()
        clean_text(raw)
        assert time.perf_counter() - start < 1.0  # no regex backtracks on a long line


def test_fast_enough() -> None:
    raws = [seed_text(prefix) for prefix in sorted(META)]
    clean_text(raws[0])  # rules load once
    start = time.perf_counter()
    for _ in range(20):
        for raw in raws:
            clean_text(raw)
    per_article = (time.perf_counter() - start) / (20 * len(raws))
    assert per_article < 0.005  # typically ~0.3 ms; generous for a busy machine
