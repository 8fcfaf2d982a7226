# One task runner: the README and .ci/run call these targets.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

WEB_VENDOR := src/caseguard/web/static/vendor
WEB_STAMP  := $(WEB_VENDOR)/.installed

.PHONY: demo test lint typecheck unit bench browser java docs clean web-assets

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $(STAMP)

## web-assets: GOV.UK Frontend and htmx (pinned in package-lock.json) for the web app, and
## axe-core for its accessibility tests; copied into the git-ignored static/vendor folder
$(WEB_STAMP): package.json package-lock.json
	@command -v npm >/dev/null 2>&1 || { \
	  if [ "$$(id -u)" = 0 ]; then apt-get update -qq && apt-get install -y -qq npm >/dev/null; \
	  else echo "npm is needed for the web app's front-end packages: install Node.js and npm"; exit 2; fi; }
	npm ci --no-audit --no-fund --ignore-scripts --loglevel=error
	rm -rf $(WEB_VENDOR)
	mkdir -p $(WEB_VENDOR)/govuk $(WEB_VENDOR)/htmx
	cp node_modules/govuk-frontend/dist/govuk/govuk-frontend.min.css \
	   node_modules/govuk-frontend/dist/govuk/govuk-frontend.min.js $(WEB_VENDOR)/govuk/
	cp -r node_modules/govuk-frontend/dist/govuk/assets $(WEB_VENDOR)/govuk/assets
	cp node_modules/htmx.org/dist/htmx.min.js $(WEB_VENDOR)/htmx/
	touch $(WEB_STAMP)

web-assets: $(WEB_STAMP)

## demo: set up and run the main job on the embedded synthetic default
demo: $(STAMP) $(WEB_STAMP)
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

## java: a Java runtime for the Spark engine's tests (Debian's OpenJDK 17; nothing is
## downloaded at run time). Without root, the Spark tests are skipped, saying why.
java:
	@command -v java >/dev/null 2>&1 || { \
	  if [ "$$(id -u)" = 0 ]; then apt-get update -qq && apt-get install -y -qq openjdk-17-jre-headless >/dev/null; \
	  else echo "not installed: java (openjdk-17-jre-headless); the Spark tests are skipped"; fi; }

## test: set up and run every check (lint, types, tests)
test: $(STAMP) $(WEB_STAMP) browser java lint typecheck unit

lint: $(STAMP)
	$(BIN)/ruff check src tests bench
	$(BIN)/ruff format --check src tests bench

typecheck: $(STAMP)
	$(BIN)/mypy

unit: $(STAMP) $(WEB_STAMP)
	$(BIN)/pytest

## bench: every benchmark; results are written to docs/benchmarks.md
bench: $(STAMP)
	$(BIN)/python -m bench

docs: $(STAMP)
	$(BIN)/python -m caseguard.docs

clean:
	rm -rf $(VENV) demo out .pytest_cache .mypy_cache .ruff_cache node_modules $(WEB_VENDOR)
