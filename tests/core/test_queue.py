"""The task queue itself: the database backend, real `manage.py worker` processes and a real SMTP server
(aiosmtpd) receiving the confirmations. On SQLite and PostgreSQL alike."""

from datetime import timedelta
from io import StringIO

import pytest
from django.core.management import call_command
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django_tasks import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from oms.bench.http_load import free_port
from oms.core.queue import tasks_requeue_stuck
from orders.models import Order, OrderEvent
from orders.notifications.services import order_confirmation_request
from tests.queueing import (
    DATABASE_TASKS,
    place_with_confirmation,
    run_worker_until,
    smtp_sink,
    start_worker,
    state,
    stop,
    timeline,
    wait_for,
)


@pytest.fixture
def queue(settings):
    """The database backend, as in production."""
    settings.TASKS = DATABASE_TASKS


@pytest.mark.django_db
def test_an_order_that_commits_has_its_task_and_one_rolled_back_has_none(queue, checkout_setup):
    with pytest.raises(RuntimeError), transaction.atomic():
        place_with_confirmation(checkout_setup, email="rolled-back@example.com")
        assert DBTaskResult.objects.count() == 1  # written in the order's transaction...
        raise RuntimeError("the request failed after placing")
    assert DBTaskResult.objects.count() == 0  # ...and gone with it

    order = place_with_confirmation(checkout_setup)
    [task] = DBTaskResult.objects.all()
    assert task.status == TaskResultStatus.READY
    assert task.task_path == "orders.notifications.tasks.order_email_send"
    assert task.args_kwargs["args"][:2] == [order.number, "confirmation"]
    assert state(order) == Order.EmailState.PENDING


@pytest.mark.django_db
def test_resend_confirmation_queues_another_email_with_its_own_key(queue, checkout_setup):
    order = place_with_confirmation(checkout_setup)
    order_confirmation_request(order=order)
    keys = [task.args_kwargs["args"][2] for task in DBTaskResult.objects.all()]
    assert len(keys) == 2 and len(set(keys)) == 2


@pytest.mark.django_db(transaction=True)
def test_a_worker_process_sends_the_confirmation_over_smtp(queue, checkout_setup):
    port = free_port()
    order = place_with_confirmation(checkout_setup)
    with smtp_sink(port) as received:
        run_worker_until(lambda: state(order) == Order.EmailState.SENT, port)

    [message] = received.received
    assert message["to"] == ["buyer@example.com"] and message["subject"] == f"Order #{order.number} confirmation"
    assert message["key"] == DBTaskResult.objects.get().args_kwargs["args"][2]
    assert DBTaskResult.objects.get().status == TaskResultStatus.SUCCESSFUL
    assert timeline(order)[-1] == "Confirmation email sent to buyer@example.com."


@pytest.mark.django_db(transaction=True)
def test_a_refused_connection_is_tried_again_with_backoff_until_sent(queue, checkout_setup):
    port = free_port()  # nothing listens yet: connection refused
    order = place_with_confirmation(checkout_setup)
    worker = start_worker(port, EMAIL_RETRY_SECONDS="1")
    try:
        failed = OrderEvent.objects.filter(order=order, kind=OrderEvent.Kind.CONFIRMATION_FAILED)
        wait_for(lambda: failed.exists(), worker=worker)
        with smtp_sink(port) as received:
            wait_for(lambda: state(order) == Order.EmailState.SENT, worker=worker)
    finally:
        stop(worker)

    assert len(received.received) == 1
    messages = timeline(order)
    assert messages[-2].startswith("Confirmation email: try 1 of 5 failed, trying again at ")
    assert "ConnectionRefusedError" in messages[-2]
    assert messages[-1] == "Confirmation email sent to buyer@example.com."
    first_try, sent = OrderEvent.objects.filter(order=order).order_by("pk")[len(messages) - 2:]
    assert sent.created_at - first_try.created_at >= timedelta(seconds=1)  # the backoff was waited
    assert sent.data["attempt"] >= 2


