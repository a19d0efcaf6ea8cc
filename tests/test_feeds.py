"""Feeds: RSS, Atom and OPML detected by content, entries as documents, teasers reported."""

from __future__ import annotations

import gzip
from datetime import date
from pathlib import Path

import pytest

from newsweave.ingest import IngestError, detect_format, read_file, read_paths
from newsweave.ingest.feeds import (
    NotAFeed,
    feed_outlet,
    html_to_text,
    opml_feeds,
    parse_feed,
)
from newsweave.model import RawDocument

BODY = (
    "The city council voted on Wednesday to approve a new bridge across the Riverton river, "
    "ending a decade of debate over the crossing."
)
SECOND = "The bridge will cost 40 million dollars and is expected to open in 2024."

RSS = f"""<?xml version="1.0" encoding="UTF-8"?>
<?xml-stylesheet type="text/xsl" href="/feed.xsl"?>
<!-- generated -->
<rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/"
     xmlns:dc="http://purl.org/dc/elements/1.1/">
<channel>
  <title>Riverton Gazette - Politics</title>
  <link>https://www.gazette.example/politics</link>
  <item>
    <title>Council approves new bridge</title>
    <link>https://gazette.example/2021/06/03/bridge</link>
    <pubDate>Thu, 03 Jun 2021 23:30:00 -0300</pubDate>
    <dc:creator>Ana Lopez</dc:creator>
    <description>A short teaser.</description>
    <content:encoded><![CDATA[<p>{BODY}</p><script>track()</script>
      <p>{SECOND}</p>]]></content:encoded>
  </item>
  <item>
    <title>Mayor resigns</title>
    <link>/2021/06/04/mayor</link>
    <description>The mayor &lt;b&gt;resigned&lt;/b&gt; on Friday.</description>
  </item>
</channel>
</rss>
"""

ATOM = f"""<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom" xml:base="https://news.example/">
  <title>Example News</title>
  <link href="https://news.example/"/>
  <updated>2022-03-01T10:00:00Z</updated>
  <id>urn:example</id>
  <entry>
    <title>Bridge vote</title>
    <link rel="alternate" href="articles/bridge"/>
    <id>urn:example:1</id>
    <updated>2022-03-01T08:00:00+01:00</updated>
    <author><name>Sam Lee</name></author>
    <summary>Teaser.</summary>
    <content type="html">&lt;h2&gt;Vote&lt;/h2&gt;&lt;p&gt;{BODY}&lt;/p&gt;&lt;ul&gt;&lt;li&gt;{SECOND}&lt;/li&gt;&lt;/ul&gt;</content>
  </entry>
</feed>
"""

RDF = """<?xml version="1.0"?>
<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" xmlns="http://purl.org/rss/1.0/">
<channel rdf:about="https://old.example/"><title>Old News</title><link>https://old.example/</link></channel>
<item rdf:about="https://old.example/1"><title>One</title><link>https://old.example/1</link>
<description>{text}</description></item>
</rdf:RDF>
"""

OPML = """<?xml version="1.0" encoding="UTF-8"?>
<opml version="2.0">
  <head><title>My feeds</title></head>
  <body>
    <outline text="News">
      <outline text="Gazette" type="rss" xmlUrl="https://gazette.example/feed.xml"/>
      <outline text="Wire" type="rss" xmlUrl="https://wire.example/rss"/>
    </outline>
    <outline text="Example" type="rss" xmlUrl="https://news.example/atom.xml"/>
    <outline text="Again" type="rss" xmlUrl="https://gazette.example/feed.xml"/>
    <outline text="No feed here"/>
  </body>
</opml>
"""


def _write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_feeds_are_detected_by_content_not_name(tmp_path: Path) -> None:
    assert detect_format(tmp_path / "a.txt", RSS.encode()) == "feed"  # not html, despite <p>
    assert detect_format(tmp_path / "a.html", ATOM.encode()) == "feed"
    assert detect_format(tmp_path / "x", RDF.encode()) == "feed"
    assert detect_format(tmp_path / "feeds.xml", OPML.encode()) == "opml"
    assert detect_format(tmp_path / "b.xml", b"\xef\xbb\xbf<rss version='2.0'>") == "feed"
    page = b"<!doctype html><html><body><p>rss feed</p></body></html>"
    assert detect_format(tmp_path / "feed.rss", page) == "html"
    assert detect_format(tmp_path / "c.xml", b"<?xml version='1.0'?><svg></svg>") == "text"


