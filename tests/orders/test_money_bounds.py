"""Every order the forms accept fits every money column: one past them is refused in words (in the cart, at
checkout, in an edit, at a payment), never written; and SQLite refuses it too (check constraints), as
PostgreSQL's numeric columns do. One such order once broke the order list for everyone."""

import re
import uuid
from decimal import Decimal

import pytest
from django.db import DataError, IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from oms.accounts.roles import ORDER_ENTRY
from orders.changes.editing import OrderChange, order_edit_save
from orders.lifecycle import OrderRefused
from orders.models import Order, OrderLine
from orders.payments.models import Payment
from orders.payments.services import payment_record
from orders.reporting.models import DailyProductSales, DailySales, MonthlyProductSales
from tests.factories import OrderFactory, ProductFactory, ShippingMethodFactory, customer_with_address
from tests.helpers import add, checkout_form, logged_in, start_cart, submitted_data

pytestmark = pytest.mark.django_db
MAX_AMOUNT = Decimal("9999999999.99")  # the largest a 12-digit money column holds (oms.core.money.MAX_AMOUNT)
TOO_LARGE = "The order's total would exceed 9,999,999,999.99"
ON_PAGE = "The order&#x27;s total would exceed 9,999,999,999.99"


@pytest.fixture
def clerk():
    return logged_in(ORDER_ENTRY, "clerk")


def add_custom(client, cart_id, price, quantity=1):
    return client.post(reverse("orders:cart_custom", args=[cart_id]),
                       {"custom-description": "Special build", "custom-unit_price": price,
                        "custom-quantity": quantity, "custom-taxable": "on"})


def test_an_item_at_the_largest_price_then_checkout_is_refused_with_a_message(clerk):
    # given: a custom item at the largest unit price the form accepts (the shipping takes it past the total)
    client, _ = clerk
    ShippingMethodFactory(price=Decimal("10.00"))
    cart_id = start_cart(client, customer_with_address())
    assert add_custom(client, cart_id, "9,999,999,999.99").status_code == 302

    # when
    shown = client.get(reverse("orders:checkout", args=[cart_id]))
    response = client.post(reverse("orders:checkout", args=[cart_id]), checkout_form(client, cart_id))

    # then: told before and at the submit, and nothing written
    assert ON_PAGE in shown.content.decode()
    assert response.status_code == 200 and ON_PAGE in response.content.decode()
    assert not Order.objects.exists()
    assert client.get(reverse("orders:list")).status_code == 200


def test_an_order_at_exactly_the_largest_total_places_and_every_page_shows_it(clerk, admin_client):
    client, _ = clerk
    ShippingMethodFactory(price=Decimal("10.00"))
    customer = customer_with_address()
    cart_id = start_cart(client, customer)
    add_custom(client, cart_id, "9,999,999,989.99")

    response = client.post(reverse("orders:checkout", args=[cart_id]), checkout_form(client, cart_id))

    order = Order.objects.get()
    assert response.status_code == 302 and order.total == MAX_AMOUNT
    for url in (reverse("orders:list"), order.get_absolute_url(), customer.get_absolute_url()):
        assert client.get(url).status_code == 200
    assert admin_client.get(reverse("admin:orders_order_changelist")).status_code == 200


def test_a_custom_item_that_would_take_the_cart_past_the_largest_total_is_refused_beside_its_price(clerk):
    client, _ = clerk
    cart_id = start_cart(client, customer_with_address())
    add_custom(client, cart_id, "9,999,999,999.99")

    response = add_custom(client, cart_id, "1.00")

    assert response.status_code == 400
    assert response.context["form"].errors["unit_price"] == [
        f"{TOO_LARGE}: lower a price or a quantity, or split it into several orders."]
    assert len(client.session["carts"][cart_id]["custom"]) == 1


def test_a_cart_past_the_largest_total_says_so_at_the_top(clerk):
    client, _ = clerk
    product = ProductFactory(sku="BIG-1", price=MAX_AMOUNT, track_inventory=False)
    cart_id = start_cart(client, customer_with_address())
    add(client, cart_id, product.sku, 2)

    page = client.get(reverse("orders:cart", args=[cart_id]))

    assert page.status_code == 200 and ON_PAGE in page.content.decode()


def test_an_edit_past_the_largest_total_is_refused_and_changes_nothing():
    big, other = (ProductFactory(sku=sku, price=Decimal("4000000000.00"), track_inventory=False)
                  for sku in ("BIG-2", "BIG-3"))
    order = OrderFactory(lines=[(big, 1), (other, 1)])
    total = order.total

    with pytest.raises(OrderRefused) as refused:
        order_edit_save(order=order, change=OrderChange(version=order.version, token=uuid.uuid4().hex,
                                                        quantities={big.pk: 2, other.pk: 1}))

    assert refused.value.problems[0].startswith(TOO_LARGE)
    order.refresh_from_db()
    assert (order.total, order.version) == (total, 1)
    assert list(order.lines.values_list("quantity", flat=True)) == [1, 1]


