# The two commands of README.md: `make run` and `make test`.
PYTHON ?= python3.11
VENV := .venv
PY := $(VENV)/bin/python
HOST ?= 127.0.0.1
PORT ?= 8000
# The demo runs as production does (debug off: refused pages are the service's
# own 403 and 404, never Django's debug page), with a secret key of its own in
# var/ (not in git), static files straight from static/ and demo accounts only
# through the explicit demo command.
RUN := DJANGO_DEBUG=false DJANGO_MANIFEST_STATIC=false DJANGO_SECRET_KEY="$$(cat var/secret-key)"

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

var/secret-key:
	mkdir -p var
	$(PYTHON) -c "import secrets; print(secrets.token_urlsafe(64))" > $@

run: system $(VENV)/.installed var/secret-key
	$(RUN) $(PY) manage.py migrate --no-input
	$(RUN) $(PY) manage.py import_htcs
	$(RUN) DJANGO_DEMO=true $(PY) manage.py seed_demo
	$(RUN) $(PY) manage.py runserver --insecure $(HOST):$(PORT)

test: system $(VENV)/.installed node_modules/.installed
	$(VENV)/bin/pytest

lint: $(VENV)/.installed
	$(VENV)/bin/ruff check .
