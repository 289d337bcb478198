"""One way to start Spark with delta-spark for every peer script, and the CI jar warm-up.

Usage as a script: spark_session.py --warm   (resolves the Delta jars into the ivy cache once)
The ivy cache comes from LAKEHOUSE_SPARK_IVY (default <repo>/.cache/ivy) so CI downloads the jars
from Maven Central once, and later runs resolve them offline from that directory.
"""
from __future__ import annotations

import os
import sys

REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def ivy_dir() -> str:
    return os.environ.get("LAKEHOUSE_SPARK_IVY") or os.path.join(REPO, ".cache", "ivy")


def start_spark(app_name: str):
    from delta import configure_spark_with_delta_pip
    from pyspark.sql import SparkSession

    builder = (
        SparkSession.builder.master("local[2]")
        .appName(app_name)
        .config("spark.driver.memory", "2g")
        .config("spark.jars.ivy", ivy_dir())
        .config("spark.sql.extensions", "io.delta.sql.DeltaSparkSessionExtension")
        .config("spark.sql.catalog.spark_catalog", "org.apache.spark.sql.delta.catalog.DeltaCatalog")
        .config("spark.sql.session.timeZone", "UTC")
        .config("spark.sql.shuffle.partitions", "2")
        .config("spark.default.parallelism", "2")
        # Delta's state reconstruction defaults to 50 partitions: far too many tasks for tiny tables.
        .config("spark.databricks.delta.snapshotPartitions", "2")
        # Adaptive execution only adds planning work on tables this small.
        .config("spark.sql.adaptive.enabled", "false")
        .config("spark.ui.enabled", "false")
        .config("spark.ui.showConsoleProgress", "false")
        .config("spark.sql.warehouse.dir", os.path.join(REPO, ".cache", "spark-warehouse"))
        .config("spark.driver.extraJavaOptions", f"-Dderby.system.home={os.path.join(REPO, '.cache', 'derby')}")
    )
    spark = configure_spark_with_delta_pip(builder).getOrCreate()
    spark.sparkContext.setLogLevel("ERROR")
    return spark


if __name__ == "__main__":
    if sys.argv[1:] != ["--warm"]:
        sys.exit("usage: spark_session.py --warm")
    session = start_spark("lakehouse-warm")
    print(f"spark {session.version} with delta ready, ivy cache {ivy_dir()}")
    session.stop()
