"""Settings come from the environment (and, in a development checkout, from its .env)."""

import os
import shutil
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
CLEARED = ("SECRET_KEY", "DEBUG", "SECURE_SSL_REDIRECT", "STATIC_MANIFEST", "DJANGO_ALLOW_ASYNC_UNSAFE", "OMS_TOOLING")


@pytest.fixture
def checkout(tmp_path) -> Path:
    """A checkout of its own (settings read the .env beside manage.py), so a developer's .env stays out."""
    shutil.copytree(ROOT / "oms", tmp_path / "oms", ignore=shutil.ignore_patterns("__pycache__"))
    for name in ("manage.py", "Makefile"):
        shutil.copy(ROOT / name, tmp_path / name)
    for name in ("customers", "catalog", "orders", "templates", "static", "node_modules"):
        (tmp_path / name).symlink_to(ROOT / name)
    return tmp_path


def run_manage(checkout: Path, *args, **env):
    environment = {key: value for key, value in os.environ.items() if key not in CLEARED} | env
    return subprocess.run([sys.executable, "manage.py", *args], cwd=checkout, env=environment,
                          capture_output=True, text=True, timeout=60)


def test_without_debug_the_app_refuses_to_start_with_no_secret_key(checkout):
    result = run_manage(checkout, "check")
    assert result.returncode != 0
    assert "Set SECRET_KEY" in result.stderr


def test_deploy_check_reports_nothing_with_production_settings(checkout):
    result = run_manage(checkout, "check", "--deploy", "--fail-level", "WARNING",
                        SECRET_KEY="a-long-random-production-secret-" + "k" * 40, ALLOWED_HOSTS="orders.example.com")
    assert result.returncode == 0, result.stderr
    assert "no issues" in result.stdout


PRINT_DEBUG = ("shell", "--verbosity", "0", "-c", "from django.conf import settings; print(settings.DEBUG)")


def test_manage_py_works_beside_make_run_with_the_env_file_it_writes(checkout):
    made = subprocess.run(["make", "--no-print-directory", ".env", f"PYTHON={sys.executable}"], cwd=checkout,
                          capture_output=True, text=True, timeout=60)
    assert made.returncode == 0, made.stderr
    assert "DEBUG=1" in (checkout / ".env").read_text()

    result = run_manage(checkout, *PRINT_DEBUG)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "True"
    # what the environment says wins over the file
    result = run_manage(checkout, *PRINT_DEBUG, DEBUG="0")
    assert result.stdout.strip() == "False"


def test_production_settings_leave_the_tooling_out(checkout):
    secret = "a-long-random-production-secret-" + "k" * 40
    production = run_manage(checkout, "help", "seed_scale", SECRET_KEY=secret)
    assert production.returncode != 0 and "Unknown command" in production.stderr
    assert run_manage(checkout, "help", "seed_scale", SECRET_KEY=secret, OMS_TOOLING="1").returncode == 0
    assert run_manage(checkout, "help", "seed_demo", DEBUG="1").returncode == 0


def test_production_settings_migrate_a_database_with_nothing_of_the_bench(checkout, tmp_path):
    database = tmp_path / "production.sqlite3"
    secret = "a-long-random-production-secret-" + "k" * 40
    # OMS_TOOLING=0 leaves the bench out even beside a development .env's DEBUG=1
    result = run_manage(checkout, "migrate", "--verbosity", "0", SECRET_KEY=secret, DEBUG="1", OMS_TOOLING="0",
                        DATABASE_URL=f"sqlite:///{database}")
    assert result.returncode == 0, result.stderr
    with sqlite3.connect(database) as db:
        tables = {name for (name,) in db.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
        migrated = {app for (app,) in db.execute("SELECT DISTINCT app FROM django_migrations")}
    assert "orders_order" in tables and "orders" in migrated
    assert {name for name in tables if name.startswith("bench")} == set() and "bench" not in migrated
    tooling = run_manage(checkout, "help", "seed_scale", SECRET_KEY=secret, DEBUG="1", OMS_TOOLING="0")
    assert tooling.returncode != 0 and "Unknown command" in tooling.stderr
