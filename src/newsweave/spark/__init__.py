"""newsweave on Apache Spark: the pipeline of `newsweave digest` over a corpus one machine
cannot hold, giving the stories the embedded engine gives.

Every step is Spark work that calls the same stage functions the embedded engine calls
(`app.pipeline.prepare`, `cluster.copies.fingerprints`, `site_boilerplate.strip`,
`cluster.batch.cluster_articles`, `app.pipeline.refresh_story`, `analysis.storyline`); this
package only decides what runs where and what is shuffled:

1. `inputs`: files are listed on the driver (local folders as `ingest` walks them, Hadoop
   file systems through Spark) and read by the `ingest` readers in the tasks; each document
   gets an ordinal, its place in the input, the order `ingest` would store it in.
2. `documents`: cleaning and language per partition; exact copies keep the first
   (`reduceByKey` on the article id); near-duplicates by MinHash band keys grouped across the
   corpus, each copy linked to its earliest original; each site's boilerplate counted and
   decided across the corpus, then stripped per partition.
3. `stories`: document frequencies over the corpus; each article's salient terms posted
   under (term, time window) keys, so that only articles that could share a story are
   compared (never all pairs); pairs sharing enough terms are scored, and the connected
   components (`graph`) of the pairs that could merge are clustered whole by
   `cluster_articles`, with the corpus's term weights: a component is every article the
   embedded clustering could put together, so its stories are the ones it finds.
4. `analysis`: each story summarised and analysed by `refresh_story`, with one spaCy model
   per Python worker; storylines linked across the corpus from shared salient entities.
5. `output`: Parquet tables (`newsweave.tables`), which `newsweave import` loads into the
   embedded store.

`digest.spark_digest` runs it all; `newsweave spark digest` is its command line.
"""
