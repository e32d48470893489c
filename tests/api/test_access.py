"""Who may call what: each endpoint x each role x method answers 403 exactly when the role lacks the permission
its page checks; tokens that must not work are refused."""

from datetime import timedelta

import pytest
from django.contrib.auth.models import Group
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice

from oms.accounts.roles import ADMINISTRATOR, MANAGER, ORDER_ENTRY, ROLES
from oms.api.models import ApiToken
from oms.api.services import api_token_create
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

# (URL name, method) -> the permission the matching page checks
ENDPOINTS = {
    ("api:customers", "get"): "customers.view_customer", ("api:customers", "post"): "customers.add_customer",
    ("api:customer", "get"): "customers.view_customer", ("api:customer", "patch"): "customers.change_customer",
    ("api:products", "get"): "catalog.view_product", ("api:product", "get"): "catalog.view_product",
    ("api:orders", "get"): "orders.view_order", ("api:orders", "post"): "orders.place_order",
    ("api:order", "get"): "orders.view_order", ("api:order", "patch"): "orders.edit_order",
    ("api:order_cancel", "post"): "orders.cancel_order",
    ("api:order_hold", "post"): "orders.hold_order", ("api:order_release", "post"): "orders.hold_order",
    ("api:order_payments", "post"): "orders.record_payment",
    ("api:order_shipments", "post"): "orders.record_shipment",
}
ARGUMENTS = {"api:customer": [1], "api:product": [1], "api:order": [1], "api:order_cancel": [1],
             "api:order_hold": [1], "api:order_release": [1], "api:order_payments": [1], "api:order_shipments": [1]}


def url(name: str) -> str:
    return reverse(name, args=ARGUMENTS.get(name, []))


def call(client: Client, name: str, method: str):
    return getattr(client, method)(url(name), {}, content_type="application/json", HTTP_IDEMPOTENCY_KEY="k")


def test_every_api_url_is_in_the_table():
    from tests.helpers import our_url_names

    ours = {name for name, _ in our_url_names() if name.startswith("api:")}
    assert ours - {"api:schema", "api:docs"} == {name for name, _ in ENDPOINTS}


@pytest.mark.parametrize("role", ["", ORDER_ENTRY, MANAGER, ADMINISTRATOR], ids=lambda role: role or "no role")
def test_each_role_reaches_exactly_what_its_permissions_allow(api_client, role):
    client, _, _ = api_client(role)
    allowed = set(ROLES.get(role, []))
    wrong = []
    for (name, method), permission in ENDPOINTS.items():
        status = call(client, name, method).status_code
        if (status == 403) == (permission in allowed) or status >= 500:
            wrong.append(f"{method.upper()} {name}: {status}")
    assert wrong == []


@pytest.mark.parametrize(("name", "method"), list(ENDPOINTS))
def test_anonymous_requests_get_401_not_a_login_page(client, name, method):
    response = call(client, name, method)
    assert response.status_code == 401
    assert response["WWW-Authenticate"] == 'Bearer realm="api"'
    assert response["Content-Type"] == "application/problem+json"


def refused(key: str) -> int:
    return Client(HTTP_AUTHORIZATION=f"Bearer {key}").get(reverse("api:orders")).status_code


def test_a_revoked_token_is_refused(api_client):
    client, user, key = api_client(ORDER_ENTRY)
    assert client.get(reverse("api:orders")).status_code == 200
    ApiToken.objects.filter(user=user).update(revoked_at=timezone.now())
    assert refused(key) == 401


def test_an_expired_token_is_refused_from_the_day_after_it_expires(db):
    user = UserFactory(username="clerk", role=ORDER_ENTRY)
    _, today = api_token_create(user=user, name="Today", expires=timezone.localdate())
    _, yesterday = api_token_create(user=user, name="Yesterday", expires=timezone.localdate() - timedelta(days=1))
    assert refused(today) == 200
    assert refused(yesterday) == 401


@pytest.mark.parametrize("key", ["oms_unknown", "", "oms_" + "x" * 5000, "oms_\u202e²", "Basic abc"])
def test_unknown_keys_are_refused(db, key):
    assert refused(key) == 401


def test_a_user_whose_role_was_removed_reaches_nothing(api_client):
    client, user, _ = api_client(ORDER_ENTRY)
    user.groups.clear()
    assert client.get(reverse("api:orders")).status_code == 403


@pytest.mark.parametrize("change", [{"is_staff": False}, {"is_active": False}])
def test_a_user_no_longer_staff_or_active_is_refused(api_client, change):
    client, user, _ = api_client(ORDER_ENTRY)
    type(user).objects.filter(pk=user.pk).update(**change)
    assert client.get(reverse("api:orders")).status_code == 401


@pytest.mark.parametrize("role", [MANAGER, ADMINISTRATOR])
def test_a_manager_or_administrator_without_a_second_factor_is_refused(api_client, role):
    client, user, _ = api_client(role)
    TOTPDevice.objects.filter(user=user).update(confirmed=False)
    response = client.get(reverse("api:orders"))
    assert response.status_code == 401
    assert "second factor" in response.json()["detail"]


def test_a_role_added_later_needs_the_second_factor_too(api_client):
    client, user, _ = api_client(ORDER_ENTRY)
    user.groups.add(Group.objects.get(name=MANAGER))
    assert client.get(reverse("api:orders")).status_code == 401


def test_requests_beyond_the_rate_are_refused_with_429(api_client, settings):
    settings.API_RATE = "2/min"
    client, _, _ = api_client(ORDER_ENTRY)
    statuses = [client.get(reverse("api:products")).status_code for _ in range(3)]
    assert statuses == [200, 200, 429]
    other, _, _ = api_client(ORDER_ENTRY, "other-clerk")
    assert other.get(reverse("api:products")).status_code == 200  # counted per token
