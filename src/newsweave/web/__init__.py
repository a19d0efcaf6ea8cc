"""The web UI and JSON API over the store (`newsweave serve`): FastAPI and Jinja2, server
rendered, no JavaScript build and no asset from the internet."""

from __future__ import annotations

from newsweave.web.app import create_app

__all__ = ["create_app"]
