# The README's commands. Each target sets up what it needs: a fresh machine needs only Python 3.11+.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP_RUN := $(VENV)/.installed-run
STAMP_TEST := $(VENV)/.installed-test
STAMP_DEV := $(VENV)/.installed-dev

.PHONY: demo test test-deep mutation lint typecheck docs bench clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(STAMP_RUN): pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e .
	touch $@

$(STAMP_TEST): pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $@ $(STAMP_RUN)

$(STAMP_DEV): pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $@ $(STAMP_TEST) $(STAMP_RUN)

## make demo: run the main job on the bundled sample data with the embedded SQLite store
demo: $(STAMP_RUN)
	$(BIN)/migrator demo --out demo-output

## make test: lint and type-check, then the whole test suite (PostgreSQL too when MIGRATOR_TEST_POSTGRES_URL is set)
test: $(STAMP_TEST)
	$(BIN)/ruff check .
	$(BIN)/mypy
	$(BIN)/python -m pytest -q

## make test-deep: the property-based (hypothesis) tests with ten times as many examples, drawn at random
test-deep: $(STAMP_TEST)
	HYPOTHESIS_PROFILE=deep $(BIN)/python -m pytest -q tests/jp/test_wareki.py tests/jp/test_ids.py \
		tests/inventory/test_values.py tests/planning/test_schedule_properties.py

## make mutation: plant one bug at a time in the rules users trust (mutmut, a sample of 50 per module;
## SAMPLE=0 for all), print the score per module and write the survivors to mutation-report.md. Slow: not in CI.
SAMPLE ?= 50
mutation: $(STAMP_DEV)
	$(BIN)/python tools/mutation.py --sample $(SAMPLE) $(if $(MODULE),--module $(MODULE))

lint: $(STAMP_TEST)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check migrator tests bench

typecheck: $(STAMP_TEST)
	$(BIN)/mypy

## make docs: regenerate the generated pages of docs/
docs: $(STAMP_TEST)
	$(BIN)/python -c "import sys; from migrator.catalogue import markdown; sys.stdout.write(markdown())" > docs/findings.md
	$(BIN)/python -c "import sys; from migrator.cli.reference import markdown; sys.stdout.write(markdown())" > docs/cli.md

clean:
	rm -rf $(VENV) mutants mutation-report.md demo-output .migrator .pytest_cache .ruff_cache .mypy_cache
