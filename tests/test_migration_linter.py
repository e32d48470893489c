"""Migrations from now on must be safe on a big table: django-migration-linter reads the SQL each new migration
runs on PostgreSQL (pyproject.toml says since which commit) and refuses a table rewrite, an index built without
CONCURRENTLY or a NOT NULL column added without a default. SQLite's SQL differs, so this runs on PostgreSQL."""

import pytest
from django.conf import settings
from django.core.management import call_command

from tests.helpers import postgres_only

pytestmark = [postgres_only, pytest.mark.django_db]
EMPTY_TREE = "4b825dc642cb6eb9a060e54bf8d69288fbee4904"  # git's empty tree: every migration file is new since it


def lint(capsys, **options) -> tuple[int, str]:
    """The linter's exit code and what it printed (it prints to the process's stdout)."""
    try:
        call_command("lintmigrations", project_root_path=str(settings.BASE_DIR), **options)
        code = 0
    except SystemExit as exit:
        code = exit.code
    return code, capsys.readouterr().out


def test_the_migrations_added_since_the_linter_came_pass_it(capsys, monkeypatch):
    monkeypatch.chdir(settings.BASE_DIR)  # pyproject.toml: lint from which commit, every warning an error
    code, output = lint(capsys)
    assert code == 0, output


@pytest.mark.parametrize(("name", "finding"), [
    ("0004_order_edit", "CREATE INDEX locks table"),
    ("0006_pricing", "NOT NULL constraint on columns"),
])
def test_it_refuses_what_would_lock_a_big_table(capsys, monkeypatch, name, finding):
    """Two of our own migrations from before the linter: each would be refused now, and says why."""
    monkeypatch.chdir(settings.BASE_DIR)
    code, output = lint(capsys, app_label="orders", migration_name=name, git_commit_id=EMPTY_TREE)
    assert code == 1
    assert f"(orders, {name})... ERR" in output
    assert finding in output
