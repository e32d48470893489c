"""Background work of webhooks: one try of one delivery, from the task queue (oms/core/queue.py)."""

import json
import logging

from django.utils import timezone
from django_tasks import task

from oms.core.requestid import request_id_bound

from . import sending, services
from .models import Delivery

logger = logging.getLogger(__name__)


@task()
def webhook_deliver(delivery_id: int, attempt: int = 1, request_id: str = "") -> str:
    """Make try ``attempt`` of a delivery: take a place among its endpoint's deliveries in flight, POST the signed
    event, record the outcome (queueing the next try on failure). Safe to run twice: a try that is no longer due
    (it already ran, the delivery succeeded or gave up) sends nothing. Returns what happened."""
    with request_id_bound(request_id):
        claimed = services.delivery_claim(delivery_id=delivery_id, attempt=attempt)
        if not isinstance(claimed, Delivery):
            logger.info("Webhook delivery %s, try %s: %s", delivery_id, attempt, claimed)
            return claimed
        body = json.dumps(claimed.payload, separators=(",", ":"))
        headers = sending.signed_headers(secret=claimed.endpoint.secret, event_id=claimed.event_id, body=body,
                                         at=timezone.now())
        outcome = sending.post(claimed.endpoint.url, body, headers)
        result = services.delivery_record(delivery=claimed, outcome=outcome)
        log = logger.info if outcome.succeeded else logger.warning
        log("Webhook delivery %s (%s) try %s: %s, %s", delivery_id, claimed.event_id, attempt, result,
            outcome.error or outcome.status_code)
        return result

