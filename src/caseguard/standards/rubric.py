"""The rubric: every threshold, severity and grade rule, as data.

The shipped ``rubric.yaml`` is the default and also the schema: a rubric file is
merged over it key by key, and every key it names must exist in the default with a
value of the same shape. Thresholds (``days``, ``hours``, ...) must be positive
numbers, severities one of ``critical``, ``major``, ``minor``, categories from the
bundle's vocabulary. Any problem is a ``ConfigError`` naming the key.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

import yaml

from caseguard.bundle.schema import CATEGORY
from caseguard.errors import ConfigError
from caseguard.standards.records import Severity

SEVERITIES = tuple(s.value for s in Severity)


@cache
def _default_text() -> str:
    return resources.files("caseguard.standards").joinpath("rubric.yaml").read_text("utf-8")


def default_rubric_data() -> dict[str, Any]:
    data = yaml.safe_load(_default_text())
    assert isinstance(data, dict)
    return data


@dataclass(frozen=True)
class RuleParams:
    """One rule's part of the rubric."""

    rule: str
    values: Mapping[str, Any]

    @property
    def categories(self) -> tuple[str, ...]:
        return tuple(self.values.get("categories", CATEGORY))

    def number(self, key: str) -> float:
        return float(self.values[key])

    def count(self, key: str) -> int:
        return int(self.values[key])

    def days(self, key: str = "days") -> dt.timedelta:
        return dt.timedelta(days=self.number(key))

    def hours(self, key: str = "hours") -> dt.timedelta:
        return dt.timedelta(hours=self.number(key))

    def severity(self, tier: str | None = None) -> Severity:
        value = self.values["severity"]
        if isinstance(value, Mapping):
            return Severity(value[tier] if tier else next(iter(value.values())))
        return Severity(value)


@dataclass(frozen=True)
class Rubric:
    data: Mapping[str, Any]
    source: str = "default"

    def rule(self, rule_id: str) -> RuleParams:
        return RuleParams(rule_id, self.data["rules"].get(rule_id, {}))

    @property
    def grades(self) -> Mapping[str, Mapping[str, int]]:
        grades: Mapping[str, Mapping[str, int]] = self.data["grades"]
        return grades


def load_rubric(path: str | Path | None = None) -> Rubric:
    """The default rubric, with the file at ``path`` (YAML) merged over it."""
    default = default_rubric_data()
    if path is None:
        return Rubric(default)
    try:
        text = Path(path).read_text(encoding="utf-8")
        override = yaml.safe_load(text)
    except OSError as exc:
        raise ConfigError(f"cannot read the rubric: {exc.strerror}", path=str(path)) from None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" at line {mark.line + 1}" if mark is not None else ""
        raise ConfigError(f"the rubric is not valid YAML{where}", path=str(path)) from None
    if override is None:
        return Rubric(default, str(path))
    try:
        return Rubric(merge_rubric(default, override), str(path))
    except ConfigError as exc:
        exc.path = str(path)
        raise


def merge_rubric(default: Mapping[str, Any], override: object) -> dict[str, Any]:
    """``override`` merged over ``default``, checked against its shape."""
    merged = _merge(default, override, "")
    assert isinstance(merged, dict)
    return merged


def _merge(default: object, override: object, key: str) -> object:
    if isinstance(default, Mapping):
        return _merge_mapping(default, override, key)
    return _check_leaf(default, override, key)


def _merge_mapping(default: Mapping[str, Any], override: object, key: str) -> dict[str, Any]:
    if key.endswith("severity") and isinstance(override, str):
        override = {tier: override for tier in default}  # one severity for every tier
    if not isinstance(override, Mapping):
        raise ConfigError("must be a mapping of keys to values", key=key or "rubric")
    out = dict(default)
    for name, value in override.items():
        sub = f"{key}.{name}" if key else str(name)
        if name not in default:
            raise ConfigError("unknown key", key=sub)
        out[name] = _merge(default[name], value, sub)
    return out


def _check_leaf(default: object, value: object, key: str) -> object:
    last = key.rsplit(".", 1)[-1]
    if last == "categories":
        return _check_categories(value, key)
    if isinstance(default, str) or ".severity" in key:
        if value not in SEVERITIES:
            raise ConfigError(f"must be one of {', '.join(SEVERITIES)}", key=key)
        return value
    if isinstance(default, int | float) and not isinstance(default, bool):
        if isinstance(value, bool) or not isinstance(value, int | float) or value <= 0:
            raise ConfigError("must be a positive number", key=key)
        return value
    if type(value) is not type(default):
        raise ConfigError(f"must be a {type(default).__name__}", key=key)
    return value


def _check_categories(value: object, key: str) -> list[str]:
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise ConfigError("must be a list of case categories", key=key)
    unknown = [v for v in value if v not in CATEGORY]
    if unknown:
        raise ConfigError(f"unknown category {unknown[0]!r} (use {', '.join(CATEGORY)})", key=key)
    return list(value)
