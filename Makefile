# Sahel Learn: `make run` serves the app on http://127.0.0.1:$(PORT); `make test` runs the whole suite.
PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
PORT ?= 8000
ARTICLE := briefings/content/sahel-sovereignty-mirage.txt
PACK := briefings/content/pack

.PHONY: run test lint setup data browser-tools bench clean

# The virtual environment, rebuilt when a requirements file changes.
$(VENV)/.installed: requirements.txt requirements-dev.txt
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r requirements-dev.txt
	touch $@

# A local .env with a fresh random secret key, made once and then reused.
.env:
	@sed "s/^DJANGO_SECRET_KEY=.*/DJANGO_SECRET_KEY=$$($(PYTHON) -c 'import secrets; print(secrets.token_urlsafe(50))')/" .env.example > .env
	@echo "Wrote .env (DEBUG on, random secret key)."

# axe-core for the accessibility checks in the browser tests.
node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund --silent
	touch $@

setup: $(VENV)/.installed .env

data: setup
	$(PY) manage.py migrate --no-input
	$(PY) manage.py import_briefing $(ARTICLE) --pack $(PACK) --publish
	$(PY) manage.py create_demo_accounts

run: data
	$(PY) manage.py runserver 127.0.0.1:$(PORT)

browser-tools: node_modules/.installed
	@test -x /usr/bin/chromium || { echo "Installing Debian's Chromium for the browser tests..."; \
		(apt-get update -qq && apt-get install -y -qq chromium >/dev/null) || \
		echo "Could not install chromium: browser tests will be skipped (CI requires them)."; }

test: $(VENV)/.installed browser-tools
	$(PY) manage.py makemigrations --check --dry-run --settings=sahel_learn.settings_test
	$(PY) -m pytest -n 2 --dist loadfile

lint: $(VENV)/.installed
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

bench: $(VENV)/.installed
	$(PY) bench/run.py

clean:
	rm -rf $(VENV) node_modules staticfiles
