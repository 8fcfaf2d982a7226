"""One Spark session (``local[2]``) for every Spark test of the run, tuned for tiny data.

Spark needs Java: where there is none (``make test`` installs Debian's
``openjdk-17-jre-headless`` when it can), the Spark tests are skipped, saying why.
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from typing import TYPE_CHECKING

import pytest

if TYPE_CHECKING:
    from pyspark.sql import SparkSession

TEST_CONF = {
    "spark.sql.shuffle.partitions": "2",
    "spark.default.parallelism": "2",
    "spark.ui.enabled": "false",
    "spark.sql.adaptive.enabled": "false",  # tiny data: re-planning costs more than it saves
    "spark.driver.memory": "1g",
    "spark.python.worker.reuse": "true",
}


@pytest.fixture(scope="session")
def spark() -> Iterator[SparkSession]:
    if shutil.which("java") is None:
        pytest.skip("Spark tests need Java: install openjdk-17-jre-headless (make test does)")
    from caseguard.scale.session import spark_session

    session = spark_session("local[2]", TEST_CONF)
    yield session
    session.stop()
