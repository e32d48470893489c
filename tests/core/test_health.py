"""/healthz answers probes without a login and names what is wrong; logs carry the request id, into tasks too."""

import json
import subprocess
import sys
from datetime import timedelta

import pytest
from django.core.mail.backends.locmem import EmailBackend as LocmemBackend
from django.db import OperationalError
from django.db.migrations.executor import MigrationExecutor
from django.urls import reverse
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from oms.core import health
from oms.core.requestid import current_request_id
from tests.factories import ProductFactory
from tests.helpers import ROOT, add, checkout_form
from tests.queueing import DATABASE_TASKS, place_with_confirmation

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def fresh_migration_check(monkeypatch):
    monkeypatch.setattr(health, "_migrated", False)


def test_healthz_is_ok_without_login_and_shows_no_data(client):
    response = client.get(reverse("healthz"))
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok", "migrations": "ok", "queue": "ok"}
    assert "no-store" in response["Cache-Control"]
    assert "sessionid" not in response.cookies


def test_healthz_is_not_redirected_to_https(client, settings):
    settings.SECURE_SSL_REDIRECT = True
    assert client.get(reverse("healthz")).status_code == 200
    assert client.get(reverse("login")).status_code == 301


def test_healthz_fails_when_a_due_task_waited_too_long(client, settings, checkout_setup):
    settings.TASKS = DATABASE_TASKS
    place_with_confirmation(checkout_setup)
    assert client.get(reverse("healthz")).json()["queue"] == "ok"  # just queued
    DBTaskResult.objects.update(enqueued_at=timezone.now() - timedelta(seconds=settings.TASK_STUCK_SECONDS + 5))
    response = client.get(reverse("healthz"))
    assert response.status_code == 503
    assert response.json() == {"status": "fail", "database": "ok", "migrations": "ok", "queue": "stuck"}


def test_healthz_fails_when_a_task_runs_too_long(client, settings, checkout_setup):
    settings.TASKS = DATABASE_TASKS
    place_with_confirmation(checkout_setup)
    DBTaskResult.objects.update(status="RUNNING", started_at=timezone.now() - timedelta(hours=1))
    assert client.get(reverse("healthz")).json()["queue"] == "stuck"


def test_healthz_fails_when_migrations_are_pending(client, monkeypatch):
    monkeypatch.setattr(MigrationExecutor, "migration_plan", lambda self, targets: [("orders", "0099_new")])
    response = client.get(reverse("healthz"))
    assert response.status_code == 503 and response.json()["migrations"] == "pending"


def test_healthz_fails_when_the_database_is_unreachable(client, monkeypatch):
    def refuse(*args, **kwargs):
        raise OperationalError("connection refused")

    monkeypatch.setattr("django.db.backends.utils.CursorWrapper.execute", refuse)
    response = client.get(reverse("healthz"))
    assert response.status_code == 503 and response.json() == {"status": "fail", "database": "unreachable"}


def test_a_request_id_is_given_back_and_a_sane_one_from_the_proxy_is_kept(client):
    assert len(client.get(reverse("healthz"))["X-Request-ID"]) == 32
    assert client.get(reverse("healthz"), HTTP_X_REQUEST_ID="nginx-42")["X-Request-ID"] == "nginx-42"
    assert client.get(reverse("healthz"), HTTP_X_REQUEST_ID="bad id\n")["X-Request-ID"] != "bad id\n"


class RequestIdBackend(LocmemBackend):
    seen: list[str] = []

    def send_messages(self, messages):
        RequestIdBackend.seen.append(current_request_id())
        return super().send_messages(messages)


def test_the_task_a_request_queues_logs_with_its_request_id(settings, staff_client, checkout_setup, new_cart,
                                                            django_capture_on_commit_callbacks):
    settings.EMAIL_BACKEND = "tests.core.test_health.RequestIdBackend"
    RequestIdBackend.seen = []
    from tests.factories import customer_with_address

    ProductFactory(sku="RID")
    cart_id = new_cart(customer_with_address(email="rid@example.com"))
    add(staff_client, cart_id, "RID")
    with django_capture_on_commit_callbacks(execute=True):
        staff_client.post(reverse("orders:checkout", args=[cart_id]), checkout_form(staff_client, cart_id),
                          HTTP_X_REQUEST_ID="checkout-7")
    assert RequestIdBackend.seen == ["checkout-7"]


def test_the_queued_task_carries_the_request_id(settings, staff_client, checkout_setup, new_cart):
    settings.TASKS = DATABASE_TASKS
    from tests.factories import customer_with_address

    ProductFactory(sku="RID")
    cart_id = new_cart(customer_with_address(email="rid@example.com"))
    add(staff_client, cart_id, "RID")
    staff_client.post(reverse("orders:checkout", args=[cart_id]), checkout_form(staff_client, cart_id),
                      HTTP_X_REQUEST_ID="checkout-8")
    assert DBTaskResult.objects.get().args_kwargs["kwargs"]["request_id"] == "checkout-8"


def test_production_logs_are_json_lines_with_the_request_id():
    code = ("import django, logging; django.setup(); from oms.core.requestid import request_id_bound\n"
            "with request_id_bound('r-1'):\n    logging.getLogger('orders').warning('hello %s', 'there')")
    result = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=60,
                            env={"DJANGO_SETTINGS_MODULE": "oms.settings", "SECRET_KEY": "k", "DEBUG": "0",
                                 "PATH": "/usr/bin:/bin"}, check=True)
    line = json.loads(result.stderr.strip().splitlines()[-1])
    assert line["message"] == "hello there" and line["request_id"] == "r-1"
    assert line["level"] == "WARNING" and line["logger"] == "orders"
