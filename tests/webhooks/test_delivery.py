"""Deliveries to a real HTTP receiver (tests/webhooks/receiver.py): signed per Standard Webhooks, retried until
one succeeds, sent only when the change commits, never redirected, never to a private address unless allowed."""

import json
from datetime import timedelta

import pytest
from django.core import mail
from django.db import transaction
from django.utils import timezone
from standardwebhooks import Webhook

from customers.services import customer_create
from oms.webhooks.models import Delivery, Endpoint
from oms.webhooks.services import webhook_emit
from oms.webhooks.tasks import webhook_deliver
from orders.models import OrderEvent
from tests.factories import ProductFactory, customer_with_address
from tests.helpers import place

pytestmark = pytest.mark.django_db

NEW_CUSTOMER = {"first_name": "Ada", "last_name": "Byron", "company": "Engines Ltd", "email": "ada@example.com"}


def emitted(event_type="customer.created", event_id="evt_test_1") -> Delivery:
    """An event emitted in the test's transaction (whose commit never comes): its delivery, not yet tried."""
    webhook_emit(event_type=event_type, event_id=event_id, data={"id": 1})
    return Delivery.objects.get(event_id=event_id)


def test_the_signature_verifies_with_the_endpoint_s_secret(endpoint, hooks, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        customer = customer_create(customer=NEW_CUSTOMER)

    [request] = hooks.received
    payload = Webhook(endpoint.secret).verify(request.body, request.headers)
    assert payload["type"] == "customer.created"
    assert payload["data"] == {"id": customer.pk, "number": customer.number, "name": "Ada Byron",
                               "company": "Engines Ltd", "email": "ada@example.com"}
    assert request.headers["Content-Type"] == "application/json"
    delivery = Delivery.objects.get()
    assert request.headers["webhook-id"] == delivery.event_id
    assert (delivery.status, delivery.attempts, delivery.last_status_code) == (Delivery.Status.SUCCEEDED, 1, 200)
    assert delivery.last_duration_ms is not None and delivery.delivered_at is not None


def test_a_receiver_failing_three_times_then_succeeding_gets_one_successful_delivery(
        endpoint, hooks, checkout_setup, django_capture_on_commit_callbacks):
    hooks.statuses = [500, 503, 429]
    shipping, _ = checkout_setup
    with django_capture_on_commit_callbacks(execute=True):  # each retry runs at once (the immediate backend)
        order = place(customer_with_address(), [(ProductFactory().pk, 1)], shipping).order

    placed = [request for request in hooks.received if json.loads(request.body)["type"] == "order.placed"]
    assert [request.status for request in placed] == [500, 503, 429, 200]
    assert len({request.headers["webhook-id"] for request in placed}) == 1  # the same event each time
    assert len([request for request in placed if request.status == 200]) == 1
    delivery = Delivery.objects.get(event_type="order.placed")
    assert (delivery.status, delivery.attempts, delivery.last_error) == (Delivery.Status.SUCCEEDED, 4, "")
    assert json.loads(placed[-1].body)["data"]["order"] == order.number


def test_each_failure_queues_the_next_try_later_with_a_growing_delay(endpoint, hooks, settings):
    settings.WEBHOOK_RETRY_SECONDS = 60
    hooks.statuses = [500, 500]
    delivery = emitted()

    before = timezone.now()
    assert webhook_deliver.call(delivery.pk, 1) == "retrying"
    first = Delivery.objects.get(pk=delivery.pk)
    assert webhook_deliver.call(delivery.pk, 2) == "retrying"
    second = Delivery.objects.get(pk=delivery.pk)

    assert (first.status, first.last_status_code, first.last_error) == (Delivery.Status.FAILED, 500, "HTTP 500")
    assert before + timedelta(seconds=60) <= first.next_attempt_at <= timezone.now() + timedelta(seconds=90)
    assert second.next_attempt_at - timezone.now() >= timedelta(seconds=119)  # twice the base, plus jitter
    assert second.attempts == 2


def test_a_rolled_back_change_sends_nothing(endpoint, hooks, checkout_setup, django_capture_on_commit_callbacks):
    shipping, _ = checkout_setup
    with django_capture_on_commit_callbacks(execute=True), pytest.raises(RuntimeError):
        with transaction.atomic():
            place(customer_with_address(), [(ProductFactory().pk, 1)], shipping)
            customer_create(customer=NEW_CUSTOMER)
            raise RuntimeError("the change fails after the events were written")

    assert hooks.received == []
    assert not Delivery.objects.exists()


def test_an_order_placed_sends_one_order_placed_event_with_its_number(
        endpoint, hooks, checkout_setup, django_capture_on_commit_callbacks):
    shipping, _ = checkout_setup
    with django_capture_on_commit_callbacks(execute=True):
        order = place(customer_with_address(), [(ProductFactory().pk, 2)], shipping).order

    [request] = [request for request in hooks.received if json.loads(request.body)["type"] == "order.placed"]
    event = OrderEvent.objects.get(order=order, kind=OrderEvent.Kind.PLACED)
    payload = Webhook(endpoint.secret).verify(request.body, request.headers)
    assert request.headers["webhook-id"] == f"evt_order_{event.pk}"
    assert payload["data"]["order"] == order.number and payload["data"]["customer"] == order.customer_id
    assert (payload["data"]["status"], payload["data"]["total"]) == ("placed", str(order.total))
    assert payload["data"]["details"]["lines"] == 1


def test_an_endpoint_receives_only_the_events_it_chose(hooks, checkout_setup, django_capture_on_commit_callbacks):
    Endpoint.objects.create(url=hooks.url, events=["customer.changed"])
    shipping, _ = checkout_setup
    with django_capture_on_commit_callbacks(execute=True):
        place(customer_with_address(), [(ProductFactory().pk, 1)], shipping)
        customer_create(customer=NEW_CUSTOMER)

    assert hooks.received == [] and not Delivery.objects.exists()


def test_a_redirect_is_not_followed(endpoint, hooks):
    hooks.statuses = [302]
    delivery = emitted()

    assert webhook_deliver.call(delivery.pk, 1) == "retrying"

    assert [(request.method, request.path) for request in hooks.received] == [("POST", "/hooks")]
    delivery.refresh_from_db()
    assert (delivery.status, delivery.last_status_code) == (Delivery.Status.FAILED, 302)
    assert delivery.last_error == "HTTP 302: redirects are not followed"


@pytest.mark.parametrize("host", ["127.0.0.1", "localhost"])
def test_a_private_address_is_refused_unless_allowed(endpoint, hooks, settings, host):
    settings.WEBHOOKS_ALLOW_PRIVATE = False
    Endpoint.objects.filter(pk=endpoint.pk).update(url=hooks.url.replace("127.0.0.1", host))
    delivery = emitted()

    webhook_deliver.call(delivery.pk, 1)

    assert hooks.received == []
    delivery.refresh_from_db()
    assert delivery.status == Delivery.Status.FAILED and delivery.last_status_code is None
    assert delivery.last_error.startswith(f"Refused: {host} resolves to ")


def test_a_try_run_twice_sends_once(endpoint, hooks):
    delivery = emitted()
    assert webhook_deliver.call(delivery.pk, 1) == "succeeded"

    assert webhook_deliver.call(delivery.pk, 1) == "already handled"
    assert webhook_deliver.call(delivery.pk, 2) == "already handled"
    assert len(hooks.received) == 1


def test_a_try_whose_worker_died_mid_delivery_is_sent_again_with_the_same_event_id(endpoint, hooks, settings):
    delivery = emitted()
    lost = timezone.now() - timedelta(seconds=settings.TASK_STUCK_SECONDS + 1)
    Delivery.objects.filter(pk=delivery.pk).update(status=Delivery.Status.SENDING, attempts=1, sending_since=lost)

    assert webhook_deliver.call(delivery.pk, 1) == "succeeded"
    assert [request.headers["webhook-id"] for request in hooks.received] == ["evt_test_1"]


def test_a_delivery_gives_up_when_the_next_try_would_fall_past_its_day(endpoint, hooks):
    hooks.statuses = [500]
    delivery = emitted()
    Delivery.objects.filter(pk=delivery.pk).update(retry_until=timezone.now() + timedelta(seconds=5))

    assert webhook_deliver.call(delivery.pk, 1) == "gave up"
    delivery.refresh_from_db()
    assert (delivery.status, delivery.last_error) == (Delivery.Status.GAVE_UP, "HTTP 500")


def test_an_endpoint_failing_for_a_day_is_disabled_and_the_admins_are_told(
        endpoint, hooks, settings, django_capture_on_commit_callbacks):
    settings.ADMINS = [("Ops", "ops@example.com")]
    hooks.statuses = [500]
    Endpoint.objects.filter(pk=endpoint.pk).update(failing_since=timezone.now() - timedelta(hours=24, minutes=1))
    delivery = emitted()

    with django_capture_on_commit_callbacks(execute=True):
        assert webhook_deliver.call(delivery.pk, 1) == "gave up"

    endpoint.refresh_from_db()
    assert not endpoint.is_active and endpoint.disabled_at is not None
    [message] = mail.outbox
    assert message.to == ["ops@example.com"] and "Webhook endpoint disabled: Warehouse" in message.subject
    assert webhook_emit(event_type="customer.created", event_id="evt_test_2", data={}) == 0  # no longer sent to


def test_a_success_clears_the_endpoint_s_failures(endpoint, hooks):
    Endpoint.objects.filter(pk=endpoint.pk).update(failing_since=timezone.now() - timedelta(hours=23))
    webhook_deliver.call(emitted().pk, 1)
    endpoint.refresh_from_db()
    assert endpoint.failing_since is None and endpoint.is_active
