"""Credit limits on the screens: `Credit limit` and `Available credit` on the customer record and the cart's customer
panel, checkout's warning before `Submit order` (and the hold it warned of), the admin where Managers set limits."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone
from selectolax.lexbor import LexborHTMLParser

from customers.models import CustomerType
from oms.accounts.roles import ORDER_ENTRY
from orders.models import Order
from tests.factories import ProductFactory, ShippingMethodFactory, UserFactory, customer_with_address
from tests.helpers import checkout_form, place

pytestmark = pytest.mark.django_db

D = Decimal


@pytest.fixture
def account(db):
    """A customer of a type that pays on account only, 1,000.00 limit, owing 950.00; widgets at 100.00, no shipping
    charge or tax."""
    kind = CustomerType.objects.create(name="Trade", credit_limit=D("1000.00"), payment_methods=["on_account"])
    customer = customer_with_address(customer_type=kind, first_name="Ada", last_name="Quill")
    widget = ProductFactory(sku="W-100", price=D("100.00"), stock=100)
    half = ProductFactory(sku="W-050", price=D("50.00"), stock=100)
    pickup = ShippingMethodFactory(name="Pickup", price=D("0.00"))
    place(customer, [(widget.pk, 9), (half.pk, 1)], pickup, payment_method="on_account")
    return customer


def text(response, selector: str) -> str:
    return LexborHTMLParser(response.content.decode()).css_first(selector).text(strip=True)


def test_the_customer_record_shows_the_limit_and_the_available_credit(staff_client, account):
    response = staff_client.get(account.get_absolute_url())

    assert text(response, "#credit-limit") == "$1,000.00"
    assert text(response, "#credit-exposure") == "$950.00"
    assert text(response, "#available-credit") == "$50.00"
    assert text(response, "#credit-overdue") == "None"
    page = response.content.decode()
    assert "Credit limit" in page and "Available credit" in page


def test_a_customer_without_a_limit_reads_no_limit(staff_client):
    response = staff_client.get(customer_with_address().get_absolute_url())
    assert text(response, "#credit-limit") == "No limit" and text(response, "#available-credit") == "No limit"


def test_the_cart_panel_shows_the_limit_the_available_credit_and_overdue_invoices(staff_client, account, new_cart):
    cart_id = new_cart(account)
    panel = text(staff_client.get(reverse("orders:cart", args=[cart_id])), ".customer-panel")
    assert "Credit limit $1,000.00" in panel and "Available credit $50.00" in panel and "overdue" not in panel

    Order.objects.update(due_date=timezone.localdate() - timedelta(days=3))
    panel = text(staff_client.get(reverse("orders:cart", args=[cart_id])), ".customer-panel")
    assert "1 overdue invoice, $950.00" in panel


def test_the_cart_panel_says_nothing_of_credit_for_a_customer_without_a_limit(staff_client, new_cart):
    cart_id = new_cart(customer_with_address())
    panel = text(staff_client.get(reverse("orders:cart", args=[cart_id])), ".customer-panel")
    assert "Credit limit" not in panel and "Available credit" not in panel


def test_checkout_warns_of_the_hold_and_submitting_places_the_order_on_hold(staff_client, account, new_cart):
    cart_id = new_cart(account)
    staff_client.post(reverse("orders:cart_add", args=[cart_id]), {"query": "W-100", "quantity": 1})
    Order.objects.update(due_date=timezone.localdate() - timedelta(days=3))

    response = staff_client.get(reverse("orders:checkout", args=[cart_id]))

    assert text(response, "#credit-warning") == ("This order will be held: over the credit limit by $50.00. "
                                                 "The customer has 1 overdue invoice, $950.00.")
    response = staff_client.post(reverse("orders:checkout", args=[cart_id]), checkout_form(staff_client, cart_id))
    order = Order.objects.latest("number")
    assert response.url == order.get_absolute_url()
    assert (order.on_hold, order.hold_reason) == (True, "Over the credit limit by $50.00")
    page = staff_client.get(order.get_absolute_url()).content.decode()
    assert "On hold: Over the credit limit by $50.00" in page and ">Release hold</button>" in page


def test_checkout_warns_of_no_hold_for_an_order_not_paid_on_credit(staff_client, account, new_cart):
    account.customer_type.payment_methods = ["check", "on_account"]
    account.customer_type.save()
    cart_id = new_cart(account)
    staff_client.post(reverse("orders:cart_add", args=[cart_id]), {"query": "W-100", "quantity": 3})

    by_check = staff_client.get(reverse("orders:checkout", args=[cart_id]))
    redrawn = staff_client.post(reverse("orders:checkout_review", args=[cart_id]),
                                checkout_form(staff_client, cart_id, payment_method="on_account"))

    assert 'id="credit-warning"' not in by_check.content.decode()
    assert text(redrawn, "#credit-warning") == "This order will be held: over the credit limit by $250.00."
    staff_client.post(reverse("orders:checkout", args=[cart_id]), checkout_form(staff_client, cart_id))
    assert not Order.objects.latest("number").on_hold


def test_within_the_limit_checkout_says_nothing_and_the_order_is_not_held(staff_client, account, new_cart):
    account.credit_limit = D("2000.00")
    account.save()
    cart_id = new_cart(account)
    staff_client.post(reverse("orders:cart_add", args=[cart_id]), {"query": "W-100", "quantity": 1})
    assert 'id="credit-warning"' not in staff_client.get(reverse("orders:checkout", args=[cart_id])).content.decode()
    staff_client.post(reverse("orders:checkout", args=[cart_id]), checkout_form(staff_client, cart_id))
    assert not Order.objects.latest("number").on_hold


def test_a_clerk_sees_the_hold_but_no_release_and_a_forged_release_changes_nothing(client, account):
    clerk = UserFactory(role=ORDER_ENTRY)
    client.force_login(clerk)
    order = place(account, [(ProductFactory(price=D("100.00")).pk, 1)], ShippingMethodFactory(name="Pickup"),
                  payment_method="on_account").order
    page = client.get(order.get_absolute_url()).content.decode()
    assert "On hold: Over the credit limit by $50.00" in page and "Release hold" not in page

    assert client.post(reverse("orders:release", args=[order.number]), {"note": "ok"}).status_code == 403
    assert Order.objects.get(pk=order.pk).on_hold


@pytest.mark.parametrize(("role", "editable"), [(ORDER_ENTRY, False), ("Manager", True)])
def test_the_customers_credit_limit_is_set_in_the_admin_by_those_who_set_terms(client, account, role, editable):
    from tests.helpers import verified

    user = UserFactory(role=role)
    client.force_login(user)
    verified(client, user)
    response = client.get(reverse("admin:customers_customer_change", args=[account.pk]))
    assert response.status_code == 200
    assert ('name="credit_limit"' in response.content.decode()) is editable


def test_a_customer_types_limit_and_overdue_rule_are_set_in_the_admin(admin_client):
    data = {"name": "Distributor", "percent_off": "10", "payment_terms_days": "30", "credit_limit": "25000.00",
            "hold_when_overdue": "on", "payment_methods": ["on_account"], "prices-TOTAL_FORMS": "0",
            "prices-INITIAL_FORMS": "0"}
    response = admin_client.post(reverse("admin:customers_customertype_add"), data)
    assert response.status_code == 302, response.content.decode()[:2000]
    kind = CustomerType.objects.get(name="Distributor")
    assert (kind.credit_limit, kind.hold_when_overdue) == (D("25000.00"), True)
    page = admin_client.get(reverse("admin:customers_customertype_change", args=[kind.pk])).content.decode()
    assert "Hold orders of customers with overdue invoices" in page
