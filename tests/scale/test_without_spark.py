"""What needs no Spark session: the local engine never imports PySpark, and the Spark
options are checked before anything starts."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from caseguard.cli import main
from caseguard.errors import UsageError
from caseguard.scale.session import parse_conf


def test_the_local_engine_imports_nothing_of_spark(small_bundle: Path, tmp_path: Path) -> None:
    script = (
        "import sys\n"
        "from caseguard.cli import main\n"
        "try:\n"
        f"    main(['audit', {str(small_bundle)!r}, '--out', {str(tmp_path)!r},"
        " '--report', 'none', '--no-language', '--workers', '1'])\n"
        "except SystemExit as exc:\n"
        "    assert exc.code == 0, exc.code\n"
        "assert not [m for m in sys.modules if m.startswith(('pyspark', 'py4j'))]\n"
    )
    subprocess.run([sys.executable, "-c", script], check=True, capture_output=True)
    assert (tmp_path / "cases.csv").is_file()


def test_parquet_outputs_need_the_spark_engine(small_bundle: Path, tmp_path: Path) -> None:
    args = ["audit", str(small_bundle), "--output-format", "parquet", "--out", str(tmp_path)]
    run = CliRunner().invoke(main, args)
    assert run.exit_code == 2
    assert "--output-format parquet needs --engine spark" in run.output


def test_the_spark_engine_audits_a_bundle_not_a_store(tmp_path: Path) -> None:
    db = tmp_path / "caseguard.db"
    db.write_bytes(b"")
    run = CliRunner().invoke(main, ["audit", str(db), "--engine", "spark", "--out", str(tmp_path)])
    assert run.exit_code == 2
    assert "--engine spark audits a bundle folder" in run.output


@pytest.mark.parametrize("pair", ["novalue", "=x"])
def test_spark_settings_are_key_value_pairs(pair: str) -> None:
    with pytest.raises(UsageError, match="KEY=VALUE"):
        parse_conf((pair,))
    assert parse_conf(("spark.executor.memory=8g",)) == {"spark.executor.memory": "8g"}
