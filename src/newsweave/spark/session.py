"""Starting Spark for newsweave: the same session whether on a laptop or a cluster."""

from __future__ import annotations

import os
import re
import sys
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from pyspark.sql import SparkSession

LOCAL_RETRIES = 4
"""Attempts per task in local mode, as a cluster's default (`spark.task.maxFailures`): Spark
runs a local task once unless the master says otherwise, and a worker killed mid-task would
then fail the job instead of being retried."""

_LOCAL = re.compile(r"local\[(\d+|\*)\]")


def with_retries(master: str) -> str:
    """`local[N]` as `local[N,LOCAL_RETRIES]`; any other master as it is."""
    found = _LOCAL.fullmatch(master.strip())
    return f"local[{found.group(1)},{LOCAL_RETRIES}]" if found else master


def under_spark_submit() -> bool:
    """Whether this process was started by `spark-submit`, which sets the master itself."""
    return "SPARK_SUBMIT_OPTS" in os.environ or os.environ.get("SPARK_ENV_LOADED") == "1"


def start(master: str | None = "local[*]", app: str = "newsweave") -> SparkSession:
    """A Spark session on `master` (None: the one `spark-submit` set, else `local[*]`), its
    Python workers running this interpreter unless `PYSPARK_PYTHON` says otherwise, and no
    web UI in local mode (nobody looks at it, and it takes a port)."""
    try:
        from pyspark.sql import SparkSession
    except ImportError as exc:  # the base install has no Spark
        raise RuntimeError(
            "PySpark is not installed: pip install 'newsweave[spark]' (it needs Java 17)"
        ) from exc
    os.environ.setdefault("PYSPARK_PYTHON", sys.executable)
    os.environ.setdefault("PYSPARK_DRIVER_PYTHON", sys.executable)
    builder = SparkSession.builder.appName(app)
    if master:
        builder = builder.master(with_retries(master))
        if master.startswith("local"):
            builder = builder.config("spark.ui.enabled", "false")
    # folders given as input are read whole, as `ingest` reads them; Spark's console
    # progress bars would interleave with newsweave's own output; Python workers are forked
    # with newsweave imported (`newsweave.spark.daemon`)
    builder = (
        builder.config("spark.hadoop.mapreduce.input.fileinputformat.input.dir.recursive", "true")
        .config("spark.ui.showConsoleProgress", "false")
        .config("spark.python.daemon.module", "newsweave.spark.daemon")
    )
    spark = builder.getOrCreate()
    spark.sparkContext.setLogLevel("ERROR")
    return spark
