"""Screenshots of the web UI for the README: the seed articles, served and photographed.

    .venv/bin/python bench/screenshots.py [--out docs/screenshots]

Builds a store from `examples/assad-putin` in a temporary folder (ingest + build_stories,
with the full analysis), serves it with uvicorn on a free loopback port and drives the
system Chromium (`/usr/bin/chromium`) through Playwright: the stories page, the Sochi story
with a citation chip open, its storyline, a search, an entity page, the story on a
phone-sized screen and the stories page in dark mode.
"""

from __future__ import annotations

import argparse
import socket
import tempfile
import threading
import time
from pathlib import Path

import uvicorn
from playwright.sync_api import sync_playwright

from newsweave.app.pipeline import build_stories, ingest
from newsweave.store import open_store
from newsweave.web import create_app

ROOT = Path(__file__).parents[1]
ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


def serve(db: Path) -> tuple[uvicorn.Server, str]:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    server = uvicorn.Server(
        uvicorn.Config(create_app(db), host="127.0.0.1", port=port, log_level="warning")
    )
    threading.Thread(target=server.run, daemon=True).start()
    while not server.started:
        time.sleep(0.05)
    return server, f"http://127.0.0.1:{port}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--out", type=Path, default=ROOT / "docs" / "screenshots")
    out = parser.parse_args().out
    out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as work:
        db = Path(work) / "seeds.db"
        with open_store(db) as store:
            ingest([ROOT / "examples" / "assad-putin"], store)
            build_stories(store)
        server, url = serve(db)
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=ARGS)
            page = browser.new_page(base_url=url, viewport={"width": 1100, "height": 860})
            page.goto("/")
            page.screenshot(path=out / "stories.png")
            page.get_by_role(
                "link", name="Syria's Assad Flies to Russia for Talks With Putin"
            ).click()
            page.locator("ol.summary > li").first.locator("details.cite > summary").nth(1).click()
            page.screenshot(path=out / "story.png")
            page.locator(".storyline-link a").click()
            page.wait_for_url("**/storylines/*")
            page.screenshot(path=out / "storyline.png")
            page.goto("/search?q=Peskov")
            page.screenshot(path=out / "search.png")
            page.goto("/entities/Dmitry%20Peskov")
            page.screenshot(path=out / "entity.png")
            phone = browser.new_page(base_url=url, viewport={"width": 390, "height": 800})
            phone.goto("/")
            phone.locator("ol.cards a").first.click()
            phone.screenshot(path=out / "story-phone.png")
            dark = browser.new_page(
                base_url=url, viewport={"width": 1100, "height": 860}, color_scheme="dark"
            )
            dark.goto("/")
            dark.screenshot(path=out / "stories-dark.png")
            browser.close()
        server.should_exit = True
    print("wrote", ", ".join(sorted(p.name for p in out.glob("*.png"))), "to", out)


if __name__ == "__main__":
    main()
