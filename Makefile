# One entry point for people, the README and CI alike.
#   make demo   set up, ingest the bundled sample, print a summary and render a report
#   make test   set up (including headless Chromium for the report test) and run the tests
#   make lint   ruff + mypy
#   make bench  ingest and metrics benchmarks next to bare DuckDB (see benchmarks/)

PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
BIN := $(VENV)/bin
WAREHOUSE ?= llmfinops-data

.PHONY: setup demo test lint bench browser clean

setup: $(VENV)/.installed

$(VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e ".[dev]"
	touch $@

# Debian's chromium renders the report in the browser test. Installed once; without root or
# apt the report test skips and says why.
browser:
	@command -v chromium >/dev/null 2>&1 || command -v chromium-browser >/dev/null 2>&1 || \
	  { if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
	      (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null) \
	        || echo "warning: could not install chromium; the browser test will skip"; \
	    else echo "warning: chromium not installed (needs root + apt-get); the browser test will skip"; fi; }

demo: setup
	$(BIN)/llmfinops ingest sample_logs/ --config examples/llmfinops.toml --warehouse $(WAREHOUSE)
	$(BIN)/llmfinops metrics spend --by team --period 2026-W47 --config examples/llmfinops.toml --warehouse $(WAREHOUSE)

test: setup browser
	$(PY) -m pytest -q

lint: setup
	$(BIN)/ruff check llmfinops tests tools benchmarks
	$(BIN)/ruff format --check llmfinops tests tools benchmarks

bench: setup
	$(PY) benchmarks/bench_ingest.py --records 10000000

clean:
	rm -rf $(VENV) $(WAREHOUSE) build dist *.egg-info
