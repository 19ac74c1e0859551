# Two commands do all the set-up on a fresh machine: `make plan` and `make test`.
VENV  ?= .venv
ENV   ?= dev
PY    := $(VENV)/bin/python
STAMP := $(VENV)/.installed-stamp

.PHONY: install plan test test-fast lint bench clean checkov graphviz

$(STAMP): pyproject.toml requirements.txt core/pyproject.toml
	python3 -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check --upgrade pip
	$(PY) -m pip install --quiet --disable-pip-version-check -e ./core -e '.[dev]'
	touch $(STAMP)

install: $(STAMP) graphviz

## graphviz: Graphviz's `dot` lays out `mlplat diagram` (PNG, SVG). No maintained PyPI wheel bundles it for
## Linux x86-64, so it comes from the system's packages: apt-get as root (CI), else sudo, else a warning
## (the plan still writes the Mermaid diagram).
graphviz:
	@command -v dot >/dev/null 2>&1 || { \
	  if command -v apt-get >/dev/null 2>&1 && [ "$$(id -u)" = 0 ]; then \
	    echo "installing graphviz (apt-get)"; \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq graphviz >/dev/null; \
	  elif command -v apt-get >/dev/null 2>&1 && command -v sudo >/dev/null 2>&1; then \
	    echo "installing graphviz (sudo apt-get)"; \
	    sudo apt-get update -qq && sudo DEBIAN_FRONTEND=noninteractive apt-get install -y -qq graphviz >/dev/null; \
	  else \
	    echo "warning: Graphviz's dot is missing and cannot be installed here: install graphviz for diagram.png" >&2; \
	  fi; }

## plan: the offline plan of ENV (default dev): inventory and summary in build/ENV/
plan: $(STAMP) graphviz
	$(VENV)/bin/mlplat plan $(ENV)

## lint: ruff lint and format check; the import contracts; mypy; the workflows against GitHub's schemas
## (offline, vendored) and zizmor's audit
lint: $(STAMP)
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	PYTHONPATH=policies $(VENV)/bin/lint-imports
	$(VENV)/bin/check-jsonschema --builtin-schema vendor.github-workflows .github/workflows/*.yml
	$(VENV)/bin/check-jsonschema --builtin-schema vendor.github-actions .github/actions/*/action.yml
	$(VENV)/bin/check-jsonschema --builtin-schema vendor.dependabot .github/dependabot.yml
	$(VENV)/bin/zizmor --offline .github

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
test: lint graphviz $(CHECKOV_STAMP)
	$(VENV)/bin/pytest -q -n auto

## test-fast: the tests that plan nothing and start no server (under a minute): helpers, the core,
## components under mocks, the rules of the pack, the contracts
test-fast: $(STAMP)
	$(VENV)/bin/pytest -q -n auto -m "not slow"

## bench: time and peak memory of `mlplat plan prod` against a bare-mocks floor
bench: $(STAMP)
	$(PY) bench/plan_bench.py

clean:
	rm -rf build .pytest_cache .ruff_cache
