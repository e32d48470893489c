"""Cancel order: a reason, the stock of tracked products back, on the timeline; never for a shipped order."""

import pytest
from django.urls import reverse

from catalog.models import Product
from orders.changes.services import order_cancel, order_status_change
from orders.events import describe
from orders.lifecycle import OrderRefused
from orders.models import Order
from tests.factories import OrderFactory, ProductFactory
from tests.helpers import postgres_only, run_concurrently

pytestmark = pytest.mark.django_db


@pytest.fixture
def order(checkout_setup):
    tracked = ProductFactory(sku="TRK", stock=10)
    untracked = ProductFactory(sku="SVC", stock=0, track_inventory=False)
    return OrderFactory(lines=[(tracked, 3), (untracked, 2)], shipping=checkout_setup[0])


def stock(sku: str) -> int:
    return Product.objects.get(sku=sku).stock


def test_cancel_gives_tracked_stock_back_and_says_so_on_the_timeline(order, staff):
    assert stock("TRK") == 7

    cancelled = order_cancel(order=order, reason="customer changed their mind", actor=staff)

    assert cancelled.changed and cancelled.order.status == "cancelled"
    assert cancelled.restocked == {"TRK": 3}
    assert (stock("TRK"), stock("SVC")) == (10, 0)
    event = order.events.get(kind="cancelled")
    assert event.actor == staff
    assert event.data == {"reason": "customer changed their mind", "restocked": {"TRK": 3}}
    assert describe(event) == "Cancelled: customer changed their mind. Restocked 3 x TRK."


def test_cancelling_twice_restocks_once(order):
    order_cancel(order=order, reason="first")
    second = order_cancel(order=order, reason="second")
    assert not second.changed
    assert stock("TRK") == 10
    assert order.events.filter(kind="cancelled").count() == 1


@pytest.mark.parametrize("status", ["shipped", "completed"])
def test_a_shipped_order_cannot_be_cancelled(order, status):
    Order.objects.filter(pk=order.pk).update(status=status)
    with pytest.raises(OrderRefused, match="a shipped order cannot be cancelled"):
        order_cancel(order=order, reason="too late")
    assert stock("TRK") == 7
    assert Order.objects.get().status == status


def test_cancelling_is_not_a_plain_status_change(order):
    with pytest.raises(OrderRefused):
        order_status_change(order=order, status="cancelled")
    assert stock("TRK") == 7


def test_the_order_page_cancels_after_asking_for_a_reason(staff_client, order):
    page = staff_client.get(order.get_absolute_url())
    assert b"Cancel order" in page.content
    url = reverse("orders:cancel", args=[order.number])
    form = staff_client.get(url)
    assert b"Reason" in form.content and b"Confirm cancellation" in form.content

    response = staff_client.post(url, {"reason": "duplicate of a phone order"}, follow=True)

    assert b"Order #%d cancelled. Restocked 3 x TRK." % order.number in response.content
    assert b"Cancel order" not in response.content
    assert stock("TRK") == 10


@pytest.mark.parametrize(
    ("reason", "message"),
    [("", "Say why the order is cancelled"), ("x" * 10_000, "at most 500 characters"),
     ("oops\x00", "Null characters are not allowed"), ("card 4111 1111 1111 1111", "Never store card numbers")],
)
def test_a_bad_reason_is_refused_next_to_the_field_and_nothing_changes(staff_client, order, reason, message):
    response = staff_client.post(reverse("orders:cancel", args=[order.number]), {"reason": reason})
    assert response.status_code == 400
    assert message in " ".join(response.context["form"].errors["reason"])
    assert response.context["form"]["reason"].value() == reason
    assert Order.objects.get().status == "placed" and stock("TRK") == 7


def test_orders_cannot_be_deleted_in_the_admin_but_can_be_cancelled_there(admin_client, order):
    changelist = reverse("admin:orders_order_changelist")
    assert admin_client.get(reverse("admin:orders_order_delete", args=[order.pk])).status_code == 403
    response = admin_client.post(changelist, {"action": "delete_selected", "_selected_action": [order.pk]})
    assert Order.objects.filter(pk=order.pk).exists()

    response = admin_client.post(changelist, {"action": "cancel_with_restock", "_selected_action": [order.pk]},
                                 follow=True)

    assert b"1 order(s) cancelled and restocked." in response.content
    assert stock("TRK") == 10


@postgres_only
@pytest.mark.django_db(transaction=True)
def test_two_cancels_at_once_restock_once(checkout_setup):
    product = ProductFactory(sku="RACE", stock=5)
    placed = OrderFactory(lines=[(product, 2)], shipping=checkout_setup[0])

    results = run_concurrently(lambda: order_cancel(order=placed, reason="race"), times=4)

    assert [result.changed for result in results].count(True) == 1
    assert stock("RACE") == 5
    assert placed.events.filter(kind="cancelled").count() == 1
