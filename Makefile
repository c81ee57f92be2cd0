# Two commands set everything up on a fresh machine:
#   make run   the platform on http://127.0.0.1:5000 (SQLite, embedded graph, demo content)
#   make test  ruff and the whole test suite against real PostgreSQL, Neo4j and Chromium

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
INSTALLED := $(VENV)/.installed

.PHONY: run test lint install clean

$(INSTALLED): requirements.txt pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --disable-pip-version-check -r requirements.txt
	$(BIN)/pip install --quiet --disable-pip-version-check --no-deps --no-build-isolation -e .
	touch $(INSTALLED)

install: $(INSTALLED)

run: $(INSTALLED)
	$(BIN)/almpo db upgrade
	$(BIN)/almpo demo load
	$(BIN)/almpo run --host 127.0.0.1 --port 5000

test: $(INSTALLED)
	tools/test.sh

lint: $(INSTALLED)
	$(BIN)/ruff check .

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache test-artifacts *.egg-info
