"""Grouping articles: copies of one article (`copies`), and articles about one event into
stories, all at once (`batch`) or a chunk at a time against the stored stories
(`incremental`, with the run's memory in `cache`)."""
