"""Webhooks in the admin: Administrators register endpoints (https, a generated secret read-only once saved) and
Resend deliveries; a role without the permission is refused Resend with 403 and nothing is sent."""

import pytest
from django.contrib.auth.models import Permission
from django.core.exceptions import ValidationError
from django.urls import reverse

from oms.accounts.roles import ADMINISTRATOR, MANAGER
from oms.webhooks.models import Delivery, Endpoint
from oms.webhooks.services import webhook_emit
from oms.webhooks.tasks import webhook_deliver
from tests.helpers import logged_in

pytestmark = pytest.mark.django_db

CHANGELIST = "admin:webhooks_delivery_changelist"


@pytest.fixture
def delivered(endpoint, hooks) -> Delivery:
    webhook_emit(event_type="order.paid", event_id="evt_order_7", data={"order": 7})
    delivery = Delivery.objects.get()
    assert webhook_deliver.call(delivery.pk, 1) == "succeeded"
    return delivery


def resend(client, delivery):
    return client.post(reverse(CHANGELIST), {"action": "resend", "_selected_action": [delivery.pk]})


def test_an_administrator_resends_a_delivery(delivered, hooks, django_capture_on_commit_callbacks):
    client, _ = logged_in(ADMINISTRATOR)
    assert b"Resend selected deliveries" in client.get(reverse(CHANGELIST)).content

    with django_capture_on_commit_callbacks(execute=True):
        response = resend(client, delivered)

    assert response.status_code == 302
    assert [request.headers["webhook-id"] for request in hooks.received] == ["evt_order_7", "evt_order_7"]
    delivered.refresh_from_db()
    assert (delivered.status, delivered.attempts) == (Delivery.Status.SUCCEEDED, 2)


@pytest.mark.parametrize("role", [MANAGER, "viewer"])
def test_resend_is_refused_without_the_permission(delivered, hooks, role, django_capture_on_commit_callbacks):
    client, user = logged_in("" if role == "viewer" else role, role.lower())
    if role == "viewer":  # may read the log, not resend
        user.user_permissions.add(Permission.objects.get(codename="view_delivery"))

    with django_capture_on_commit_callbacks(execute=True):
        response = resend(client, delivered)

    assert response.status_code == 403
    assert len(hooks.received) == 1
    assert Delivery.objects.get().attempts == 1


def test_the_delivery_log_shows_status_code_duration_and_attempts(delivered):
    client, _ = logged_in(ADMINISTRATOR)
    page = client.get(reverse(CHANGELIST)).content.decode()
    assert "Succeeded" in page and "evt_order_7" in page and "order.paid" in page
    assert client.get(reverse("admin:webhooks_delivery_change", args=[delivered.pk])).status_code == 200
    assert client.get(reverse("admin:webhooks_delivery_add")).status_code == 403


def test_an_administrator_registers_an_endpoint_with_a_generated_secret(settings):
    client, _ = logged_in(ADMINISTRATOR)
    form = client.get(reverse("admin:webhooks_endpoint_add")).context["adminform"].form
    secret = form.initial["secret"] if "secret" in form.initial else form.fields["secret"].initial()

    response = client.post(reverse("admin:webhooks_endpoint_add"), {
        "url": "https://erp.example.com/hooks", "description": "ERP", "events": ["order.placed", "order.paid"],
        "secret": secret, "is_active": "on"})

    assert response.status_code == 302, response.context["adminform"].form.errors
    endpoint = Endpoint.objects.get()
    assert (endpoint.events, endpoint.secret) == (["order.placed", "order.paid"], secret)
    assert secret.startswith("whsec_")
    change = client.get(reverse("admin:webhooks_endpoint_change", args=[endpoint.pk]))
    assert "secret" not in change.context["adminform"].form.fields and secret in change.content.decode()


def test_an_endpoint_must_be_https_unless_debug(settings):
    endpoint = Endpoint(url="http://erp.example.com/hooks", events=["order.placed"])
    with pytest.raises(ValidationError, match="https"):
        endpoint.full_clean()
    settings.DEBUG = True
    endpoint.full_clean()


def test_an_endpoint_takes_only_events_from_the_list():
    with pytest.raises(ValidationError, match="events"):
        Endpoint(url="https://erp.example.com/hooks", events=["order.exploded"]).full_clean()
