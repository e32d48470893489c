# Two commands for a newcomer: `make run` and `make test`. Everything else is set-up they share.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
PORT ?= 8000
SCALE ?= 1m

.PHONY: run test lint setup migrate bench cluster lock audit clean

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

# The development server and a task worker in one command (honcho runs the Procfile; Ctrl-C stops both).
# Demo data goes into the default SQLite database only; DEMO_DATA=1 puts it into DATABASE_URL's too.
run: .env migrate
	$(PY) manage.py seed_demo $(if $(DEMO_DATA),--any-database)
	WEB_PORT=$(PORT) $(VENV)/bin/honcho --no-colour start -f Procfile

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

# Many nodes on this machine: nginx over two gunicorn app nodes, two task workers, an SMTP sink, and a PostgreSQL
# database of its own (dropped afterwards); one node and one worker are SIGKILLed mid-load, then everything must
# reconcile (oms/bench/management/commands/cluster.py). Needs nginx (.ci/run installs Debian's).
CLUSTER_DATABASE_URL ?= postgres://postgres@127.0.0.1:5432/oms_cluster
cluster: export DATABASE_URL = $(CLUSTER_DATABASE_URL)
cluster: export SECRET_KEY ?= insecure-key-for-the-cluster-only
cluster: export SECURE_SSL_REDIRECT = 0
cluster: export STATIC_MANIFEST = 0
cluster: export OMS_TOOLING = 1
cluster: export DEBUG = 0
cluster: setup
	$(PY) manage.py cluster

# Known vulnerabilities in the pinned Python and npm packages, then bandit's scan of our code against the
# findings already reviewed (.bandit-baseline.json). The first two need their advisory databases online: when
# one cannot be reached (or cannot check every package) that step fails and says so, never "no vulnerabilities".
# Every step runs; the target fails if any did.
audit: $(VENV)/.installed
	@status=0; \
	echo "== pip-audit (requirements.lock)"; \
	$(VENV)/bin/pip-audit -r requirements.lock --require-hashes --disable-pip --strict --progress-spinner off \
	  || { echo "make audit: pip-audit FAILED: vulnerable packages above, or PyPI's vulnerability data could not be reached for every package (nothing was proven)"; status=1; }; \
	echo "== npm audit (package-lock.json)"; \
	npm audit --no-fund \
	  || { echo "make audit: npm audit FAILED: vulnerable packages above, or the npm registry's advisory service could not be reached (nothing was proven)"; status=1; }; \
	echo "== bandit (new findings beyond .bandit-baseline.json)"; \
	$(VENV)/bin/bandit -q -r oms customers catalog orders -x '*/migrations/*' -b .bandit-baseline.json \
	  || { echo "make audit: bandit FAILED: new findings above (fix them, or mark a reviewed one with # nosec and why)"; status=1; }; \
	exit $$status

# Re-pin Python dependencies after editing pyproject.toml (needs uv: pip install uv).
lock:
	uv pip compile pyproject.toml --extra dev --generate-hashes --no-strip-extras --python-version 3.11 -o requirements.lock
	npm install --package-lock-only --no-audit --no-fund

clean:
	rm -rf $(VENV) node_modules staticfiles var
