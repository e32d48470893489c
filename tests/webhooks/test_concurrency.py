"""At most WEBHOOK_CONCURRENCY deliveries to one endpoint are in flight: a try that finds every place taken is
queued again a few seconds later instead of waiting, so one slow receiver cannot hold the workers."""

from datetime import timedelta
from itertools import count

import pytest
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from oms.webhooks.models import Delivery
from oms.webhooks.services import webhook_emit
from oms.webhooks.tasks import webhook_deliver
from tests.helpers import postgres_only, run_concurrently
from tests.queueing import DATABASE_TASKS


def emit(how_many: int) -> list[Delivery]:
    for number in range(how_many):
        webhook_emit(event_type="order.placed", event_id=f"evt_order_{number}", data={"order": number})
    return list(Delivery.objects.order_by("pk"))


@pytest.mark.django_db
def test_a_try_finding_every_place_taken_is_queued_again_shortly_and_sends_nothing(endpoint, hooks, settings):
    settings.WEBHOOK_CONCURRENCY, settings.TASKS = 2, DATABASE_TASKS
    first, second, third = emit(3)
    Delivery.objects.filter(pk__in=[first.pk, second.pk]).update(status=Delivery.Status.SENDING, attempts=1,
                                                                 sending_since=timezone.now())
    DBTaskResult.objects.all().delete()  # the tries emit queued

    assert webhook_deliver.call(third.pk, 1) == "busy"

    assert hooks.received == []
    [again] = DBTaskResult.objects.all()
    assert again.args_kwargs["args"] == [third.pk, 1]
    assert timezone.now() + timedelta(seconds=4) < again.run_after < timezone.now() + timedelta(seconds=11)
    assert Delivery.objects.get(pk=third.pk).status == Delivery.Status.PENDING


@pytest.mark.django_db
def test_a_place_held_by_a_lost_worker_or_freed_is_taken(endpoint, hooks, settings):
    settings.WEBHOOK_CONCURRENCY = 1
    first, second = emit(2)
    lost = timezone.now() - timedelta(seconds=settings.TASK_STUCK_SECONDS + 1)
    Delivery.objects.filter(pk=first.pk).update(status=Delivery.Status.SENDING, attempts=1, sending_since=lost)

    assert webhook_deliver.call(second.pk, 1) == "succeeded"


@postgres_only
@pytest.mark.django_db(transaction=True)
def test_concurrent_tries_to_a_slow_receiver_never_exceed_the_cap(endpoint, hooks, settings):
    settings.WEBHOOK_CONCURRENCY, settings.TASKS = 2, DATABASE_TASKS
    hooks.delay = 0.5
    deliveries = emit(5)
    DBTaskResult.objects.all().delete()
    picks = count()

    results = run_concurrently(lambda: webhook_deliver.call(deliveries[next(picks)].pk, 1), times=5)

    assert sorted(results) == ["busy", "busy", "busy", "succeeded", "succeeded"]
    assert hooks.most_in_flight == 2 and len(hooks.received) == 2
    assert DBTaskResult.objects.count() == 3  # each busy try queued again
