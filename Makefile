# The two commands of README.md: `make run` and `make test`.
PYTHON ?= python3.11
VENV := .venv
PY := $(VENV)/bin/python
DEV := DJANGO_DEBUG=true
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: run test system lint

system:
	@bin/install-system-packages

$(VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(VENV)/bin/pip install -q --upgrade pip
	$(VENV)/bin/pip install -q -e '.[test]'
	touch $@

node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	touch $@

run: system $(VENV)/.installed
	$(DEV) $(PY) manage.py migrate --no-input
	$(DEV) $(PY) manage.py import_htcs
	$(DEV) $(PY) manage.py seed_demo
	$(DEV) $(PY) manage.py runserver $(HOST):$(PORT)

test: system $(VENV)/.installed node_modules/.installed
	$(VENV)/bin/pytest

lint: $(VENV)/.installed
	$(VENV)/bin/ruff check .
