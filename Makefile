# Two commands for a newcomer: `make run` and `make test`. Everything else is set-up they share.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
PORT ?= 8000
SCALE ?= 1m

.PHONY: run test lint setup migrate bench lock clean

$(VENV)/.installed: requirements.lock
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check --require-hashes -r requirements.lock
	touch $@

node_modules/.installed: package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	touch $@

setup: $(VENV)/.installed node_modules/.installed

migrate: setup
	$(PY) manage.py migrate --noinput

# A development .env, written once: DEBUG on and a random key of this checkout's own (settings read it).
.env:
	@printf 'DEBUG=1\nSECRET_KEY=%s\n' "$$($(PYTHON) -c 'import secrets; print(secrets.token_urlsafe(50))')" > $@
	@echo "Wrote .env (DEBUG=1 and a development SECRET_KEY); manage.py reads it too."

run: .env migrate
	$(PY) manage.py seed_demo
	$(PY) manage.py runserver 127.0.0.1:$(PORT)

# Lint and layering first, so CI fails on either before the suite runs.
lint: setup
	$(VENV)/bin/ruff check .
	$(VENV)/bin/lint-imports --no-cache

test: lint
	$(PY) -m pytest
	@echo "Screenshots of the main screens: $(CURDIR)/var/screenshots"

# The benchmark runs with production settings on plain-HTTP loopback (as the tests do), plus the
# tooling app. SCALE=100k|1m|10m; each scale seeds and migrates a database of its own (oms/bench/scales.py).
bench: export SECRET_KEY ?= insecure-key-for-the-benchmark-only
bench: export SECURE_SSL_REDIRECT ?= 0
bench: export STATIC_MANIFEST ?= 0
bench: export OMS_TOOLING = 1
bench: export DEBUG ?= 0
bench: setup
	@test -n "$(DATABASE_URL)" || { echo "make bench needs DATABASE_URL=postgres://..."; exit 2; }
	$(PY) manage.py bench --scale $(SCALE)

# Re-pin Python dependencies after editing pyproject.toml (needs uv: pip install uv).
lock:
	uv pip compile pyproject.toml --extra dev --generate-hashes --python-version 3.11 -o requirements.lock
	npm install --package-lock-only --no-audit --no-fund

clean:
	rm -rf $(VENV) node_modules staticfiles var
