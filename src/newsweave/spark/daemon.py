"""PySpark's Python worker daemon, with newsweave's stages imported before it forks.

Spark starts one daemon per executor and forks a Python worker from it for each concurrent
task (`spark.python.daemon.module` names this module instead of `pyspark.daemon`). A worker
forked from the plain daemon imports newsweave, spaCy, trafilatura and scikit-learn itself,
seconds each time; forked from this one, it starts with them imported (the pages shared
with the daemon until written).
"""

from pyspark import daemon

import newsweave.spark.analysis
import newsweave.spark.documents
import newsweave.spark.stories  # noqa: F401

if __name__ == "__main__":
    daemon.manager()
