# One entry point for people, the README and CI alike.
#   make demo   set up, ingest the bundled sample, print a summary and render a report
#   make test   set up (including headless Chromium, Java 17 and the Spark/Iceberg extras) and run the tests
#   make lint   ruff + mypy
#   make bench  ingest and metrics benchmarks next to bare DuckDB (see benchmarks/)

PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
BIN := $(VENV)/bin
WAREHOUSE ?= llmfinops-data

.PHONY: setup demo test lint bench browser spark focus-validator clean

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

# --engine spark and publish --iceberg: the [spark] and [iceberg] extras (pyspark builds from a
# 456 MB source archive the first time, ~70 s, then pip's cache has the wheel) and Debian's Java 17
# for the local Spark of the tests. No jar is downloaded at run time. Without root or apt the
# Spark tests skip and say why.
spark: $(VENV)/.spark-installed
	@command -v java >/dev/null 2>&1 || \
	  { if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
	      (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq openjdk-17-jre-headless >/dev/null) \
	        || echo "warning: could not install Java 17; the Spark tests will skip"; \
	    else echo "warning: Java not installed (needs root + apt-get); the Spark tests will skip"; fi; }

$(VENV)/.spark-installed: $(VENV)/.installed
	$(PY) -m pip install --quiet -e ".[dev,spark,iceberg]"
	touch $@

# The FinOps Foundation's FOCUS validator checks `llmfinops export --focus` (tests/test_focus_export.py).
# It needs Python >= 3.12, so it gets its own venv built with the first such Python found (pyenv's,
# else python3.12/3.13/... on PATH). Its numpy<2 pin breaks the pyarrow it installs: numpy>=2 after.
# Without Python >= 3.12 the FOCUS validator test skips and says why.
FOCUS_VENV ?= .venv-focus

focus-validator: $(FOCUS_VENV)/.installed

$(FOCUS_VENV)/.installed:
	@py=""; \
	for c in $$(ls -d "$$(pyenv root 2>/dev/null)"/versions/3.1[2-9]*/bin/python 2>/dev/null) \
	         python3.12 python3.13 python3.14 python3; do \
	  if "$$c" -c 'import sys; sys.exit(sys.version_info < (3, 12))' >/dev/null 2>&1; then py="$$c"; break; fi; \
	done; \
	if [ -z "$$py" ]; then echo "warning: no Python >= 3.12 found; the FOCUS validator test will skip"; exit 0; fi; \
	rm -rf $(FOCUS_VENV) && "$$py" -m venv $(FOCUS_VENV) && \
	$(FOCUS_VENV)/bin/python -m pip install --quiet "focus-validator==2.2.1" && \
	$(FOCUS_VENV)/bin/python -m pip install --quiet "numpy>=2" && \
	touch $@

demo: setup
	$(BIN)/llmfinops ingest sample_logs/ --config examples/llmfinops.toml --warehouse $(WAREHOUSE)
	$(BIN)/llmfinops metrics spend --by team --period 2026-W47 --config examples/llmfinops.toml --warehouse $(WAREHOUSE)
	$(BIN)/llmfinops report --period 2026-W47 --config examples/llmfinops.toml --warehouse $(WAREHOUSE)

test: setup browser spark focus-validator
	$(PY) -m pytest -q

lint: setup
	$(BIN)/ruff check llmfinops tests tools benchmarks
	$(BIN)/ruff format --check llmfinops tests tools benchmarks
	$(BIN)/mypy llmfinops

bench: setup
	$(PY) benchmarks/bench_ingest.py --records 10000000

clean:
	rm -rf $(VENV) $(WAREHOUSE) build dist *.egg-info
