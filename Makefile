# Sahel Learn: `make run` serves the app on http://127.0.0.1:$(PORT) as users get it (DEBUG off, gunicorn);
# `make dev` serves it for development (DEBUG on, runserver's autoreload); `make test` runs the whole suite.
PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
PORT ?= 8000
ARTICLE := briefings/content/sahel-sovereignty-mirage.txt
PACK := briefings/content/pack
QUESTIONS := quizzes/content/questions.yaml
QUIZZES := quizzes/content/quizzes.yaml

# `make run`'s own environment: production settings (DEBUG off), served over plain HTTP on this
# machine only. The settings refuse HTTPS redirect and secure cookies off for any other host.
RUN_ENV := DJANGO_DEBUG=false DJANGO_ALLOWED_HOSTS=127.0.0.1,localhost \
	DJANGO_SECURE_SSL_REDIRECT=false DJANGO_SECURE_COOKIES=false \
	DJANGO_EMAIL_BACKEND=django.core.mail.backends.console.EmailBackend
DEV_ENV := DJANGO_DEBUG=true

.PHONY: run dev test lint setup data static browser-tools bench bench-study clean

# The virtual environment, rebuilt when a requirements file changes.
$(VENV)/.installed: requirements.txt requirements-dev.txt
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r requirements-dev.txt
	touch $@

# A local .env with a fresh random secret key, made once and then reused.
.env:
	@sed "s/^DJANGO_SECRET_KEY=.*/DJANGO_SECRET_KEY=$$($(PYTHON) -c 'import secrets; print(secrets.token_urlsafe(50))')/" .env.example > .env
	@echo "Wrote .env (random secret key)."

# axe-core for the accessibility checks in the browser tests.
node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund --silent
	touch $@

setup: $(VENV)/.installed .env

data: setup
	$(RUN_ENV) $(PY) manage.py migrate --no-input
	$(RUN_ENV) $(PY) manage.py import_briefing $(ARTICLE) --pack $(PACK) --publish
	$(RUN_ENV) $(PY) manage.py import_questions $(QUESTIONS)
	$(RUN_ENV) $(PY) manage.py import_quizzes $(QUIZZES)
	$(RUN_ENV) $(PY) manage.py create_demo_accounts

# The production static files (hashed names, compressed) in STATIC_ROOT, which whitenoise serves.
static: setup
	$(RUN_ENV) $(PY) manage.py collectstatic --no-input -v 0

# gunicorn with gunicorn.conf.py (two sync workers) on this machine only.
run: data static
	$(RUN_ENV) $(VENV)/bin/gunicorn --bind 127.0.0.1:$(PORT)

dev: data
	$(DEV_ENV) $(PY) manage.py runserver 127.0.0.1:$(PORT)

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

# Study at 30k and 3M review states (issue 9): minutes, most of it loading; see docs/performance.md.
bench-study: $(VENV)/.installed
	$(PY) bench/study_scale.py

clean:
	rm -rf $(VENV) node_modules staticfiles