def test_rss_entries_become_documents_and_teasers_are_reported(tmp_path: Path) -> None:
    path = _write(tmp_path, "gazette.rss", RSS)
    items = list(read_file(path))
    doc, teaser = items
    assert isinstance(doc, RawDocument)
    assert doc.source == f"{path}#1"
    assert doc.format == "feed"
    assert doc.title == "Council approves new bridge"
    assert doc.url == "https://gazette.example/2021/06/03/bridge"
    assert doc.published == date(2021, 6, 3)  # the day the feed wrote, not UTC's 4 June
    assert doc.author == "Ana Lopez"
    assert doc.outlet == "Riverton Gazette"
    assert doc.text == f"{BODY}\n\n{SECOND}"  # content:encoded over the teaser; no script
    assert isinstance(teaser, IngestError)
    assert teaser.source == f"{path}#2"
    assert "'Mayor resigns'" in teaser.reason and "characters of text" in teaser.reason
    assert "newsweave fetch https://www.gazette.example/2021/06/04/mayor" in teaser.reason


def test_atom_entry_with_html_content_and_relative_link(tmp_path: Path) -> None:
    (doc,) = list(read_file(_write(tmp_path, "atom.xml", ATOM)))
    assert isinstance(doc, RawDocument)
    assert doc.url == "https://news.example/articles/bridge"
    assert doc.title == "Bridge vote"
    assert doc.author == "Sam Lee"
    assert doc.published == date(2022, 3, 1)
    assert doc.outlet == "Example News"
    assert doc.text == f"Vote\n\n{BODY}\n\n{SECOND}"


def test_rss_1_0_and_gzipped_feed_in_a_folder(tmp_path: Path) -> None:
    (tmp_path / "old.rdf.gz").write_bytes(gzip.compress(RDF.format(text=BODY).encode()))
    _write(tmp_path, "empty.xml", RSS.split("<item>")[0] + "</channel></rss>")
    items = list(read_paths([tmp_path]))
    docs = [i for i in items if isinstance(i, RawDocument)]
    assert [(d.url, d.outlet, d.text) for d in docs] == [
        ("https://old.example/1", "Old News", BODY)
    ]
    assert [(Path(e.source).name, e.reason) for e in items if isinstance(e, IngestError)] == [
        ("empty.xml", "feed with no entries")
    ]


def test_broken_feed_is_an_error_not_a_crash(tmp_path: Path) -> None:
    path = _write(tmp_path, "broken.xml", "<?xml version='1.0'?><rss><channel><title>x</ti")
    (error,) = list(read_file(path))
    assert isinstance(error, IngestError) and error.source == str(path)


def test_opml_lists_feeds_and_ingest_says_to_watch_them(tmp_path: Path) -> None:
    assert opml_feeds(OPML.encode()) == [  # nested outlines read, a repeated feed once
        "https://gazette.example/feed.xml",
        "https://wire.example/rss",
        "https://news.example/atom.xml",
    ]
    path = _write(tmp_path, "feeds.opml", OPML)
    (note,) = list(read_file(path))
    assert isinstance(note, IngestError)
    assert "OPML list of 3 feeds" in note.reason and f"newsweave watch {path}" in note.reason


def test_opml_external_entities_are_never_resolved(tmp_path: Path) -> None:
    secret = _write(tmp_path, "secret.txt", "TOP-SECRET")
    evil = OPML.replace(
        '<opml version="2.0">',
        f'<!DOCTYPE opml [<!ENTITY s SYSTEM "file://{secret}">]><opml version="2.0">',
    ).replace("https://wire.example/rss", "https://x.example/&s;")
    with pytest.raises(NotAFeed) as refused:
        opml_feeds(evil.encode())
    assert "TOP-SECRET" not in str(refused.value)
    (error,) = list(read_file(_write(tmp_path, "evil.opml", evil)))
    assert isinstance(error, IngestError) and "TOP-SECRET" not in error.reason


def test_html_to_text_and_outlet_rules() -> None:
    html = "<div><h3>Head</h3>one<br>two<p>three <b>bold</b></p><style>p{}</style></div>"
    assert html_to_text(html) == "Head\n\none two\n\nthree bold"
    assert html_to_text("") == ""
    assert feed_outlet("DW: World news", "https://www.dw.com/en/") == "DW"  # outlet table
    assert feed_outlet("World news | The Guardian", "https://theguardian.example/") == (
        "The Guardian"
    )
    assert feed_outlet(None, "https://www.paper.example/rss") == "paper.example"
    parsed = parse_feed(RSS.encode(), "https://www.gazette.example/feed")
    assert parsed.outlet == "Riverton Gazette" and len(parsed.entries) == 2
