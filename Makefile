# Élan — the two commands a new user needs: `make run` and `make test`.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
HOST ?= 127.0.0.1
PORT ?= 8000

# `make run` serves plain http on the loopback: relax the https-only defaults
# that ELAN_DEBUG=0 would otherwise switch on. Explicit values win.
export ELAN_SSL_REDIRECT ?= 0
export ELAN_SECURE_COOKIES ?= 0
export ELAN_HSTS_SECONDS ?= 0

.PHONY: run test lint format typecheck check-deploy bench lock messages clean serve setup browser-deps pdf-deps pdf-check audit

$(VENV)/.base: requirements/base.txt
	@$(PYTHON) -c 'import ensurepip' 2>/dev/null || { echo "Python venv manque : sudo apt-get install python3-venv"; exit 1; }
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check --require-hashes -r requirements/base.txt
	@touch $@

$(VENV)/.dev: requirements/dev.txt $(VENV)/.base
	$(PY) -m pip install --quiet --disable-pip-version-check --require-hashes -r requirements/dev.txt
	@touch $@

var/secret_key:
	@mkdir -p var
	@$(PYTHON) -c 'import secrets; print(secrets.token_urlsafe(50))' > $@

setup: $(VENV)/.base var/secret_key
	@mkdir -p var
	ELAN_SECRET_KEY=$${ELAN_SECRET_KEY:-$$(cat var/secret_key)} $(PY) manage.py migrate --noinput
	ELAN_SECRET_KEY=$${ELAN_SECRET_KEY:-$$(cat var/secret_key)} $(PY) manage.py load_communes --if-empty
	ELAN_SECRET_KEY=$${ELAN_SECRET_KEY:-$$(cat var/secret_key)} $(PY) manage.py seed_demo --if-empty

## make run: install, migrate, load the demo territory, serve on http://127.0.0.1:8000
# With ELAN_DEBUG=0 the public address is required; locally it is the loopback.
run: export ELAN_SITE_URL ?= http://$(HOST):$(PORT)
run: setup pdf-check
	@echo "Élan : http://$(HOST):$(PORT)/  (Ctrl+C pour arrêter)"
	ELAN_SECRET_KEY=$${ELAN_SECRET_KEY:-$$(cat var/secret_key)} $(PY) manage.py runserver $(HOST):$(PORT)

## make test: the whole suite (unit, views, permissions, API, Celery worker, browser + axe)
test: $(VENV)/.dev
	@mkdir -p var
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/ruff check .
	$(PY) manage.py makemigrations --check --dry-run
	$(VENV)/bin/mypy accounts territories challenges measures questionnaires events pledges network commons reports api elan
	$(VENV)/bin/pytest -n $${ELAN_TEST_WORKERS:-2} --dist loadfile -rs

lint: $(VENV)/.dev
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/ruff check .

format: $(VENV)/.dev
	$(VENV)/bin/ruff format .
	$(VENV)/bin/ruff check --fix .

typecheck: $(VENV)/.dev
	$(VENV)/bin/mypy accounts territories challenges measures questionnaires events pledges network commons reports api elan

## Production-like settings must pass Django's deployment checklist.
check-deploy: $(VENV)/.base
	ELAN_DEBUG=0 ELAN_SECRET_KEY=$$($(PYTHON) -c 'import secrets; print(secrets.token_urlsafe(50))') \
	ELAN_ALLOWED_HOSTS=elan.example.org ELAN_SITE_URL=https://elan.example.org ELAN_SSL_REDIRECT=1 ELAN_SECURE_COOKIES=1 ELAN_HSTS_SECONDS=31536000 \
	$(PY) manage.py check --deploy --fail-level WARNING

## Check the locked dependencies against the known vulnerabilities (needs network).
audit: $(VENV)/.dev
	$(VENV)/bin/pip-audit --requirement requirements/base.txt --requirement requirements/dev.txt \
	  --require-hashes --disable-pip --strict --progress-spinner off

## Regenerate the hashed lock files from pyproject.toml (needs network to PyPI).
lock:
	$(PYTHON) -m pip install --quiet uv
	$(PYTHON) -m uv pip compile pyproject.toml --python-version 3.11 --generate-hashes -o requirements/base.txt
	$(PYTHON) -m uv pip compile pyproject.toml --extra dev --python-version 3.11 --generate-hashes -o requirements/dev.txt
	# uv writes no extras; pip --require-hashes refuses weasyprint's fonttools[woff]
	# and pip-audit's CacheControl[filecache] without them.
	sed -i 's/^fonttools==/fonttools[woff]==/' requirements/base.txt requirements/dev.txt
	sed -i 's/^cachecontrol==/cachecontrol[filecache]==/' requirements/dev.txt

## Regenerate and compile the catalogues (needs GNU gettext: apt-get install gettext).
## English is translated by hand; French, the language of the msgids, is derived
## from the sources for its plural rule (elan/french_catalogue.py).
messages: $(VENV)/.base
	$(PY) manage.py makemessages -l en -l fr --ignore '.venv/*'
	$(PY) -m elan.french_catalogue locale/fr/LC_MESSAGES/django.po
	$(PY) manage.py compilemessages --ignore '.venv/*'

## Debian packages the browser tests need (run as root).
browser-deps:
	apt-get install -y chromium

## Debian libraries WeasyPrint needs for the PDF exports (run as root).
PDF_DEBS := libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 fonts-dejavu-core
pdf-deps:
	apt-get install -y $(PDF_DEBS)

# Without them Élan still runs; its PDF links answer a French 503 page.
pdf-check: $(VENV)/.base
	@$(PY) -c 'import weasyprint' 2>/dev/null || { \
	  echo "!! PDF indisponibles : WeasyPrint ne trouve pas ses bibliothèques système."; \
	  echo "!! Installez-les (en root) : make pdf-deps   (apt-get install -y $(PDF_DEBS))"; }

clean:
	rm -rf $(VENV) var
