"""The Spark session caseguard runs in: ``local[N]`` by default, or any master URL.

PySpark is an optional extra (``pip install 'caseguard[spark]'``): it is imported here,
only when the Spark engine runs. Spark's log is cut to errors (``log4j2.properties``
beside this file), its console progress bar is off, and times are UTC, so the
timestamps the bundle's cells give are never shifted by the machine's time zone.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING

from caseguard.errors import UsageError

if TYPE_CHECKING:
    from pyspark.sql import SparkSession

LOG_CONFIG = Path(__file__).with_name("log4j2.properties")
DEFAULT_MASTER = "local[*]"
BASE_CONF = {
    "spark.ui.showConsoleProgress": "false",
    "spark.sql.session.timeZone": "UTC",
    "spark.sql.execution.arrow.maxRecordsPerBatch": "50000",
    "spark.driver.extraJavaOptions": f"-Dlog4j2.configurationFile={LOG_CONFIG.as_uri()}",
    "spark.executor.extraJavaOptions": f"-Dlog4j2.configurationFile={LOG_CONFIG.as_uri()}",
}


def require_pyspark() -> None:
    """A clear usage error when PySpark (the ``spark`` extra) or Java is missing."""
    try:
        import pyspark  # noqa: F401
    except ImportError:
        raise UsageError(
            "--engine spark needs PySpark",
            hint="install the extra: pip install 'caseguard[spark]'",
        ) from None


def spark_session(master: str | None = None, conf: Mapping[str, str] | None = None) -> SparkSession:
    """The active session, or a new one on ``master`` with caseguard's settings."""
    require_pyspark()
    from pyspark.sql import SparkSession

    active = SparkSession.getActiveSession()
    if active is not None:
        return active
    chosen = master or DEFAULT_MASTER
    if chosen.startswith("local"):
        # Executors are this machine's Python, with caseguard installed beside PySpark.
        os.environ.setdefault("PYSPARK_PYTHON", sys.executable)
        os.environ.setdefault("SPARK_LOCAL_IP", "127.0.0.1")
    builder = SparkSession.builder.master(chosen).appName("caseguard")
    for key, value in {**BASE_CONF, **(conf or {})}.items():
        builder = builder.config(key, value)
    try:
        session = builder.getOrCreate()
    except Exception as exc:  # Java missing or the master unreachable: py4j's own errors
        raise UsageError(
            f"cannot start Spark on {chosen} ({type(exc).__name__})",
            hint="the Spark engine needs Java 17 or later (java -version) and a reachable master",
        ) from None
    session.sparkContext.setLogLevel("ERROR")
    return session


def parse_conf(pairs: tuple[str, ...]) -> dict[str, str]:
    """``--spark-conf KEY=VALUE`` pairs as a mapping."""
    conf: dict[str, str] = {}
    for pair in pairs:
        key, sep, value = pair.partition("=")
        if not sep or not key.strip():
            raise UsageError(f"--spark-conf {pair!r}: give KEY=VALUE")
        conf[key.strip()] = value
    return conf
