"""The use cases every front end calls: the command line, the web app and the API are thin
adapters over these modules, and only here is the order of the stages known.

- `pipeline`: ingest a batch of documents, refresh the stories that changed;
- `watch`: one round of polling feeds and adding their new articles;
- `evidence`: what each outlet wrote behind a summary sentence's citation;
- `queries`: what the front ends ask of a stored corpus (a story with its evidence, an
  entity's timeline, search).

Nothing is imported here, so that a command loads only the use case it runs.
"""
