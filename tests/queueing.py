"""The task queue in tests: real worker processes, an SMTP sink, and what an order's email did."""

import os
import subprocess
import sys
import time
from contextlib import contextmanager

from django.core.mail.backends.locmem import EmailBackend as LocmemBackend
from django.db import connection

from oms.bench.smtp_sink import start_sink
from orders.events import describe
from orders.models import Order, OrderEvent
from tests.factories import ProductFactory, customer_with_address
from tests.helpers import ROOT, place

DATABASE_TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}


def database_url() -> str:
    db = connection.settings_dict
    if connection.vendor == "sqlite":
        return f"sqlite:///{db['NAME']}"
    return f"postgres://{db['USER']}@{db['HOST'] or 'localhost'}:{db['PORT'] or 5432}/{db['NAME']}"


def start_worker(smtp_port: int, **environment) -> subprocess.Popen:
    env = os.environ | {
        "DATABASE_URL": database_url(), "DEBUG": "0", "TASKS_BACKEND": "database", "LOG_LEVEL": "INFO",
        "EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend", "EMAIL_HOST": "127.0.0.1",
        "EMAIL_PORT": str(smtp_port), "EMAIL_TIMEOUT": "5", "EMAIL_RETRY_SECONDS": "0.3", "EMAIL_TRIES": "5",
    } | environment
    command = [sys.executable, "manage.py", "worker", "--no-reload", "--no-startup-delay", "--interval", "0.1"]
    return subprocess.Popen(command, cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)


@contextmanager
def smtp_sink(port: int, **options):
    """An aiosmtpd server on ``port`` while the block runs; yields its handler (``.received``)."""
    controller, handler = start_sink(port, **options)
    try:
        yield handler
    finally:
        controller.stop()


def run_worker_until(condition, port: int, **environment) -> None:
    worker = start_worker(port, **environment)
    try:
        wait_for(condition, worker=worker)
    finally:
        stop(worker)


def stop(worker: subprocess.Popen) -> str:
    worker.terminate()
    output, _ = worker.communicate(timeout=20)
    return output


def wait_for(condition, *, timeout: float = 30.0, worker: subprocess.Popen | None = None):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if result := condition():
            return result
        if worker is not None and worker.poll() is not None:
            raise AssertionError(f"the worker exited: {worker.stdout.read()[-3000:]}")
        time.sleep(0.1)
    raise AssertionError("timed out waiting")


def place_with_confirmation(checkout_setup, email="buyer@example.com"):
    shipping, _ = checkout_setup
    return place(customer_with_address(email=email), [(ProductFactory().pk, 1)], shipping,
                 send_confirmation=True).order


def state(order) -> str:
    return Order.objects.values_list("confirmation_state", flat=True).get(pk=order.pk)


def timeline(order) -> list[str]:
    return [describe(event) for event in OrderEvent.objects.filter(order=order).order_by("pk")]


class FlakyBackend(LocmemBackend):
    """Refuses the first two connections, then delivers."""

    calls = 0

    def send_messages(self, messages):
        FlakyBackend.calls += 1
        if FlakyBackend.calls <= 2:
            raise ConnectionRefusedError(111, "Connection refused")
        return super().send_messages(messages)
