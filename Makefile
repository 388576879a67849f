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
# Log lines as text in the terminal (a deployment writes JSON lines to ship).
RUN := DJANGO_DEBUG=false DJANGO_MANIFEST_STATIC=false DJANGO_SECRET_KEY="$$(cat var/secret-key)" \
	DJANGO_EMAIL_BACKEND=django.core.mail.backends.console.EmailBackend DJANGO_LOG_FORMAT=plain
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

.PHONY: run test system test-system lint lock messages tagline-fonts

system:
	@bin/install-system-packages

test-system:
	@bin/install-system-packages --test

# Python packages come from the lock files, every one pinned with its hashes:
# requirements/run.txt for running, requirements/test.txt (a superset) for the
# tests and the linters. `make lock` writes both from pyproject.toml.
$(VENV)/.run: requirements/run.txt
	$(PYTHON) -m venv $(VENV)
	$(VENV)/bin/pip install -q --upgrade pip
	$(VENV)/bin/pip install -q --require-hashes -r requirements/run.txt
	touch $@

$(VENV)/.test: requirements/test.txt $(VENV)/.run
	$(VENV)/bin/pip install -q --require-hashes -r requirements/test.txt
	touch $@

UV := .tools/bin/uv
$(UV):
	$(PYTHON) -m venv .tools
	.tools/bin/pip install -q uv==0.13.9

lock: $(UV)
	$(UV) pip compile pyproject.toml --python-version 3.11 --generate-hashes --quiet \
		-o requirements/run.txt
	$(UV) pip compile pyproject.toml --extra test --python-version 3.11 --generate-hashes \
		--quiet -o requirements/test.txt

node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	touch $@

var/secret-key:
	mkdir -p var
	$(PYTHON) -c "import secrets; print(secrets.token_urlsafe(64))" > $@

# Links in the printed emails point at this server. One task worker runs beside
# the server (letters and email notices, issue 21) and stops with it.
run: RUN += DJANGO_SITE_URL=http://$(HOST):$(PORT)
run: system $(VENV)/.run var/secret-key
	$(RUN) $(PY) manage.py migrate --no-input
	$(RUN) $(PY) manage.py import_htcs
	$(RUN) $(DEMO_PAYER) DJANGO_DEMO=true $(PY) manage.py seed_demo $(if $(HISTORY),--history $(HISTORY))
	$(RUN) $(DEMO_PAYER) $(PY) manage.py qcluster & worker=$$!; \
	trap 'kill $$worker 2>/dev/null' EXIT INT TERM; \
	$(RUN) $(DEMO_PAYER) DJANGO_TASK_WORKER=true $(PY) manage.py runserver --insecure $(HOST):$(PORT)

# One and a half workers per core: the browser tests spend much of their time
# waiting for Chromium, so a third worker fills the gaps (docs/benchmarks.md:
# 2 min 46 s on 2 cores, against 3 min 28 s with one worker per core).
WORKERS ?= $(shell n=$$(nproc); echo $$((n + n / 2)))
PYTEST := $(VENV)/bin/pytest -n $(WORKERS) --dist worksteal

# Bytecode is written even where the environment says not to
# (PYTHONDONTWRITEBYTECODE): each worker and each subprocess a test starts
# would otherwise compile the project and its tests from source again.
test: test-system $(VENV)/.test node_modules/.installed
	PYTHONDONTWRITEBYTECODE= $(PYTEST) $(PYTEST_ARGS)

# The member letters' translations (README, "Letters in the member's language"):
# the .po gains every new or changed message (translate them, then run this again),
# and the committed .mo is compiled from it. Needs GNU gettext (Debian: gettext).
messages: $(VENV)/.test
	DJANGO_DEBUG=true $(PY) manage.py makemessages -l es -e html,txt,py,css --no-obsolete --no-wrap \
		--no-location -i ".venv/*" -i "node_modules/*" -i "tests/*" -i "static/*" \
		-i "staticfiles/*" -i "test-artifacts/*"
	DJANGO_DEBUG=true $(PY) manage.py compilemessages -l es

# The CJK taglines' fonts (authorizations/letters/tagline_fonts.py): cut again
# from the installed Noto Sans CJK after a tagline's text changes.
tagline-fonts: system $(VENV)/.run
	DJANGO_DEBUG=true $(PY) manage.py tagline_fonts

# Style, the layers (import-linter contracts in pyproject.toml) and types.
lint: $(VENV)/.test
	$(VENV)/bin/ruff check .
	$(VENV)/bin/lint-imports
	PYTHONPATH=$(CURDIR) $(VENV)/bin/mypy  # textstat installs a top-level `tests` package; ours must win
