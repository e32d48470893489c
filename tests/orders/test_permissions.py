"""Controls a role may not use are not shown, and a forged request for one gets 403 and changes nothing."""

import pytest
from django.contrib.auth.models import Permission
from django.urls import reverse

from oms.accounts.roles import MANAGER
from orders.models import Order
from tests.factories import OrderFactory, ProductFactory, UserFactory
from tests.helpers import verified

pytestmark = pytest.mark.django_db

MANAGER_CONTROLS = [b"Cancel order", b"Mark processing", b"Save email address"]


@pytest.fixture
def order(checkout_setup):
    return OrderFactory(lines=[(ProductFactory(sku="PRM", stock=5), 2)], shipping=checkout_setup[0])


@pytest.fixture
def clerk_client(client):
    client.force_login(UserFactory(username="olga"))  # Order entry
    return client


def test_order_entry_sees_the_order_without_manager_controls(clerk_client, order):
    page = clerk_client.get(order.get_absolute_url()).content
    assert b"Resend confirmation" in page and b"Save note" in page
    assert [control for control in MANAGER_CONTROLS if control in page] == []


def test_a_manager_sees_them(client, order):
    manager = UserFactory(username="maria", role=MANAGER)
    client.force_login(manager)
    verified(client, manager)
    page = client.get(order.get_absolute_url()).content
    assert [control for control in MANAGER_CONTROLS if control not in page] == []


@pytest.mark.parametrize(("url_name", "data"), [
    ("orders:cancel", {"reason": "forged"}),
    ("orders:status", {"status": "processing"}),
    ("orders:email", {"email": "thief@example.net"}),
])
def test_forged_manager_requests_from_order_entry_are_refused_and_change_nothing(clerk_client, order, url_name,
                                                                                  data):
    response = clerk_client.post(reverse(url_name, args=[order.number]), data)
    assert response.status_code == 403
    after = Order.objects.get()
    assert (after.status, after.customer_email) == (order.status, order.customer_email)
    assert list(after.events.values_list("kind", flat=True)) == ["placed"]


def test_staff_with_no_role_may_not_take_orders(client, order):
    client.force_login(UserFactory(username="nobody", role=""))
    assert client.get(reverse("orders:list")).status_code == 403
    assert client.post(reverse("orders:new")).status_code == 403
    assert client.get(reverse("customers:list")).status_code == 403


def test_admin_status_and_cancel_actions_need_their_permissions(client, order):
    viewer = UserFactory(username="vera", role="")
    viewer.user_permissions.add(Permission.objects.get(codename="view_order"))
    client.force_login(viewer)
    changelist = reverse("admin:orders_order_changelist")
    page = client.get(changelist).content
    assert b"mark_processing" not in page and b"cancel_with_restock" not in page
    client.post(changelist, {"action": "cancel_with_restock", "_selected_action": [order.pk]})
    client.post(changelist, {"action": "mark_processing", "_selected_action": [order.pk]})
    assert Order.objects.get().status == "placed"
