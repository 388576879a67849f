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
# Emails (notices, password reset) are printed in the terminal, never sent.
RUN := DJANGO_DEBUG=false DJANGO_MANIFEST_STATIC=false DJANGO_SECRET_KEY="$$(cat var/secret-key)" \
	DJANGO_EMAIL_BACKEND=django.core.mail.backends.console.EmailBackend
# Demo payer contacts, so demo letters look like real ones: fictional 555-01xx
# numbers and a made-up post box. Only `make run` sets them; a deployment sets
# its own PAYER_* variables, and without them letters point to the ID card.
DEMO_PAYER := PAYER_PHONE="1-800-555-0142" PAYER_FAX="1-800-555-0143" \
	PAYER_ADDRESS="PO Box 55501, Minneapolis MN 55440" \
	PAYER_APPEALS_ADDRESS="Appeals and Grievances, PO Box 55502, Minneapolis MN 55440" \
	PAYER_APPEALS_FAX="1-800-555-0144" \
	PAYER_PLAN_PROVISION="Services that are not medically necessary, or that are unproven, are not covered (demo plan document, Exclusions)." \
	PAYER_EXTERNAL_REVIEW="Send the request to External Review Requests, PO Box 55503, Minneapolis MN 55440, or fax it to 1-800-555-0145." \
	PAYER_CONSUMER_ASSISTANCE="The demo state's consumer assistance program can help: 1-800-555-0146." \
	PAYER_PEER_TO_PEER_PHONE="1-800-555-0147" \
	PAYER_PEER_TO_PEER_HOURS="Monday to Friday, 8 a.m. to 5 p.m. Central time"

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

# Links in the printed emails point at this server.
run: RUN += DJANGO_SITE_URL=http://$(HOST):$(PORT)
run: system $(VENV)/.installed var/secret-key
	$(RUN) $(PY) manage.py migrate --no-input
	$(RUN) $(PY) manage.py import_htcs
	$(RUN) $(DEMO_PAYER) DJANGO_DEMO=true $(PY) manage.py seed_demo
	$(RUN) $(DEMO_PAYER) $(PY) manage.py runserver --insecure $(HOST):$(PORT)

test: system $(VENV)/.installed node_modules/.installed
	$(VENV)/bin/pytest -n auto

lint: $(VENV)/.installed
	$(VENV)/bin/ruff check .
