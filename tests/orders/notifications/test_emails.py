"""The confirmation goes through Django's mail API, so any anymail ESP works; a failing or
slow provider never loses or rolls back the order."""

import uuid

import pytest
from django.core import mail
from django.core.mail.backends.base import BaseEmailBackend
from django.urls import reverse

from orders.models import Order
from tests.factories import ProductFactory, customer_with_address
from tests.helpers import place

pytestmark = pytest.mark.django_db


class FailingBackend(BaseEmailBackend):
    def send_messages(self, messages):
        raise ConnectionError("provider unreachable (timed out after 10s)")


def test_anymail_test_backend_gets_tags_and_metadata(settings, checkout_setup, django_capture_on_commit_callbacks):
    settings.EMAIL_BACKEND = "anymail.backends.test.EmailBackend"
    shipping, _ = checkout_setup
    customer = customer_with_address(email="buyer@example.com")
    with django_capture_on_commit_callbacks(execute=True):
        order = place(customer, [(ProductFactory().pk, 1)], shipping, send_confirmation=True).order

    [message] = mail.outbox
    assert message.anymail_test_params["tags"] == ["order-confirmation"]
    assert message.anymail_test_params["metadata"] == {"order_number": str(order.number)}
    assert message.anymail_status.status == {"sent"}
    order.refresh_from_db()
    assert order.confirmation_state == Order.EmailState.SENT


def test_a_failing_provider_keeps_the_order_and_records_the_error(settings, checkout_setup,
                                                                    django_capture_on_commit_callbacks):
    settings.EMAIL_BACKEND = "tests.orders.notifications.test_emails.FailingBackend"
    shipping, _ = checkout_setup
    product = ProductFactory(stock=5)
    with django_capture_on_commit_callbacks(execute=True):
        placed = place(customer_with_address(), [(product.pk, 2)], shipping, send_confirmation=True)

    order = Order.objects.get(pk=placed.order.pk)
    assert order.confirmation_state == Order.EmailState.FAILED
    assert "provider unreachable" in order.confirmation_error
    product.refresh_from_db()
    assert product.stock == 3  # the order and its stock change stand


def test_failed_email_is_shown_on_the_order_page_with_resend(settings, staff_client, checkout_setup, new_cart,
                                                              django_capture_on_commit_callbacks):
    settings.EMAIL_BACKEND = "tests.orders.notifications.test_emails.FailingBackend"
    ProductFactory(sku="FAIL")
    cart_id = new_cart(customer_with_address(email="x@example.com"))
    staff_client.post(reverse("orders:cart_add", args=[cart_id]), {"query": "FAIL", "quantity": 1})
    from tests.helpers import checkout_form

    with django_capture_on_commit_callbacks(execute=True):
        response = staff_client.post(reverse("orders:checkout", args=[cart_id]), checkout_form(staff_client, cart_id))
    page = staff_client.get(response.url)
    assert b"Failed: ConnectionError: provider unreachable" in page.content
    assert b"Resend confirmation" in page.content

    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    order = Order.objects.get()
    with django_capture_on_commit_callbacks(execute=True):
        staff_client.post(reverse("orders:resend", args=[order.number]))
    order.refresh_from_db()
    assert order.confirmation_state == Order.EmailState.SENT
    assert len(mail.outbox) == 1


def test_confirmation_is_sent_once_per_order_even_when_submitted_twice(checkout_setup,
                                                                        django_capture_on_commit_callbacks):
    shipping, _ = checkout_setup
    customer = customer_with_address(email="once@example.com")
    product = ProductFactory()
    token = uuid.uuid4()
    with django_capture_on_commit_callbacks(execute=True):
        place(customer, [(product.pk, 1)], shipping, token=token, send_confirmation=True)
        place(customer, [(product.pk, 1)], shipping, token=token, send_confirmation=True)
    assert len(mail.outbox) == 1


def test_a_provider_that_never_answers_fails_within_the_timeout(settings, checkout_setup,
                                                                  django_capture_on_commit_callbacks):
    """A real SMTP connection to a server that accepts and then says nothing."""
    import socket
    import time

    silent = socket.create_server(("127.0.0.1", 0))
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = silent.getsockname()
    settings.EMAIL_TIMEOUT = 1
    settings.EMAIL_TRIES = 1  # one try, so the time measured is the timeout's (retries: tests/orders/test_tasks.py)
    shipping, _ = checkout_setup
    started = time.monotonic()
    try:
        with django_capture_on_commit_callbacks(execute=True):
            placed = place(customer_with_address(), [(ProductFactory().pk, 1)], shipping, send_confirmation=True)
    finally:
        silent.close()
    elapsed = time.monotonic() - started

    order = Order.objects.get(pk=placed.order.pk)
    assert order.confirmation_state == Order.EmailState.FAILED
    assert "timed out" in order.confirmation_error.lower()
    assert elapsed < 5
