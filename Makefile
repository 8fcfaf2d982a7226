# One task runner: the README and .ci/run call these targets.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

.PHONY: demo test lint typecheck unit bench browser docs clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $(STAMP)

## demo: set up and run the main job on the embedded synthetic default
demo: $(STAMP)
	$(BIN)/caseguard demo --out demo

## browser: Chromium for the report/web tests, and HarfBuzz's subsetter for WeasyPrint's PDF
## fonts (Debian packages; nothing is downloaded at run time)
browser:
	@missing=""; \
	command -v chromium >/dev/null 2>&1 || missing="chromium"; \
	ldconfig -p | grep -q 'libharfbuzz-subset\.so\.0' || missing="$$missing libharfbuzz-subset0"; \
	if [ -n "$$missing" ]; then \
	  if [ "$$(id -u)" = 0 ]; then apt-get update -qq && apt-get install -y -qq $$missing >/dev/null; \
	  else echo "not installed:$$missing (browser tests are skipped; PDF fonts are not subset)"; fi; fi

## test: set up and run every check (lint, types, tests)
test: $(STAMP) browser lint typecheck unit

lint: $(STAMP)
	$(BIN)/ruff check src tests bench
	$(BIN)/ruff format --check src tests bench

typecheck: $(STAMP)
	$(BIN)/mypy

unit: $(STAMP)
	$(BIN)/pytest

## bench: every benchmark; results are written to docs/benchmarks.md
bench: $(STAMP)
	$(BIN)/python -m bench

docs: $(STAMP)
	$(BIN)/python -m caseguard.docs

clean:
	rm -rf $(VENV) demo out .pytest_cache .mypy_cache .ruff_cache
