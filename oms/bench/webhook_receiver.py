"""Webhook deliveries through one task worker: an endpoint registered to a receiver in this process (http.server on
127.0.0.1, answering 204 and verifying each signature with the standardwebhooks package, as a receiver would), N
order.placed events queued with webhook_emit (as an order's timeline queues them, the payload its shape, for the
newest orders), and one `manage.py worker` process with WEBHOOKS_ALLOW_PRIVATE (the receiver is on loopback)
sending them until none is left (--batch).

The deliveries' tasks are given the highest priority and the worker stops after as many tasks, so the figure is
the webhooks' whatever else the scale's database holds queued (the loads' confirmation emails, say). The endpoint,
its deliveries and their tasks are deleted afterwards: nothing the bench places later is sent anywhere."""

import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

from django.db import connection, transaction
from django.db.models import Max, Min
from django.test import override_settings
from django_tasks_db.models import DBTaskResult
from standardwebhooks import Webhook, WebhookVerificationError

from oms.webhooks.models import Delivery, Endpoint, EventType, new_secret
from oms.webhooks.services import webhook_emit
from orders.models import Order

from .cluster import Process
from .http_client import HOST
from .http_load import server_environment
from .measure import Row

FIRST = 100  # the highest task priority: the worker takes these before anything else queued
# Queued in the database as in production (the tests otherwise run tasks at once, in their own process).
DATABASE_TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
DESCRIPTION = "bench receiver (deleted after the run)"


class Receiver:
    """A webhook receiver on 127.0.0.1: answers 204, counts each webhook-id and each signature that fails."""

    def __init__(self, secret: str):
        self.verifier = Webhook(secret)
        self.ids: list[str] = []
        self.bad_signatures = 0
        self.lock = threading.Lock()
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):  # noqa: N802 (http.server's name)
                body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                receiver.receive(body, dict(self.headers))
                self.send_response(204)
                self.end_headers()

            def log_message(self, format, *args):  # noqa: A002 (http.server's signature)
                pass  # quiet: the bench prints its own table

        self.server = ThreadingHTTPServer((HOST, 0), Handler)
        self.thread = threading.Thread(target=self.server.serve_forever, name="webhook-receiver", daemon=True)
        self.thread.start()

    @property
    def url(self) -> str:
        return f"http://{HOST}:{self.server.server_address[1]}/hooks"

    def receive(self, body: bytes, headers: dict[str, str]) -> None:
        try:
            self.verifier.verify(body, {key.lower(): value for key, value in headers.items()})
            bad = 0
        except WebhookVerificationError:
            bad = 1
        with self.lock:
            self.ids.append(headers.get("webhook-id", ""))
            self.bad_signatures += bad

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


def delivery_tasks(ids: list[int]):
    return DBTaskResult.objects.filter(task_path__endswith=".webhook_deliver", args_kwargs__args__0__in=ids)


def queue_events(endpoint: Endpoint, count: int) -> list[int]:
    """``count`` order.placed events of the newest orders, queued for ``endpoint`` alone, their tasks first in the
    queue. Returns the deliveries' ids."""
    with override_settings(TASKS=DATABASE_TASKS), transaction.atomic():
        for order in Order.objects.order_by("-number")[:count]:
            webhook_emit(event_type=EventType.ORDER_PLACED, event_id=f"evt_bench_{order.number}",
                         timestamp=order.created_at,
                         data={"order": order.number, "status": order.status, "total": str(order.total),
                               "customer": order.customer_id, "details": {"total": str(order.total)}})
    ids = list(Delivery.objects.filter(endpoint=endpoint).values_list("pk", flat=True))
    delivery_tasks(ids).update(priority=FIRST)
    return ids


def worker(tasks: int, log: Path) -> Process:
    command = [sys.executable, "manage.py", "worker", "--no-reload", "--no-startup-delay", "--batch", "--max-tasks",
               str(tasks), "--interval", "0.2", "--worker-id", "bench-webhooks", "--verbosity", "0"]
    env = server_environment() | {"WEBHOOKS_ALLOW_PRIVATE": "1", "TASKS_BACKEND": "database"}
    return Process("webhook worker", command, env=env, log=log)


def drain_rows(section: str, *, deliveries: int, log: Path) -> list[Row]:
    case = "Webhook deliveries/s, one worker"
    if connection.vendor != "postgresql":
        return [Row(section, case, "skipped: needs PostgreSQL (the worker is a second process)", unit="")]
    Endpoint.objects.filter(description=DESCRIPTION).delete()  # a run that died before its cleanup
    secret = new_secret()
    receiver = Receiver(secret)
    # Created as the admin would, but over http: Endpoint.clean asks for https unless DEBUG.
    endpoint = Endpoint.objects.create(url=receiver.url, secret=secret, events=[EventType.ORDER_PLACED],
                                       description=DESCRIPTION)
    process = None
    try:
        ids = queue_events(endpoint, deliveries)
        log.parent.mkdir(parents=True, exist_ok=True)
        log.write_bytes(b"")
        started = time.perf_counter()
        process = worker(len(ids), log).start()
        process.process.wait(timeout=120 + len(ids))
        wall = time.perf_counter() - started
        if process.process.returncode:
            raise RuntimeError(f"the webhook worker failed: {log.read_text()[-2000:]}")
        span = delivery_tasks(ids).aggregate(first=Min("started_at"), last=Max("finished_at"))
        seconds = (span["last"] - span["first"]).total_seconds() if span["first"] and span["last"] else 0.0
        succeeded = Delivery.objects.filter(pk__in=ids, status=Delivery.Status.SUCCEEDED).count()
        with receiver.lock:
            received, unique, bad = len(receiver.ids), len(set(receiver.ids)), receiver.bad_signatures
    finally:
        if process is not None:
            process.stop()
        receiver.close()
        delivery_tasks(list(endpoint.deliveries.values_list("pk", flat=True))).delete()
        endpoint.delete()  # and its deliveries
    rate = succeeded / seconds if seconds else 0.0
    problems = [text for text, wrong in ((f"{len(ids) - succeeded} not delivered", succeeded != len(ids)),
                                         (f"{received - unique} received twice", received != unique),
                                         (f"{bad} signatures refused", bad)) if wrong]
    checked = "yes" if not problems else "; ".join(problems)
    return [
        Row(section, case, f"{rate:.1f}", unit="deliveries/s",
            extra={"deliveries": len(ids), "first to last": f"{seconds:.2f} s",
                   "worker process, start to exit": f"{wall:.1f} s"}),
        Row(section, f"Webhook deliveries: each of {len(ids)} received once, signature valid", checked, unit="",
            target="yes", met=not problems),
    ]
