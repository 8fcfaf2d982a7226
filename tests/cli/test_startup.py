"""The command line starts without the heavy libraries: each command imports its own."""

from __future__ import annotations

import json
import subprocess
import sys

HEAVY = ("polars", "sqlalchemy", "pyarrow", "fastapi", "weasyprint", "alembic", "psycopg")


def _imported(code: str) -> list[str]:
    probe = f"{code}\nimport json, sys\nprint(json.dumps(sorted(sys.modules)))"
    out = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, check=True
    ).stdout
    modules = set(json.loads(out))
    return [name for name in HEAVY if name in modules]


def test_importing_the_cli_imports_no_heavy_library() -> None:
    assert _imported("import caseguard.cli") == []


def test_help_imports_no_heavy_library() -> None:
    code = (
        "from click.testing import CliRunner\n"
        "from caseguard.cli import main\n"
        "for args in ([], ['load'], ['audit'], ['serve'], ['report']):\n"
        "    assert CliRunner().invoke(main, [*args, '--help']).exit_code == 0"
    )
    assert _imported(code) == []


def test_a_command_still_imports_what_it_needs() -> None:
    """The probe itself can fail: a command that runs does import its libraries."""
    code = (
        "from click.testing import CliRunner\n"
        "from caseguard.cli import main\n"
        "CliRunner().invoke(main, ['validate', '/nonexistent-bundle'])"
    )
    assert "polars" in _imported(code) or "pyarrow" in _imported(code)


def test_the_concerns_default_k_is_the_libraries() -> None:
    from caseguard.cli.concerns_cmds import DEFAULT_K as SHOWN
    from caseguard.workflow.measures import DEFAULT_K

    assert SHOWN == DEFAULT_K
