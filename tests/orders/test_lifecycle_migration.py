"""Migration 0007 of orders on rows that were there before: an order saved with the status "note added" (never a
status) gets the one its own timeline last gave it, or placed."""

import uuid

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

BEFORE = [("orders", "0006_pricing"), ("customers", "0009_free_text_card_guard")]  # before their defaults were dropped


@pytest.mark.django_db(transaction=True)
def test_orders_with_the_note_added_status_get_the_status_their_timeline_gave_them():
    executor = MigrationExecutor(connection)
    executor.migrate(BEFORE)
    apps = executor.loader.project_state(BEFORE).apps
    Customer, OldOrder, OrderEvent = (apps.get_model(*name) for name in
                                      (("customers", "Customer"), ("orders", "Order"), ("orders", "OrderEvent")))
    # the type given, not Customer's default (which reads today's CustomerType, columns this state has not)
    retail = apps.get_model("customers", "CustomerType").objects.get_or_create(name="Retail")[0]
    customer = Customer.objects.create(first_name="Ada", last_name="Lovelace", customer_type=retail)

    def order(*events, status="note_added"):
        made = OldOrder.objects.create(
            customer=customer, status=status, checkout_token=uuid.uuid4(), customer_name="Ada Lovelace",
            billing_address={}, shipping_address={}, shipping_method="Ground", payment_method="check",
            subtotal=0, shipping=0, tax_rate=0, tax=0, total=0)
        for kind, data in events:
            OrderEvent.objects.create(order=made, kind=kind, message=kind, data=data)
        return made.pk

    never_moved = order(("note_added", {"text": "Call first"}))
    processing = order(("status_changed", {"before": "placed", "after": "processing"}), ("note_added", {}))
    half_shipped = order(("status_changed", {"before": "placed", "after": "processing"}),
                         ("status_changed", {"before": "processing", "after": "partially_shipped"}))
    cancelled = order(("status_changed", {"before": "placed", "after": "processing"}), ("cancelled", {}))
    shipped = order(status="shipped")

    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes())

    from orders.models import Order

    assert dict(Order.objects.values_list("pk", "status")) == {
        never_moved: "placed", processing: "processing", half_shipped: "partially_shipped",
        cancelled: "cancelled", shipped: "shipped"}
