"""Holds: Put on hold (Reason, Save hold) and Release hold, Managers only, on the timeline; a held order does not
ship and its invoice says so; the order list's Status offers On hold and the dashboard counts held orders."""

from datetime import date

import pytest
from django.urls import reverse

from orders.changes.services import order_hold, order_hold_release
from orders.events import describe
from orders.fulfilment.models import Carrier, Shipment
from orders.fulfilment.services import ShipmentRequest, shipment_record
from orders.lifecycle import OrderRefused
from orders.models import Order
from orders.reporting.dashboard import awaiting
from orders.selectors import OrderFilters, order_search_page
from tests.factories import OrderFactory, UserFactory
from tests.helpers import submitted_data

pytestmark = pytest.mark.django_db

PUT, RELEASE = ">Put on hold</a>", ">Release hold</button>"  # the controls (the timeline says "Put on hold: ...")


@pytest.fixture
def order(checkout_setup):
    return OrderFactory(shipping=checkout_setup[0])


def ship(order):
    return shipment_record(order=order, request=ShipmentRequest(carrier=Carrier.objects.get_or_create(name="UPS")[0],
                                                                tracking_numbers=[], shipped_on=date.today()))


def test_a_held_order_does_not_ship_until_released_and_the_timeline_says_who_and_why(order, staff):
    order_hold(order=order, reason="Address to confirm", actor=staff)

    with pytest.raises(OrderRefused, match=r"on hold \(Address to confirm\): release the hold"):
        ship(order)
    assert not Shipment.objects.exists() and Order.objects.get().status == "placed"

    order_hold_release(order=order, actor=staff)
    ship(order)
    assert Order.objects.get().status == "shipped"
    held, released = order.events.filter(kind__in=["held", "released"]).order_by("pk")
    assert (describe(held), held.actor) == ("Put on hold: Address to confirm.", staff)
    assert (describe(released), released.actor) == ("Hold released (Address to confirm).", staff)


@pytest.mark.parametrize(("reason", "message"), [("", "Say why"), ("  ", "Say why"), ("x" * 201, "at most 200"),
                                                 ("card 4111 1111 1111 1111", "card number")])
def test_a_hold_needs_a_reason(order, reason, message):
    with pytest.raises(OrderRefused, match=message):
        order_hold(order=order, reason=reason)
    assert not Order.objects.get().on_hold


def test_a_hold_is_put_once_released_once_and_not_on_a_closed_order(order):
    order_hold(order=order, reason="Payment to check")
    with pytest.raises(OrderRefused, match="already on hold"):
        order_hold(order=order, reason="Again")
    order_hold_release(order=order)
    with pytest.raises(OrderRefused, match="not on hold"):
        order_hold_release(order=order)
    Order.objects.filter(pk=order.pk).update(status="completed")
    with pytest.raises(OrderRefused, match="only an order still under way"):
        order_hold(order=order, reason="Too late")


def test_a_manager_puts_on_hold_and_releases_from_the_order_page(staff_client, order):
    page = staff_client.get(order.get_absolute_url()).content.decode()
    assert PUT in page and RELEASE not in page and "Mark shipped" in page

    response = staff_client.post(reverse("orders:hold", args=[order.number]), {"reason": "Address to confirm"})

    assert response.url == order.get_absolute_url()
    page = staff_client.get(order.get_absolute_url()).content.decode()
    assert "On hold: Address to confirm" in page and RELEASE in page
    assert "Mark shipped" not in page and PUT not in page
    invoice = staff_client.get(reverse("orders:invoice", args=[order.number])).content.decode()
    assert "On hold: Address to confirm. Not final." in invoice
    staff_client.post(reverse("orders:release", args=[order.number]))
    assert not Order.objects.get().on_hold
    assert "Not final" not in staff_client.get(reverse("orders:invoice", args=[order.number])).content.decode()


def test_a_hold_without_a_reason_is_shown_again_with_the_message(staff_client, order):
    response = staff_client.post(reverse("orders:hold", args=[order.number]), {"reason": ""})
    assert response.status_code == 400 and "Say why the order is on hold" in response.content.decode()
    assert not Order.objects.get().on_hold


def test_a_clerk_sees_neither_control_and_a_forged_hold_or_release_changes_nothing(client, order):
    client.force_login(UserFactory())  # Order entry
    order_hold(order=order, reason="Payment to check")
    page = client.get(order.get_absolute_url()).content.decode()
    assert RELEASE not in page and PUT not in page and "On hold: Payment to check" in page

    assert client.post(reverse("orders:release", args=[order.number])).status_code == 403
    assert client.post(reverse("orders:hold", args=[order.number]), {"reason": "x"}).status_code == 403
    assert Order.objects.get().on_hold and Order.objects.get().hold_reason == "Payment to check"


