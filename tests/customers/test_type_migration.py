"""Migrations 0006-0007 of customers on rows that were there before: every customer becomes Retail by the column's
default (no loop, no UPDATE of every row), and only customers who had terms of their own keep them."""

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

BEFORE = [("customers", "0005_customer_data_permissions")]


@pytest.mark.django_db(transaction=True)
def test_existing_customers_become_retail_and_keep_only_their_own_terms():
    executor = MigrationExecutor(connection)
    executor.migrate(BEFORE)
    old = executor.loader.project_state(BEFORE).apps.get_model("customers", "Customer")
    with_terms = old.objects.create(first_name="Ada", last_name="Net30", payment_terms_days=30)
    without = old.objects.create(first_name="Ben", last_name="Default")

    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes())

    from customers.models import Customer

    customers = {customer.pk: customer for customer in Customer.objects.select_related("customer_type")}
    assert {customer.customer_type.name for customer in customers.values()} == {"Retail"}
    assert customers[with_terms.pk].payment_terms_days == 30
    assert customers[without.pk].payment_terms_days is None
    assert customers[without.pk].terms_days == 0  # Retail's
