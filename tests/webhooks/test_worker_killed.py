"""A real `manage.py worker` SIGKILLed while the receiver holds its answer: another worker takes the task back
(TASK_STUCK_SECONDS) and sends the event again with the same webhook-id, which the receiver drops as a duplicate."""

import pytest
from django.db import transaction
from django_tasks_db.models import DBTaskResult
from standardwebhooks import Webhook

from oms.bench.http_load import free_port
from oms.webhooks.models import Delivery, Endpoint, EventType
from oms.webhooks.services import webhook_emit
from tests.queueing import DATABASE_TASKS, start_worker, stop, wait_for


@pytest.mark.django_db(transaction=True)
def test_a_worker_killed_mid_delivery_is_replaced_and_the_event_is_sent_again_with_its_id(settings, hooks):
    settings.TASKS = DATABASE_TASKS
    endpoint = Endpoint.objects.create(url=hooks.url, events=[EventType.CUSTOMER_CREATED], description="Warehouse")
    with transaction.atomic():
        webhook_emit(event_type=EventType.CUSTOMER_CREATED, event_id="evt_customer_7", data={"id": 7})
    delivery = Delivery.objects.get()
    environment = {"WEBHOOKS_ALLOW_PRIVATE": "1", "TASK_STUCK_SECONDS": "1"}
    hooks.delay = 4.0  # the first answer is held while its worker waits

    first = start_worker(free_port(), **environment)
    try:
        wait_for(lambda: hooks.in_flight == 1, worker=first)
    finally:
        first.kill()  # SIGKILL: no cleanup, the task stays "running" and the delivery "sending"
        first.communicate(timeout=20)
    hooks.delay = 0.0
    second = start_worker(free_port(), **environment)
    try:
        wait_for(lambda: Delivery.objects.get(pk=delivery.pk).status == Delivery.Status.SUCCEEDED, worker=second)
        wait_for(lambda: len(hooks.received) == 2)  # the held answer arrives too, to a worker long gone
    finally:
        stop(second)

    ids = [request.headers["webhook-id"] for request in hooks.received]
    assert ids == ["evt_customer_7", "evt_customer_7"]
    verifier = Webhook(endpoint.secret)
    for request in hooks.received:
        verifier.verify(request.body, {key.lower(): value for key, value in request.headers.items()})
    [task] = DBTaskResult.objects.filter(task_path__endswith=".webhook_deliver")
    assert len(task.worker_ids) == 2  # the same task, run by the killed worker and by its replacement