def test_the_order_list_status_on_hold_and_the_dashboard_count_held_orders(staff_client, checkout_setup):
    held, other, cancelled_too = (OrderFactory(shipping=checkout_setup[0]) for _ in range(3))
    order_hold(order=held, reason="Fraud check")

    response = staff_client.get(reverse("orders:list"), {"status": "on_hold"})

    assert [found.number for found in response.context["page"]] == [held.number]
    assert [found.number for found in order_search_page("", filters=OrderFilters(on_hold=True, channel="fax"))] == []
    [on_hold] = [waiting for waiting in awaiting(date.today()) if waiting.name == "On hold"]
    assert on_hold.count == 1
    dashboard = staff_client.get(reverse("orders:dashboard")).content.decode()
    assert f'href="{reverse("orders:list")}?status=on_hold">1</a>' in dashboard


EDIT = ">Edit order</button>"


def editor_without_holds():
    """Order entry granted Edit order alone (not holds): what a merchant's own role might be."""
    from django.contrib.auth.models import Permission

    user = UserFactory()
    user.user_permissions.add(Permission.objects.get(codename="edit_order"))
    return user


def test_order_entry_sees_no_edit_order_on_a_held_order_and_a_forged_start_changes_nothing(client, order):
    client.force_login(UserFactory())  # Order entry: no Edit order at all, held or not
    order_hold(order=order, reason="Payment to check")

    assert EDIT not in client.get(order.get_absolute_url()).content.decode()
    assert client.post(reverse("orders:edit_start", args=[order.number])).status_code == 403
    assert Order.objects.get().version == order.version and not client.session.get("order_edits")


def test_a_held_order_is_edited_only_by_those_who_may_release_its_hold(staff_client, order):
    from django.test import Client

    client = Client()  # beside the Manager's
    client.force_login(editor_without_holds())
    assert EDIT in client.get(order.get_absolute_url()).content.decode()
    order_hold(order=order, reason="Address to confirm")

    assert EDIT not in client.get(order.get_absolute_url()).content.decode()
    response = client.post(reverse("orders:edit_start", args=[order.number]), follow=True)
    assert "is on hold (Address to confirm): only a Manager can edit it" in response.content.decode()
    assert response.redirect_chain == [(order.get_absolute_url(), 302)]

    started = staff_client.post(reverse("orders:edit_start", args=[order.number]))  # a Manager still may
    assert started.status_code == 302 and "/edit/" in started.url
    assert EDIT in staff_client.get(order.get_absolute_url()).content.decode()


def test_an_edit_begun_before_the_hold_cannot_be_saved_by_order_entry(client, order):
    client.force_login(editor_without_holds())
    started = client.post(reverse("orders:edit_start", args=[order.number]))
    form = submitted_data(client.get(started.url), ("form", "billing_form", "shipping_form"),
                          **{"shipping-line1": "9 Other St"})
    order_hold(order=order, reason="Fraud check")

    response = client.post(started.url, form, follow=True)

    assert "is on hold (Fraud check): only a Manager can edit it" in response.content.decode()
    current = Order.objects.get()
    assert current.version == order.version and current.shipping_address["line1"] != "9 Other St"
    assert client.get(started.url, follow=True).redirect_chain[-1][0] == order.get_absolute_url()  # discarded


def test_the_lifecycle_says_who_may_edit_a_held_order(order, staff):
    from orders import lifecycle

    order_hold(order=order, reason="Fraud check")
    held = Order.objects.get()
    clerk = editor_without_holds()
    assert lifecycle.can_edit(held) and lifecycle.can_edit(held, user=staff)
    assert not lifecycle.can_edit(held, user=clerk)
    assert lifecycle.why_not_edit(held, user=clerk) == (
        f"Order #{held.number} is on hold (Fraud check): only a Manager can edit it until the hold is released.")
    assert lifecycle.why_not_edit(held, user=staff) == ""


def test_saving_an_edit_of_a_held_order_is_refused_to_order_entry_by_the_service_itself(order, staff):
    import uuid

    from orders.changes.editing import OrderChange, order_edit_save

    order_hold(order=order, reason="Fraud check")
    held = Order.objects.get()
    line = held.lines.get()
    change = OrderChange(version=held.version, token=uuid.uuid4().hex, quantities={line.product_id: line.quantity + 1})

    with pytest.raises(OrderRefused) as refused:
        order_edit_save(order=held, change=change, actor=editor_without_holds())

    assert refused.value.problems == [
        f"Order #{held.number} is on hold (Fraud check): only a Manager can edit it until the hold is released."]
    assert Order.objects.get().version == held.version
    assert order_edit_save(order=held, change=change, actor=staff).changed  # a Manager may
