# Two commands do all the set-up on a fresh machine: `make plan` and `make test`.
VENV  ?= .venv
ENV   ?= dev
PY    := $(VENV)/bin/python
STAMP := $(VENV)/.installed-stamp

.PHONY: install plan test lint bench clean checkov

$(STAMP): pyproject.toml requirements.txt
	python3 -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check --upgrade pip
	$(PY) -m pip install --quiet --disable-pip-version-check -e '.[dev]'
	touch $(STAMP)

install: $(STAMP)

## plan: the offline plan of ENV (default dev): inventory and summary in build/ENV/
plan: $(STAMP)
	$(VENV)/bin/mlplat plan $(ENV)

## lint: ruff lint and format check
lint: $(STAMP)
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

## checkov: checkov in its own virtualenv (it pins an old `packaging` the pulumi SDK cannot use)
CHECKOV_VENV  := .venv-checkov
CHECKOV_STAMP := $(CHECKOV_VENV)/.installed-stamp

$(CHECKOV_STAMP): requirements-checkov.txt
	python3 -m venv $(CHECKOV_VENV)
	$(CHECKOV_VENV)/bin/python -m pip install --quiet --disable-pip-version-check --upgrade pip
	$(CHECKOV_VENV)/bin/python -m pip install --quiet --disable-pip-version-check -r requirements-checkov.txt
	touch $(CHECKOV_STAMP)

checkov: $(CHECKOV_STAMP)

## test: every check CI runs
test: lint $(CHECKOV_STAMP)
	$(VENV)/bin/pytest -q -n auto

## bench: time and peak memory of `mlplat plan prod` against a bare-mocks floor
bench: $(STAMP)
	$(PY) bench/plan_bench.py

clean:
	rm -rf build .pytest_cache .ruff_cache
