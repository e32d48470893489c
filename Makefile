# Two commands for a newcomer: `make run` and `make test`. Everything else is set-up they share.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
PORT ?= 8000
SCALE ?= 1m

.PHONY: run test setup migrate bench lock clean

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

run: export DEBUG ?= 1
run: migrate
	$(PY) manage.py seed_demo
	$(PY) manage.py runserver 127.0.0.1:$(PORT)

test: setup
	$(PY) -m pytest
	@echo "Screenshots of the main screens: $(CURDIR)/var/screenshots"

# The benchmark runs with production settings on plain-HTTP loopback (as the tests do), plus the
# tooling app. SCALE=100k|1m|10m; each scale seeds and migrates a database of its own (oms/bench/scales.py).
bench: export SECRET_KEY ?= insecure-key-for-the-benchmark-only
bench: export SECURE_SSL_REDIRECT ?= 0
bench: export STATIC_MANIFEST ?= 0
bench: export OMS_TOOLING = 1
bench: setup
	@test -n "$(DATABASE_URL)" || { echo "make bench needs DATABASE_URL=postgres://..."; exit 2; }
	$(PY) manage.py bench --scale $(SCALE)

# Re-pin Python dependencies after editing pyproject.toml (needs uv: pip install uv).
lock:
	uv pip compile pyproject.toml --extra dev --generate-hashes --python-version 3.11 -o requirements.lock
	npm install --package-lock-only --no-audit --no-fund

clean:
	rm -rf $(VENV) node_modules staticfiles var
