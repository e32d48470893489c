"""Emitting an event: one query when nothing listens; erasing a customer deletes the deliveries about them."""

import pytest

from customers.services import customer_create, customer_update
from oms.webhooks.models import Delivery, Endpoint
from oms.webhooks.services import webhook_emit
from orders.privacy.services import customer_erase

pytestmark = pytest.mark.django_db


def test_an_event_nobody_listens_to_costs_one_query(django_assert_num_queries):
    Endpoint.objects.create(url="https://erp.example.com/hooks", events=["order.placed"], is_active=False)
    with django_assert_num_queries(1):
        assert webhook_emit(event_type="order.placed", event_id="evt_order_1", data={}) == 0


def test_customer_changes_are_events_with_their_own_ids(endpoint):
    customer = customer_create(customer={"first_name": "Ada", "last_name": "Byron", "email": "ada@example.com"})
    customer_update(customer=customer, changes={"email": "ada@engines.example"})

    created, changed = Delivery.objects.order_by("pk")
    assert (created.event_type, changed.event_type) == ("customer.created", "customer.changed")
    assert created.event_id != changed.event_id
    assert changed.payload["data"]["email"] == "ada@engines.example"


def test_erasing_a_customer_deletes_the_deliveries_about_them(endpoint):
    customer = customer_create(customer={"first_name": "Ada", "last_name": "Byron", "email": "ada@example.com"})
    other = customer_create(customer={"first_name": "Bob", "last_name": "Other"})
    webhook_emit(event_type="order.cancelled", event_id="evt_order_1", data={"order": 1, "customer": customer.pk})

    customer_erase(customer=customer)

    assert [delivery.payload["data"]["id"] for delivery in Delivery.objects.all()] == [other.pk]
    assert "Byron" not in str(list(Delivery.objects.values_list("payload", flat=True)))
