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

# Each test folder runs in its own process, so no folder passes because another one
# filled a cache or imported something first.  `make test PYTEST_ARGS=tests/ui/test_x.py`
# runs just what you name.
TEST_DIRS := $(sort $(patsubst %/,%,$(dir $(wildcard tests/*/test_*.py))))

test: $(TEST_STAMP)
	$(BIN)/lint-imports
ifeq ($(strip $(PYTEST_ARGS)),)
	@failed=""; for d in $(TEST_DIRS); do \
	  echo "=== $$d"; $(BIN)/python -m pytest $$d || failed="$$failed $$d"; \
	done; \
	if [ -n "$$failed" ]; then echo "FAILED in:$$failed"; exit 1; fi; \
	echo "all test folders passed: $(TEST_DIRS)"
else
	$(BIN)/python -m pytest $(PYTEST_ARGS)
endif

bench: $(TEST_STAMP)
	$(BIN)/python -m benchmarks $(ARGS)

snapshot-update: $(TEST_STAMP)
	$(BIN)/python -m pytest tests/ui --snapshot-update

# After changing a preset or the code generator: precompile the presets again.
presets: $(TEST_STAMP)
	$(BIN)/python tools/compile_presets.py

clean:
	rm -rf $(VENV) build *.egg-info .pytest_cache .hypothesis
