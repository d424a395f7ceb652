# Two commands do everything: `make run` (the product) and `make test` (the whole suite).
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-$(shell cat requirements.lock pyproject.toml | cksum | cut -d' ' -f1)
CHROMIUM := /usr/bin/chromium
# npm writes this file on every install: it is newer than the lock when node_modules is current.
NODE_STAMP := node_modules/.package-lock.json

.PHONY: run serve test check audit bench load faults races install browser clean-var screenshots

$(STAMP): requirements.lock pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -r requirements.lock
	@rm -f $(VENV)/.installed-* && touch $@

# axe-core, for the accessibility browser tests, pinned in package-lock.json.
$(NODE_STAMP): package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	@touch $@

install: $(STAMP) $(NODE_STAMP)

# Debian's Chromium drives the browser tests (browser builds cannot be downloaded here).
browser:
	@test -x $(CHROMIUM) || { \
		echo "Installing Debian's chromium for the browser tests..."; \
		SUDO=$$(test "$$(id -u)" = 0 || echo sudo); \
		$$SUDO apt-get update -qq && $$SUDO apt-get install -y -qq chromium fonts-dejavu-core >/dev/null; }

run: export DJANGO_DEBUG ?= True
run: $(STAMP)
	$(BIN)/python manage.py migrate --noinput
	$(BIN)/python manage.py seed_demo
	@echo ""
	@echo "  First Step is starting on http://127.0.0.1:8000  (e-mail: http://127.0.0.1:8000/dev/mail/ as admin)"
	@echo "  Ctrl-C stops the web server, the Celery worker and Celery beat."
	@echo ""
	$(BIN)/honcho -f Procfile.dev start

# Production processes: gunicorn, one Celery worker and exactly one beat, on PostgreSQL + Redis.
serve: $(STAMP)
	@test -n "$$DATABASE_URL" && test -n "$$REDIS_URL" || { echo "make serve needs DATABASE_URL and REDIS_URL (see .env.example)"; exit 2; }
	$(BIN)/python manage.py migrate --noinput
	$(BIN)/python manage.py collectstatic --noinput --verbosity 0
	PATH="$(CURDIR)/$(BIN):$$PATH" $(BIN)/honcho -f Procfile start web worker beat

test: $(STAMP) $(NODE_STAMP) browser
	$(BIN)/python -m pytest

# The main pages at 1280 x 800 and 390 x 844, written to var/screenshots/.
screenshots: $(STAMP) browser
	$(BIN)/python -m pytest tests/browser/screenshots.py -q -p no:cacheprovider

# lint-imports: apps import downhill, tasks import domain modules (never the reverse), no cycles.
check: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/djlint templates --check --quiet
	$(BIN)/djlint templates --lint --quiet
	$(BIN)/mypy config directory bookings content messaging privacy calendars outbox
	$(BIN)/lint-imports --no-cache
	DJANGO_DEBUG=True $(BIN)/python manage.py makemigrations --check --dry-run
	DJANGO_DEBUG=False DJANGO_SECRET_KEY=check-deploy-$$(date +%s)-a-long-random-looking-secret-value-0123456789 \
		CALENDARS_SECRET_KEY=$$($(BIN)/python -c 'import os,base64;print(base64.urlsafe_b64encode(os.urandom(32)).decode())') \
		$(BIN)/python manage.py check --deploy --fail-level WARNING

# Known vulnerabilities in the pinned dependencies (pip-audit). Says "NOT RUN" and exits 0
# only when the vulnerability data cannot be reached; any finding exits 1.
audit: $(STAMP)
	$(BIN)/python .ci/audit.py

# The attacks of the security review against gunicorn; one PASS/FAIL line per item.
audit-security: $(STAMP)
	$(BIN)/python -m bench.audit_security

bench: $(STAMP)
	$(BIN)/python -m bench

# Both need DATABASE_URL (PostgreSQL) and REDIS_URL; see bench/load.py and bench/faults.py.
load: $(STAMP)
	$(BIN)/python -m bench.load

faults: $(STAMP)
	$(BIN)/python -m bench.faults

# Every booking rule under simultaneous requests against gunicorn; non-zero on any violation.
races: $(STAMP)
	$(BIN)/python -m bench.races

clean-var:
	rm -rf var