def test_an_edit_whose_line_discount_would_not_fit_its_column_is_refused():
    product = ProductFactory(sku="BIG-4", price=Decimal("1000000000.00"), track_inventory=False)
    order = OrderFactory(lines=[(product, 1)], placed_by=None)

    with pytest.raises(OrderRefused) as refused:
        order_edit_save(order=order, change=OrderChange(
            version=order.version, token=uuid.uuid4().hex, quantities={product.pk: 9999},
            prices={product.pk: (Decimal("0"), "Samples", None)}))

    assert refused.value.problems == ["A line's discount off list would exceed 999,999,999,999.99: lower its "
                                      "quantity."]
    assert order.lines.get().quantity == 1


def test_payments_past_the_largest_amount_paid_are_refused():
    order = OrderFactory()
    today = timezone.localdate()
    payment_record(order=order, amount=MAX_AMOUNT, method="check", received_on=today, allow_overpayment=True)

    with pytest.raises(OrderRefused) as refused:
        payment_record(order=order, amount=Decimal("1.00"), method="check", received_on=today,
                       allow_overpayment=True)

    assert refused.value.problems == ["The order's payments would exceed 9,999,999,999.99: check the amount."]
    order.refresh_from_db()
    assert order.amount_paid == MAX_AMOUNT and Payment.objects.count() == 1


def test_the_record_payment_page_says_why_a_payment_past_the_largest_amount_is_refused(admin_client):
    order = OrderFactory()
    payment_record(order=order, amount=MAX_AMOUNT, method="check", received_on=timezone.localdate(),
                   allow_overpayment=True)

    response = admin_client.post(reverse("orders:payment_new", args=[order.number]), {
        "amount": "1.00", "method": "check", "received_on": timezone.localdate().isoformat(),
        "accept_overpayment": "on", "token": uuid.uuid4()})

    assert response.status_code == 400 and "The order&#x27;s payments would exceed" in response.content.decode()


@pytest.mark.parametrize(("model", "field", "value"), [
    (Order, "total", Decimal("10000000000.00")),
    (Order, "subtotal", Decimal("10000000000.00")),
    (Order, "amount_paid", Decimal("10000000000.00")),
    (OrderLine, "line_total", Decimal("1000000000000.00")),
    (OrderLine, "discount", Decimal("1000000000000.00")),
    (Payment, "amount", Decimal("10000000000.00")),
])
def test_the_database_refuses_an_amount_its_column_cannot_hold(model, field, value):
    """SQLite stores any number in a decimal column; the check constraints refuse what PostgreSQL would."""
    order = OrderFactory()
    payment_record(order=order, amount=Decimal("1.00"), method="check", received_on=timezone.localdate())
    rows = {Order: Order.objects.filter(pk=order.pk), OrderLine: OrderLine.objects.filter(order=order),
            Payment: Payment.objects.filter(order=order)}[model]

    with pytest.raises((IntegrityError, DataError)), transaction.atomic():
        rows.update(**{field: value})


def test_a_day_of_the_largest_orders_still_fits_the_dashboards_summary(staff_client, staff):
    """The daily summary adds up order totals: a hundred of the largest (here, one summary row already at the
    old 14-digit limit) must not overflow it and break the dashboard."""
    product = ProductFactory(sku="BIG-5", price=Decimal("1000.00"), track_inventory=False)
    OrderFactory(lines=[(product, 1)], placed_by=staff)
    DailySales.objects.update(revenue=Decimal("999999999999.99"))
    DailyProductSales.objects.update(revenue=Decimal("999999999999.99"))
    MonthlyProductSales.objects.update(revenue=Decimal("999999999999.99"))

    OrderFactory(lines=[(product, 1)], placed_by=staff)

    assert DailySales.objects.get().revenue > Decimal("999999999999.99")
    assert DailyProductSales.objects.get().revenue == Decimal("1000000000999.99")
    assert MonthlyProductSales.objects.get().revenue == Decimal("1000000000999.99")
    assert staff_client.get(reverse("orders:dashboard")).status_code == 200


def test_edit_order_past_the_largest_total_says_so_on_save_and_changes_nothing(staff_client, checkout_setup):
    big = ProductFactory(sku="BIG-6", price=Decimal("3300000000.00"), track_inventory=False)
    order = OrderFactory(lines=[(big, 1)], shipping=checkout_setup[0])
    total = order.total
    edit_id = re.search(r"/edit/([^/]+)/$", staff_client.post(reverse("orders:edit_start", args=[order.number])).url
                        ).group(1)
    url = reverse("orders:edit", args=[order.number, edit_id])
    staff_client.post(reverse("orders:edit_add", args=[order.number, edit_id]), {"query": "BIG-6", "quantity": "2"})
    data = submitted_data(staff_client.get(url), ("form", "billing_form", "shipping_form"))

    response = staff_client.post(url, data)

    assert response.status_code == 400 and ON_PAGE in response.content.decode()
    order.refresh_from_db()
    assert (order.total, order.version, order.lines.get().quantity) == (total, 1, 1)
