# Set-up and everyday commands. `make run` and `make test` create the virtual environment on first use.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp

.PHONY: run test lint lint-fix bench clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev,ray]'
	touch $(STAMP)

run: $(STAMP)
	$(BIN)/upperback serve

test: $(STAMP)
	$(BIN)/python -m pytest $(PYTEST_ARGS)

# Lint, type check and docstring check, as CI runs them before the tests (config in pyproject.toml).
# Public functions of these packages need numpy-style docstrings (Parameters, Returns):
DOCUMENTED := $(wildcard src/upperback/kinematics/*.py src/upperback/form/*.py)
lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy
	$(BIN)/numpydoc lint $(DOCUMENTED)

# Apply ruff's safe fixes and its formatter, then list what is left to fix by hand.
lint-fix: $(STAMP)
	scripts/lint_fix.sh

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache
