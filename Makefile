# Strata: `make run` sets up everything and runs the main job; `make test` runs the whole suite.
SHELL := /bin/bash
VENV := .venv
BIN := $(VENV)/bin
PYTHON ?= python3

# Tests use their own Neo4j home and ports, so they never touch the data of `make run`. The
# suite runs against both supported Neo4j lines (graph/local/lines.py), one server at a time.
LINES := 5.26 2026.01
# TEST_HOME and TEST_PORTS (bolt, http of 5.26, then of 2026.01) let two checkouts test at once.
TEST_HOME ?= $(HOME)/.cache/strata/neo4j-test
TEST_PORTS ?= 17687 17474 17688 17475
port = $(word $(1),$(TEST_PORTS))
TEST_ENV_5.26 := STRATA_NEO4J_VERSION=5.26 STRATA_NEO4J_HOME=$(TEST_HOME) \
	STRATA_NEO4J_BOLT_PORT=$(call port,1) STRATA_NEO4J_HTTP_PORT=$(call port,2) \
	STRATA_NEO4J_URI= STRATA_API_KEYS=
TEST_ENV_2026.01 := STRATA_NEO4J_VERSION=2026.01 STRATA_NEO4J_HOME=$(TEST_HOME)-2026.01 \
	STRATA_NEO4J_BOLT_PORT=$(call port,3) STRATA_NEO4J_HTTP_PORT=$(call port,4) \
	STRATA_NEO4J_URI= STRATA_API_KEYS=
TEST_ENV := $(TEST_ENV_5.26)

# (integration-<line> and install-<line> are pattern rules: make skips those for .PHONY names.)
.SECONDARY: $(addprefix install-,$(LINES))
.PHONY: setup run test lint unit integration fuzz stop clean browser-deps

setup: $(VENV)/.installed
	$(BIN)/strata neo4j install

install-%: $(VENV)/.installed
	STRATA_NEO4J_VERSION=$* $(BIN)/strata neo4j install

$(VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip
	$(BIN)/pip install -q -e '.[dev,bench]'
	touch $@

# Debian's Chromium for the dashboard's browser tests (no browser download at run time).
browser-deps:
	@command -v chromium >/dev/null || { \
		if [ "$$(id -u)" = 0 ]; then apt-get update -qq && apt-get install -y -qq chromium chromium-driver >/dev/null; \
		else sudo apt-get update -qq && sudo apt-get install -y -qq chromium chromium-driver >/dev/null; fi; }

run: setup
	$(BIN)/strata demo

lint: $(VENV)/.installed
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy

unit: $(VENV)/.installed
	$(BIN)/pytest tests/unit -q

# Everything that needs Neo4j (integration and browser tests) against one line, then its
# server is stopped so the next line has the memory.
integration-%: install-% browser-deps
	$(TEST_ENV_$*) $(BIN)/strata neo4j start
	$(TEST_ENV_$*) $(BIN)/pytest -q --ignore=tests/unit
	$(TEST_ENV_$*) $(BIN)/strata neo4j stop

integration: $(addprefix integration-,$(LINES))

# Unit tests once, then the rest against every line.
test: setup browser-deps lint unit integration

# Schemathesis drawing new examples (not the suite's fixed sample), bounded per operation.
fuzz: setup
	$(TEST_ENV) $(BIN)/strata neo4j start
	STRATA_FUZZ_EXPLORE=1 STRATA_FUZZ_EXAMPLES=$${STRATA_FUZZ_EXAMPLES:-150} $(TEST_ENV) \
		$(BIN)/pytest tests/integration/test_api_fuzz.py -q

stop:
	-$(BIN)/strata neo4j stop
	-$(TEST_ENV_5.26) $(BIN)/strata neo4j stop
	-$(TEST_ENV_2026.01) $(BIN)/strata neo4j stop

clean: stop
	rm -rf $(VENV) *.egg-info