@pytest.mark.django_db(transaction=True)
def test_temporary_refusals_stop_after_the_configured_tries(queue, checkout_setup):
    port = free_port()
    order = place_with_confirmation(checkout_setup)
    with smtp_sink(port, reply="451 4.3.0 Mailbox temporarily unavailable"):
        run_worker_until(lambda: state(order) == Order.EmailState.FAILED, port, EMAIL_TRIES="3",
                         EMAIL_RETRY_SECONDS="0.1")

    messages = timeline(order)
    assert [m.split(",")[0] for m in messages[-3:-1]] == ["Confirmation email: try 1 of 3 failed",
                                                          "Confirmation email: try 2 of 3 failed"]
    assert messages[-1].startswith("Confirmation email failed after 3 tries: SMTPDataError: (451")
    assert "451" in Order.objects.get(pk=order.pk).confirmation_error
    tasks = DBTaskResult.objects.order_by("enqueued_at")
    assert [task.status for task in tasks] == [TaskResultStatus.SUCCESSFUL] * 2 + [TaskResultStatus.FAILED]
    assert tasks.last().exception_class_path == "orders.notifications.tasks.EmailNotSent"


@pytest.mark.django_db(transaction=True)
def test_a_permanent_refusal_fails_at_once_and_the_status_command_lists_it(queue, checkout_setup):
    port = free_port()
    order = place_with_confirmation(checkout_setup)
    with smtp_sink(port, reply="550 5.1.1 No such user"):
        run_worker_until(lambda: state(order) == Order.EmailState.FAILED, port)

    assert timeline(order)[-1].startswith("Confirmation email failed: SMTPDataError: (550")
    output = StringIO()
    call_command("queue_status", stdout=output)
    report = output.getvalue()
    assert "Waiting (due now): 0" in report and "Failed: 1" in report
    assert "order_email_send" in report and "EmailNotSent: SMTPDataError: (550" in report


@pytest.mark.django_db(transaction=True)
def test_two_workers_share_the_queue_and_send_each_email_once(queue, checkout_setup):
    port = free_port()
    orders = [place_with_confirmation(checkout_setup, email=f"buyer{n}@example.com") for n in range(24)]
    sent = Order.objects.filter(pk__in=[o.pk for o in orders], confirmation_state=Order.EmailState.SENT)
    with smtp_sink(port) as received:
        workers = [start_worker(port), start_worker(port)]
        try:
            wait_for(lambda: sent.count() == len(orders), timeout=60)
        finally:
            for worker in workers:
                stop(worker)

    keys = [message["key"] for message in received.received]
    assert len(keys) == len(orders) and len(set(keys)) == len(orders)
    assert all(len(task.worker_ids) == 1 for task in DBTaskResult.objects.all())  # each claimed once


@pytest.mark.django_db(transaction=True)
def test_a_task_whose_worker_died_is_put_back_and_never_sends_twice(queue, checkout_setup, settings):
    port = free_port()
    sent_before_dying = place_with_confirmation(checkout_setup, email="sent@example.com")
    with smtp_sink(port) as received:
        run_worker_until(lambda: state(sent_before_dying) == Order.EmailState.SENT, port)
        # Two workers killed mid-task: one after sending and recording, one before sending.
        died_before_sending = place_with_confirmation(checkout_setup, email="unsent@example.com")
        long_ago = timezone.now() - timedelta(seconds=settings.TASK_STUCK_SECONDS + 1)
        DBTaskResult.objects.update(status=TaskResultStatus.RUNNING, started_at=long_ago)

        assert tasks_requeue_stuck() == 2
        run_worker_until(lambda: not DBTaskResult.objects.exclude(status=TaskResultStatus.SUCCESSFUL).exists(), port)

    assert sorted(message["to"][0] for message in received.received) == ["sent@example.com", "unsent@example.com"]
    assert state(died_before_sending) == Order.EmailState.SENT
    assert OrderEvent.objects.filter(order=sent_before_dying, kind=OrderEvent.Kind.CONFIRMATION_SENT).count() == 1


@pytest.mark.django_db
def test_staff_are_told_the_confirmation_is_queued(queue, staff_client, checkout_setup):
    order = place_with_confirmation(checkout_setup)
    response = staff_client.post(reverse("orders:resend", args=[order.number]), follow=True)
    assert "Confirmation email queued for buyer@example.com." in response.content.decode()
    assert DBTaskResult.objects.count() == 2
