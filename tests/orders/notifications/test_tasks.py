"""Order emails as tasks (run at once here: the immediate backend; the queue with a real worker is
tests/core/test_queue.py): which failures are retried, and a try run twice sends once."""

import smtplib

import pytest
from anymail.exceptions import AnymailAPIError, AnymailRecipientsRefused
from django.core import mail
from django_tasks_db.models import DBTaskResult

from oms.core.queue import is_temporary, retry_delay
from orders.events import describe
from orders.models import Order, OrderEvent
from orders.notifications.tasks import order_email_send
from tests.factories import ProductFactory, customer_with_address
from tests.helpers import place
from tests.queueing import FlakyBackend

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(("error", "temporary"), [
    (ConnectionRefusedError(111, "Connection refused"), True),
    (TimeoutError("timed out"), True),
    (smtplib.SMTPServerDisconnected("Connection unexpectedly closed"), True),
    (smtplib.SMTPDataError(451, b"try later"), True),
    (smtplib.SMTPDataError(550, b"no such user"), False),
    (smtplib.SMTPRecipientsRefused({"a@example.com": (450, b"greylisted")}), True),
    (smtplib.SMTPRecipientsRefused({"a@example.com": (550, b"unknown")}), False),
    (AnymailAPIError("no answer", status_code=None), True),
    (AnymailAPIError("throttled", status_code=429), True),
    (AnymailAPIError("provider down", status_code=503), True),
    (AnymailAPIError("bad API key", status_code=401), False),
    (AnymailAPIError("invalid request", status_code=400), False),
    (AnymailRecipientsRefused("all recipients refused"), False),
    (ValueError("a bug"), False),
])
def test_temporary_failures_are_told_from_permanent_ones(error, temporary):
    assert is_temporary(error) is temporary


def test_the_retry_delay_doubles(settings):
    settings.EMAIL_RETRY_SECONDS = 30
    assert [retry_delay(n).total_seconds() for n in (1, 2, 3, 4)] == [30, 60, 120, 240]


def test_each_try_is_on_the_timeline_until_sent(settings, checkout_setup, django_capture_on_commit_callbacks):
    settings.EMAIL_BACKEND = "tests.queueing.FlakyBackend"
    FlakyBackend.calls = 0
    shipping, _ = checkout_setup
    with django_capture_on_commit_callbacks(execute=True):
        order = place(customer_with_address(email="b@example.com"), [(ProductFactory().pk, 1)], shipping,
                      send_confirmation=True).order

    messages = [describe(event) for event in order.events.order_by("pk")]
    assert [m.split(",")[0] for m in messages[-3:-1]] == ["Confirmation email: try 1 of 5 failed",
                                                          "Confirmation email: try 2 of 5 failed"]
    assert messages[-1] == "Confirmation email sent to b@example.com."
    assert len(mail.outbox) == 1
    assert Order.objects.get(pk=order.pk).confirmation_state == Order.EmailState.SENT


def test_a_try_run_twice_sends_once(checkout_setup, django_capture_on_commit_callbacks):
    shipping, _ = checkout_setup
    with django_capture_on_commit_callbacks(execute=True):
        order = place(customer_with_address(email="c@example.com"), [(ProductFactory().pk, 1)], shipping,
                      send_confirmation=True).order
    key = order.events.get(kind=OrderEvent.Kind.CONFIRMATION_SENT).data["key"]

    assert order_email_send.call(order.number, "confirmation", key) == "already handled"
    assert len(mail.outbox) == 1
    assert mail.outbox[0].extra_headers["X-Order-Email-Key"] == key


def test_brevo_gets_the_key_as_its_idempotency_key(settings, checkout_setup, django_capture_on_commit_callbacks):
    settings.EMAIL_BACKEND, settings.ANYMAIL_ESP = "anymail.backends.test.EmailBackend", "brevo"
    shipping, _ = checkout_setup
    with django_capture_on_commit_callbacks(execute=True):
        place(customer_with_address(email="d@example.com"), [(ProductFactory().pk, 1)], shipping,
              send_confirmation=True)
    [message] = mail.outbox
    assert message.anymail_test_params["extra_headers"]["idempotencyKey"] == message.extra_headers["X-Order-Email-Key"]


def test_the_immediate_backend_stores_no_task(checkout_setup, django_capture_on_commit_callbacks):
    shipping, _ = checkout_setup
    with django_capture_on_commit_callbacks(execute=True):
        place(customer_with_address(), [(ProductFactory().pk, 1)], shipping, send_confirmation=True)
    assert not DBTaskResult.objects.exists()
