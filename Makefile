# newsweave: `make demo` and `make test` work from a fresh clone (they create .venv themselves).
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
DB ?= newsweave.db
REPORT ?= report

.PHONY: demo test lint format install dev clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e .
	touch $@

$(VENV)/.dev-installed: pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e '.[dev]'
	sh scripts/setup-test-system.sh $(BIN)/python
	touch $@ $(VENV)/.installed

install: $(VENV)/.installed

dev: $(VENV)/.dev-installed

demo: install  ## set up, then run the main job on the bundled example and write the report
	$(BIN)/newsweave digest examples/assad-putin --db $(DB) --out $(REPORT)

test: dev  ## install the dev extras, run the whole suite
	$(BIN)/python -m pytest

lint: dev  ## ruff (lint and format) and mypy
	$(BIN)/ruff check src tests bench
	$(BIN)/ruff format --check src tests bench
	$(BIN)/mypy

format: dev
	$(BIN)/ruff format src tests bench
	$(BIN)/ruff check --fix src tests bench

clean:
	rm -rf $(VENV) $(REPORT) $(DB) $(DB)-wal $(DB)-shm .pytest_cache .ruff_cache
