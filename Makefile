# IP Portal: `make run` serves the demo, `make test` runs every test. See README.md.
SHELL := /bin/bash
PY ?= python3
VENV := .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: run test setup dev-setup migrate seed web worker beat up lint check clean

$(BIN)/python:
	$(PY) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

$(VENV)/.runtime: requirements.txt | $(BIN)/python
	$(BIN)/pip install --quiet -r requirements.txt
	touch $@

$(VENV)/.dev: requirements-dev.txt requirements.txt | $(BIN)/python
	$(BIN)/pip install --quiet -r requirements-dev.txt
	touch $@ $(VENV)/.runtime

setup: $(VENV)/.runtime
dev-setup: $(VENV)/.dev

migrate: setup
	$(BIN)/python manage.py migrate --noinput

seed: migrate
	$(BIN)/python manage.py seed_demo

# Development targets run with DEBUG on (the settings' default is off); an explicit DEBUG wins.
# The demo's staff accounts log in without a second factor there (OTP_REQUIRED_FOR_STAFF off).
run web worker beat check: export DEBUG ?= 1
run: export OTP_REQUIRED_FOR_STAFF ?= 0

## run: set up, migrate, load demo data and serve on http://$(HOST):$(PORT)
run: seed
	@echo ""
	@echo "  IP Portal: http://$(HOST):$(PORT)/"
	@echo "  Logins (password demo-pass-2026): rights1 rights2 rights3 agent1 (rights holders),"
	@echo "    reviewer1 reviewer2 senior1 (trust & safety), seller1 seller2 seller3 (sellers; seller3 suspended),"
	@echo "    marketplace (the marketplace's service account), admin (superuser)"
	@if [ -n "$$CELERY_BROKER_URL" ]; then \
	  echo "  Tasks: Celery worker and beat on $$CELERY_BROKER_URL"; echo ""; \
	  $(BIN)/honcho start -f Procfile; \
	else \
	  echo "  Tasks: Celery worker and beat, embedded (no CELERY_BROKER_URL set: messages are files in var/embedded/)"; \
	  echo ""; \
	  HOST=$(HOST) $(BIN)/honcho start -f Procfile.embedded -p $(PORT) web worker beat; \
	fi

## up: web (gunicorn) + a worker per lane + beat together, for PostgreSQL + Redis
up: migrate
	$(BIN)/python manage.py collectstatic --noinput -v0
	$(BIN)/honcho start -f Procfile

web: setup
	$(BIN)/python manage.py runserver $(HOST):$(PORT)

worker: setup
	$(BIN)/celery -A ipportal worker --loglevel=INFO --concurrency=2

beat: setup
	$(BIN)/celery -A ipportal beat --loglevel=INFO --schedule=var/celerybeat-schedule

## test: set up and run the whole suite
test: dev-setup
	$(BIN)/python -m pytest

lint: dev-setup
	$(BIN)/ruff check .
	$(BIN)/lint-imports

check: dev-setup
	$(BIN)/python manage.py check
	$(BIN)/python manage.py makemigrations --check --dry-run

clean:
	rm -rf $(VENV) db.sqlite3 db.sqlite3-wal db.sqlite3-shm staticfiles var .pytest_cache
