"""Migrations from now on must be safe on a big table: django-migration-linter reads the SQL each new migration
runs on PostgreSQL and refuses a table rewrite, an index built without CONCURRENTLY or a NOT NULL column added
without a default (pyproject.toml: every warning is an error). SQLite's SQL differs, so this runs on PostgreSQL."""

import pytest
from django.apps import apps
from django.conf import settings
from django.core.management import call_command
from django.db.migrations.loader import MigrationLoader

from tests.helpers import OUR_PACKAGES, postgres_only

# transaction=True: sqlmigrate of a CONCURRENTLY operation refuses to run inside a transaction, as a test is.
pytestmark = [postgres_only, pytest.mark.django_db(transaction=True)]

# Each app's last migration when the linter came (issue 27): those ran on the tables of their day. Any later
# migration, and every migration of an app not listed here, is linted.
BEFORE_THE_LINTER = {"catalog": "0003", "customers": "0010", "accounts": "0001", "audit": "0001", "orders": "0011"}
# Newer migrations the linter refuses that were measured safe on a big table, each with why.
REVIEWED = {
    ("customers", "0011_address_name_holds_a_full_name"): (
        "lengthens a varchar: a change to PostgreSQL's catalog, no rewrite and no index (1 ms on the 1M bench's "
        "1.12M addresses, the table's file unchanged)"),
}


def new_migrations() -> list[tuple[str, str]]:
    ours = {config.label for config in apps.get_app_configs() if config.name.partition(".")[0] in OUR_PACKAGES}
    return sorted((app_label, name) for app_label, name in MigrationLoader(None).disk_migrations
                  if app_label in ours and name[:4] > BEFORE_THE_LINTER.get(app_label, "0000")
                  and (app_label, name) not in REVIEWED)


def lint(capsys, monkeypatch, app_label: str, name: str) -> tuple[int, str]:
    """The linter's exit code for one migration, and what it printed (to the process's stdout)."""
    monkeypatch.chdir(settings.BASE_DIR)  # where it reads its options: pyproject.toml
    try:
        call_command("lintmigrations", app_label, name, project_root_path=str(settings.BASE_DIR))
        code = 0
    except SystemExit as exit:
        code = exit.code
    return code, capsys.readouterr().out


def test_the_apps_before_the_linter_and_the_reviewed_migrations_exist():
    assert set(BEFORE_THE_LINTER) <= {config.label for config in apps.get_app_configs()}
    assert set(REVIEWED) <= set(MigrationLoader(None).disk_migrations)


def test_each_migration_newer_than_the_linter_passes_it(capsys, monkeypatch):
    refused = {}
    for app_label, name in new_migrations():
        code, output = lint(capsys, monkeypatch, app_label, name)
        if code:
            refused[f"{app_label}.{name}"] = output
    assert refused == {}


@pytest.mark.parametrize(("name", "finding"), [
    ("0004_order_edit", "CREATE INDEX locks table"),
    ("0006_pricing", "NOT NULL constraint on columns"),
])
def test_it_refuses_what_would_lock_a_big_table(capsys, monkeypatch, name, finding):
    """Two of our own migrations from before the linter: each would be refused now, and says why."""
    code, output = lint(capsys, monkeypatch, "orders", name)
    assert code == 1
    assert f"(orders, {name})... ERR" in output
    assert finding in output
