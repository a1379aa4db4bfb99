# The newcomer path: `make demo` and `make test` do all the set-up themselves.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: demo test test-fast bench system-deps clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $(STAMP)

## demo: generate the sample site, crawl it twice (with changes between), serve the archive
demo: $(STAMP)
	$(BIN)/python scripts/demo.py

## test: install everything the full suite needs (Debian chromium, redis-server, wget) and run it
test: $(STAMP) system-deps
	$(BIN)/python -m pytest

## test-fast: the suite without the real-browser and redis tests, no Debian packages needed
test-fast: $(STAMP)
	$(BIN)/python -m pytest -m "not browser and not redis"

## bench: every benchmark, printing ratios against baselines measured in the same run
bench: $(STAMP)
	$(BIN)/python bench/run_all.py

system-deps:
	bash scripts/install-system-deps.sh

clean:
	rm -rf $(VENV) demo.db artifacts .pytest_cache .hypothesis
