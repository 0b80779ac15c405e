# The two quick-start commands (README): `make build` and `make test`. Both create the Python
# environment first when it is missing or older than requirements.txt.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
DBT := DBT_PROFILES_DIR=$(CURDIR) DBT_SEND_ANONYMOUS_USAGE_STATS=false $(BIN)/dbt

.PHONY: build test env lint demo-data clean

env: $(VENV)/.installed

$(VENV)/.installed: requirements.txt requirements.lock
	@$(PYTHON) -c 'import sys; assert sys.version_info[:2] == (3, 11), "Python 3.11 is required, found " + sys.version.split()[0]'
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --disable-pip-version-check -r requirements.txt -c requirements.lock
	@touch $@

## Build the warehouse (warehouse/aftersales.duckdb, or $$AFTERSALES_DB) on the shipped demo data.
build: env
	$(DBT) build

## Every test: lint, the generator's unit tests and the end-to-end dbt builds with all dbt tests.
test: env lint
	$(BIN)/pytest

lint: env
	$(BIN)/ruff check scripts tests/python
	$(BIN)/ruff format --check scripts tests/python

## Regenerate the demo seeds (seeds/raw) from the generator; see README.
demo-data: env
	$(BIN)/python scripts/generate_data.py --stores 6 --months 24 --start 2024-01 --seed 42 \
		--format csv --out seeds/raw

clean:
	rm -rf target logs
