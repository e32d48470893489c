"""The schema is the apps' own: models and migrations agree, no column carries a database default that only
tooling would rely on (the bench's bulk loader writes every column itself), and the bench adds nothing to it."""

from io import StringIO

import pytest
from django.apps import apps
from django.core.management import call_command
from django.db.migrations.loader import MigrationLoader

from tests.helpers import OUR_PACKAGES

# Database defaults our own code needs, each with why. The ORM writes each field's Python default; a column added
# to a big table keeps a constant default so that PostgreSQL adds it without rewriting the table (issue 27).
ADDED_WITHOUT_REWRITE = "added to a big table: a constant default adds the column without rewriting it"
NEEDED_DB_DEFAULTS: dict[str, str] = {
    "orders.Order.amount_credited": ADDED_WITHOUT_REWRITE,
    "orders.Order.amount_refunded": ADDED_WITHOUT_REWRITE,
    "orders.OrderLine.quantity_returned": ADDED_WITHOUT_REWRITE,
    "orders.DailySales.credited": ADDED_WITHOUT_REWRITE,
    "orders.Order.on_hold": ADDED_WITHOUT_REWRITE,
    "orders.Order.hold_reason": ADDED_WITHOUT_REWRITE,
    "orders.Order.backordered": ADDED_WITHOUT_REWRITE,
    "orders.OrderLine.quantity_backordered": ADDED_WITHOUT_REWRITE,
    "catalog.Product.allow_backorders": ADDED_WITHOUT_REWRITE,
    "customers.CustomerType.hold_when_overdue": "a NOT NULL column added: the migration linter asks for a constant "
                                                "database default on every table (this one is small)",
}


def our_models() -> list:
    return [model for config in apps.get_app_configs() if config.name.partition(".")[0] in OUR_PACKAGES
            for model in config.get_models()]


def test_our_apps_are_the_ones_checked():
    assert {model._meta.app_label for model in our_models()} >= {"customers", "catalog", "orders"}


def test_no_field_has_a_database_default_our_code_does_not_need():
    with_db_default = {f"{model._meta.label}.{field.name}" for model in our_models()
                       for field in model._meta.concrete_fields if field.has_db_default()}
    assert with_db_default == set(NEEDED_DB_DEFAULTS)


@pytest.mark.django_db
def test_models_and_migrations_agree():
    output = StringIO()
    call_command("makemigrations", check=True, dry_run=True, stdout=output)
    assert "No changes detected" in output.getvalue()


def test_the_bench_has_no_models_and_no_migrations():
    assert list(apps.get_app_config("bench").get_models()) == []
    assert "bench" not in MigrationLoader(None, ignore_no_migrations=True).migrated_apps
