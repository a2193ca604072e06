# The README's first two commands: `make run` and `make test`. Both build .venv from scratch when needed.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: run test bench system-deps clean

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $(STAMP)

# Debian packages the product needs (CJK fonts and Pango for PDF letters, Chromium for browser tests,
# PostgreSQL for the store's second backend). Installs only what is missing, and only as root.
system-deps:
	@bash scripts/system-deps.sh

run: $(STAMP) system-deps
	$(BIN)/jiesu demo --serve

# Two workers: CI and developers' machines have two cores.
test: $(STAMP) system-deps
	$(BIN)/python -m pytest -n 2

bench: $(STAMP) system-deps
	$(BIN)/python -m bench

clean:
	rm -rf $(VENV) .pytest_cache .hypothesis
