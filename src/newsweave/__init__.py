"""newsweave: turn a pile of news articles from many outlets into sourced stories."""

__version__ = "0.1.0"
