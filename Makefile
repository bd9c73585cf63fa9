# The two commands of the README: `make demo` and `make test`. Both build the venv they need.
PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed-$(shell cksum pyproject.toml | cut -d' ' -f1)

.PHONY: install demo test lint format bench mutate clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e ".[dev]"
	rm -f $(VENV)/.installed-*
	touch $(STAMP)

install: $(STAMP)

# The demo runs on the development settings (DEBUG, published keys); the default is production.
demo: export DJANGO_SETTINGS_MODULE = admin_site.development
demo: $(STAMP)
	$(PY) manage.py migrate --noinput
	$(PY) manage.py seed_demo
	$(PY) manage.py db_worker & trap 'kill $$!' EXIT; $(PY) manage.py runserver 127.0.0.1:8000

test: $(STAMP)
	$(PY) -m ruff check .
	$(PY) -m ruff format --check .
	$(PY) -m pytest

format: $(STAMP)
	$(PY) -m ruff check --fix .
	$(PY) -m ruff format .

bench: $(STAMP)
	$(PY) -m pip install --quiet -e ".[dev,bench]"
	$(PY) -m bench.run

# Mutation testing of approvals/ and roles/ (see docs/testing.md); slow, so not part of `make test`.
# MUTANTS narrows it, e.g. make mutate MUTANTS='approvals.engine.x_perform*'
mutate: $(STAMP)
	$(PY) -m pip install --quiet -e ".[dev,mutate]"
	$(VENV)/bin/mutmut run $(MUTANTS)
	$(VENV)/bin/mutmut results

clean:
	rm -rf $(VENV) db.sqlite3 .pytest_cache .ruff_cache mutants
