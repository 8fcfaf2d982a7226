"""Modules of the language package use each other's public names only (issue 14).

The written-sign detector reuses the screen's context checks; it calls them through
``caseguard.language.context``'s public surface, never through its private helpers.
"""

from __future__ import annotations

import ast
from pathlib import Path

import caseguard
from caseguard.language import context

PACKAGE = Path(caseguard.__file__).parent


def _private_imports(path: Path) -> list[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    return [
        f"{node.module}.{alias.name}"
        for node in ast.walk(tree)
        if isinstance(node, ast.ImportFrom) and (node.module or "").startswith("caseguard")
        for alias in node.names
        if alias.name.startswith("_") and not alias.name.endswith("__")
    ]


def test_no_module_imports_another_modules_private_names() -> None:
    found = {
        str(path.relative_to(PACKAGE)): names
        for path in sorted(PACKAGE.rglob("*.py"))
        if (names := _private_imports(path))
    }
    assert found == {}


def test_the_context_checks_are_public_and_documented() -> None:
    for name in ("ordinary_sense", "challenged", "negated", "attributed", "Around", "NoteText"):
        check = getattr(context, name)
        assert check.__doc__, name
        assert name in (context.__doc__ or ""), name
