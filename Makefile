# The two commands a newcomer needs: `make run` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
RUN_STAMP := $(VENV)/.installed-run
TEST_STAMP := $(VENV)/.installed-test

.PHONY: run test bench lint clean snapshot-update presets

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(RUN_STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e .
	touch $@

$(TEST_STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $@ $(RUN_STAMP)

run: $(RUN_STAMP)
	$(BIN)/gdtui $(ARGS)

test: $(TEST_STAMP)
	$(BIN)/lint-imports
	$(BIN)/python -m pytest $(PYTEST_ARGS)

bench: $(TEST_STAMP)
	$(BIN)/python -m benchmarks $(ARGS)

snapshot-update: $(TEST_STAMP)
	$(BIN)/python -m pytest tests/ui --snapshot-update

# After changing a preset or the code generator: precompile the presets again.
presets: $(TEST_STAMP)
	$(BIN)/python tools/compile_presets.py

clean:
	rm -rf $(VENV) build *.egg-info .pytest_cache .hypothesis
