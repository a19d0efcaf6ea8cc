"""The corpus tables (`newsweave.tables`) written and read through Spark, on any file
system Spark writes to.

A run writes every table into `OUT/.next/` first, then moves each into place and writes
`run.json` last: a run that dies before the move leaves the previous tables whole, and
`newsweave import` refuses a folder whose `run.json` is missing (see `tables`).
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from typing import TYPE_CHECKING, Any

from newsweave.model import Article, Fingerprint, Story
from newsweave.tables import (
    ARTICLE_COLUMNS,
    ERROR_COLUMNS,
    RUN_FILE,
    STORY_COLUMNS,
    TABLES,
    TERM_COLUMNS,
    article_from_record,
    article_record,
    story_from_row,
    story_row,
)

if TYPE_CHECKING:
    from pyspark import RDD
    from pyspark.sql import SparkSession
    from pyspark.sql.types import StructType

STAGING = ".next"


class OutputError(RuntimeError):
    """The output folder cannot be used as asked; the message names it and what to do."""


def _schemas() -> dict[str, StructType]:
    from pyspark.sql.types import (
        ArrayType,
        BinaryType,
        LongType,
        StringType,
        StructField,
        StructType,
    )

    def fields(names: Iterable[str], types: dict[str, Any]) -> StructType:
        return StructType([StructField(n, types.get(n, StringType()), True) for n in names])

    texts = ArrayType(StringType())
    return {
        "articles": fields(
            ARTICLE_COLUMNS,
            {
                "ordinal": LongType(),
                "bands": ArrayType(LongType()),
                "signature": BinaryType(),
                "salient": texts,
            },
        ),
        "stories": fields(STORY_COLUMNS, {"article_ids": texts}),
        "errors": fields(ERROR_COLUMNS, {}),
        "terms": fields(TERM_COLUMNS, {"df": LongType()}),
    }


def article_row(
    ordinal: int, story: str, article: Article, fingerprint: Fingerprint, salient: list[str]
) -> tuple[Any, ...]:
    return (
        article.id, ordinal, story, article_record(article), list(fingerprint.bands),
        bytes(fingerprint.signature), salient,
    )  # fmt: skip


def _fs(spark: SparkSession, uri: str) -> tuple[Any, Any]:
    jvm = spark.sparkContext._jvm
    assert jvm is not None
    path = jvm.org.apache.hadoop.fs.Path(uri)
    return path.getFileSystem(spark.sparkContext._jsc.hadoopConfiguration()), path


def exists(spark: SparkSession, uri: str) -> bool:
    fs, path = _fs(spark, uri)
    return bool(fs.exists(path))


def read_run(spark: SparkSession, out: str) -> dict[str, Any] | None:
    """The `run.json` of an output folder, or None when there is none."""
    fs, path = _fs(spark, f"{out}/{RUN_FILE}")
    if not fs.exists(path):
        return None
    stream = fs.open(path)
    try:
        jvm = spark.sparkContext._jvm
        assert jvm is not None
        text = jvm.org.apache.commons.io.IOUtils.toString(stream, "UTF-8")
    finally:
        stream.close()
    return json.loads(text)


def write_tables(spark: SparkSession, out: str, rows: dict[str, RDD], run: dict[str, Any]) -> None:
    """Write each table's rows to `out/.next/`, move them into place, then `run.json`."""
    schemas = _schemas()
    staging = f"{out}/{STAGING}"
    for name in TABLES:
        frame = spark.createDataFrame(rows[name], schemas[name])
        frame.write.mode("overwrite").parquet(f"{staging}/{name}")
    fs, _ = _fs(spark, out)
    jvm = spark.sparkContext._jvm
    assert jvm is not None
    fs.delete(jvm.org.apache.hadoop.fs.Path(f"{out}/{RUN_FILE}"), False)
    for name in TABLES:
        target = jvm.org.apache.hadoop.fs.Path(f"{out}/{name}")
        fs.delete(target, True)
        fs.rename(jvm.org.apache.hadoop.fs.Path(f"{staging}/{name}"), target)
    fs.delete(jvm.org.apache.hadoop.fs.Path(staging), True)
    stream = fs.create(jvm.org.apache.hadoop.fs.Path(f"{out}/{RUN_FILE}"), True)
    try:
        stream.write(bytearray(json.dumps(run, indent=2, sort_keys=True).encode()))
    finally:
        stream.close()


def read_articles(spark: SparkSession, out: str) -> RDD:
    """(ordinal, Article, Fingerprint, story id) of every article of an earlier run."""
    frame = spark.read.parquet(f"{out}/articles")
    return frame.rdd.map(
        lambda r: (
            r["ordinal"],
            article_from_record(r["record"]),
            Fingerprint(tuple(r["bands"]), bytes(r["signature"])),
            r["story_id"],
        )
    )


def read_stories(spark: SparkSession, out: str) -> RDD:
    """(story id, row as a dict) of every story of an earlier run."""
    frame = spark.read.parquet(f"{out}/stories")
    return frame.rdd.map(lambda r: (r["id"], r.asDict()))


def stories_from_rows(
    rows: Iterable[tuple[dict[str, Any], list[Article]]],
) -> Iterator[Story]:
    for row, members in rows:
        yield story_from_row(row, {a.id: a for a in members})


def story_rows(stories: RDD) -> RDD:
    return stories.map(story_row)
