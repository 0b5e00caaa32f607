# The two commands of the README: `make run` and `make test`. Everything else is a step of theirs.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-stamp
HOST   ?= 127.0.0.1
PORT   ?= 8000

.PHONY: run test install index bench clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[test]'
	touch $(STAMP)

install: $(STAMP)

## Build the index from corpus/ (when missing or stale) and serve it on http://$(HOST):$(PORT)
run: install
	$(BIN)/concord serve --host $(HOST) --port $(PORT)

## Run the whole test suite
test: install
	$(BIN)/python -m pytest

index: install
	$(BIN)/concord build

## Benchmarks, on demand (not part of the tests)
bench: install
	$(BIN)/python bench/run.py

clean:
	rm -rf var .pytest_cache
