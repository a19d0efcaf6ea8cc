"""The input files, listed on the driver and read by the `ingest` readers in the tasks.

Local paths (plain or `file:`) are walked as `newsweave ingest` walks them and read from
disk in the tasks, streamed as `ingest` streams them: on a cluster they must be on a file
system every executor mounts. Any other URI (`hdfs://`, `s3a://`, what the cluster's Hadoop
reads) is listed through Spark's Hadoop file system and its files' bytes handed to the same
readers. A document's ordinal is its file's rank in the listing times `FILE_SPAN` plus its
place in the file: the order `ingest` reads (and stores) them in, so "first" means the same
on both engines.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import urlparse

from newsweave.ingest import IngestError, Item, files_under, read_file

if TYPE_CHECKING:
    from pyspark import RDD
    from pyspark.sql import SparkSession

FILE_SPAN = 1 << 32
"""Ordinals a file's documents may take: a file holds fewer than four billion documents."""
GZIP_RATIO = 4
"""About how much a gzipped file of news grows when read: what sizing partitions assumes."""


def read_size(name: str, size: int) -> int:
    return size * GZIP_RATIO if name.endswith(".gz") else size


@dataclass(slots=True)
class Inputs:
    """What a run reads: local files and other URIs, each with its rank, and the paths that
    could not be listed (as errors, named as `ingest` names them)."""

    local: list[tuple[int, str]] = field(default_factory=list)
    remote: list[tuple[int, str]] = field(default_factory=list)
    errors: list[IngestError] = field(default_factory=list)
    size: int = 0
    """The files' bytes as read (a gzipped file counted `GZIP_RATIO` times its size)."""

    @property
    def files(self) -> int:
        return len(self.local) + len(self.remote)


def is_local(uri: str) -> bool:
    scheme = urlparse(uri).scheme
    return scheme in ("", "file") or len(scheme) == 1  # a Windows drive letter


def local_path(uri: str) -> str:
    return urlparse(uri).path if uri.startswith("file:") else uri


def list_inputs(spark: SparkSession, uris: Sequence[str], first_rank: int = 0) -> Inputs:
    """Every file under `uris`, in `ingest`'s order, ranked from `first_rank`."""
    found = Inputs()
    rank = first_rank
    for uri in uris:
        if is_local(uri):
            for item in files_under([local_path(uri)]):
                if isinstance(item, IngestError):
                    found.errors.append(item)
                else:
                    found.local.append((rank, str(item)))
                    found.size += read_size(item.name, _size(item))
                    rank += 1
            continue
        listed = _hadoop_files(spark, uri)
        if isinstance(listed, IngestError):
            found.errors.append(listed)
            continue
        for name, size in listed:
            found.remote.append((rank, name))
            found.size += read_size(name, size)
            rank += 1
    return found


def _size(path: Path) -> int:
    try:
        return path.stat().st_size
    except OSError:  # its reader will say why it cannot be read
        return 0


def _hadoop_files(spark: SparkSession, uri: str) -> list[tuple[str, int]] | IngestError:
    """The files under `uri` on its Hadoop file system and their sizes, sorted, hidden ones
    (`.`, `_`) left out as Spark and `ingest` leave them."""
    jvm = spark.sparkContext._jvm
    assert jvm is not None
    try:
        path = jvm.org.apache.hadoop.fs.Path(uri)
        fs = path.getFileSystem(spark.sparkContext._jsc.hadoopConfiguration())
        if not fs.exists(path):
            return IngestError(uri, "no such file or directory")
        files = []
        listing = fs.listFiles(path, True)
        while listing.hasNext():
            status = listing.next()
            name = status.getPath().toString()
            parts = name[len(uri) :].split("/") if name.startswith(uri) else [name.rsplit("/")[-1]]
            if not any(p.startswith((".", "_")) for p in parts if p):
                files.append((name, int(status.getLen())))
        return sorted(files)
    except Exception as exc:  # py4j wraps the file system's own errors
        reason = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        return IngestError(uri, f"cannot be listed ({reason})")


def read_documents(spark: SparkSession, inputs: Inputs, partitions: int) -> RDD:
    """(ordinal, Item) for every document of `inputs`, spread over `partitions`."""
    sc = spark.sparkContext
    parts = []
    if inputs.local:
        slices = max(1, min(len(inputs.local), partitions))
        parts.append(sc.parallelize(inputs.local, slices).flatMap(_read_local))
    if inputs.remote:
        ranks = sc.broadcast(dict((name, rank) for rank, name in inputs.remote))
        files = sc.binaryFiles(",".join(name for _, name in inputs.remote), partitions)
        parts.append(files.flatMap(lambda kv: _read_bytes(ranks.value[kv[0]], kv[0], kv[1])))
    if inputs.errors:
        parts.append(sc.parallelize([(-1, e) for e in inputs.errors], 1))
    if not parts:
        return sc.emptyRDD()
    documents = sc.union(parts) if len(parts) > 1 else parts[0]
    return documents.repartition(partitions)


def _numbered(rank: int, items: Iterator[Item]) -> Iterator[tuple[int, Item]]:
    for n, item in enumerate(items):
        yield rank * FILE_SPAN + n, item


def _read_local(ranked: tuple[int, str]) -> Iterator[tuple[int, Item]]:
    rank, path = ranked
    return _numbered(rank, read_file(Path(path)))


def _read_bytes(rank: int, uri: str, data: bytes) -> Iterator[tuple[int, Item]]:
    """A remote file's documents: its bytes written to a local file of the same name, so the
    readers detect, decompress and stream it as they do any file, and named by `uri`."""
    name = uri.rstrip("/").rsplit("/", 1)[-1] or "input"
    with tempfile.TemporaryDirectory(prefix="newsweave-") as folder:
        local = os.path.join(folder, name)
        with open(local, "wb") as handle:
            handle.write(data)
        for ordinal, item in _numbered(rank, read_file(Path(local))):
            yield ordinal, replace(item, source=item.source.replace(local, uri, 1))
