"""Record payment: amounts, payment status, due dates from the customer's terms, overpayments, the overdue filter."""

import uuid
from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from orders.changes.services import order_cancel
from orders.lifecycle import OrderRefused
from orders.models import Order
from orders.payments.models import Payment
from orders.payments.services import Overpayment, payment_record
from tests.factories import OrderFactory, ProductFactory, customer_with_address

pytestmark = pytest.mark.django_db


@pytest.fixture
def order(checkout_setup):
    # 10.00 + 5.00 shipping + 8% tax on 10.00 = 15.80
    return OrderFactory(lines=[(ProductFactory(price=Decimal("10.00")), 1)], shipping=checkout_setup[0])


def pay(order, amount, **kwargs):
    return payment_record(order=order, amount=Decimal(amount), method="check", received_on=timezone.localdate(),
                          **kwargs)


def test_payments_move_the_status_from_unpaid_to_partially_paid_to_paid(order):
    assert order.total == Decimal("15.80") and order.payment_status == "unpaid"
    pay(order, "5.80")
    assert Order.objects.get().payment_status == "partially_paid"
    pay(order, "10.00")
    order.refresh_from_db()
    assert (order.payment_status, order.amount_paid) == ("paid", Decimal("15.80"))
    assert order.events.filter(kind="payment_recorded").count() == 2


def test_an_overpayment_is_refused_unless_accepted_and_then_is_a_credit(order):
    with pytest.raises(Overpayment, match=r"\$4.20 more than the balance due of \$15.80"):
        pay(order, "20.00")
    assert not Payment.objects.exists()
    pay(order, "20.00", allow_overpayment=True)
    order.refresh_from_db()
    assert order.payment_status == "overpaid" and order.total - order.amount_paid == Decimal("-4.20")


def test_no_payment_against_a_cancelled_order(order):
    order_cancel(order=order, reason="customer asked")
    with pytest.raises(OrderRefused, match="cancelled"):
        pay(order, "1.00")


@pytest.mark.parametrize("days", [0, 30])
def test_the_due_date_comes_from_the_customers_terms_at_placing(checkout_setup, days):
    customer = customer_with_address(payment_terms_days=days)
    order = OrderFactory(customer=customer, shipping=checkout_setup[0])
    assert order.due_date == timezone.localdate() + timedelta(days=days)


def test_record_payment_page_changes_the_balance_due(staff_client, order):
    page = staff_client.get(order.get_absolute_url())
    assert b"Record payment" in page.content and b"$15.80" in page.content
    response = staff_client.post(reverse("orders:payment_new", args=[order.number]),
                                 {"amount": "5.80", "method": "check", "reference": "Check 1042",
                                  "received_on": timezone.localdate().isoformat(), "token": uuid.uuid4()},
                                 follow=True)
    assert response.context["balance_due"] == Decimal("10.00")
    assert "Balance due: $10.00" in response.content.decode()
    assert Payment.objects.get().reference == "Check 1042"


BAD = [
    ({"amount": "-5"}, "amount", "greater than zero"),
    ({"amount": "0"}, "amount", "greater than zero"),
    ({"amount": "١٠"}, "amount", "digits 0-9"),
    ({"amount": "1²"}, "amount", "digits 0-9"),
    ({"amount": "9" * 10_000}, "amount", "digits 0-9"),
    ({"amount": "5\x00"}, "amount", ""),
    ({"reference": "x" * 10_000}, "reference", "at most 100"),
    ({"reference": "ref\x00"}, "reference", "Null characters"),
    ({"reference": "4111 1111 1111 1111"}, "reference", "card number"),
    ({"received_on": "2999-01-01"}, "received_on", "in the future"),
    ({"method": "bitcoin"}, "method", "valid choice"),
    ({"amount": "100.00"}, "amount", "more than the balance due"),
]


@pytest.mark.parametrize(("changes", "field", "message"), BAD, ids=[repr(bad[0])[:40] for bad in BAD])
def test_bad_payments_get_a_message_by_the_field_and_change_nothing(staff_client, order, changes, field, message):
    data = {"amount": "5.00", "method": "check", "reference": "", "received_on": timezone.localdate().isoformat(),
            "token": uuid.uuid4()}
    response = staff_client.post(reverse("orders:payment_new", args=[order.number]), data | changes)
    assert response.status_code == 400
    assert message in " ".join(response.context["form"].errors[field])
    assert not Payment.objects.exists()
    assert Order.objects.get().amount_paid == 0


def test_overdue_filter_lists_orders_past_due_with_a_balance(staff_client, checkout_setup):
    customer = customer_with_address(payment_terms_days=30)
    late, paid, not_due, cancelled = (OrderFactory(customer=customer, shipping=checkout_setup[0]) for _ in range(4))
    yesterday = timezone.localdate() - timedelta(days=1)
    Order.objects.filter(pk__in=[late.pk, paid.pk, cancelled.pk]).update(due_date=yesterday)
    pay(paid, str(paid.total))
    order_cancel(order=cancelled, reason="test")
    response = staff_client.get(reverse("orders:list"), {"overdue": "1"})
    assert [order.number for order in response.context["page"]] == [late.number]
    assert not_due.due_date > date.today() - timedelta(days=1)
    assert b"Overdue" in staff_client.get(late.get_absolute_url()).content


def test_the_service_itself_refuses_a_card_number_as_reference(order):
    with pytest.raises(OrderRefused, match="card number"):
        pay(order, "5.00", reference="4111-1111-1111-1111")
    assert not Payment.objects.exists()


def test_order_entry_staff_see_no_record_payment_and_a_forged_post_changes_nothing(client, order):
    from tests.factories import UserFactory

    client.force_login(UserFactory())  # Order entry
    assert b"Record payment" not in client.get(order.get_absolute_url()).content
    response = client.post(reverse("orders:payment_new", args=[order.number]),
                           {"amount": "5", "method": "check", "received_on": timezone.localdate().isoformat()})
    assert response.status_code == 403 and not Payment.objects.exists()


def test_overdue_only_sits_in_the_order_list_filters_and_combines_with_them(staff_client, checkout_setup):
    customer = customer_with_address(payment_terms_days=30)
    phone, fax, _ = (OrderFactory(customer=customer, shipping=checkout_setup[0], channel=channel)
                     for channel in ("phone", "fax", "fax"))
    Order.objects.filter(pk__in=[phone.pk, fax.pk]).update(due_date=timezone.localdate() - timedelta(days=1))
    response = staff_client.get(reverse("orders:list"), {"overdue": "1", "channel": "fax"})
    assert [order.number for order in response.context["page"]] == [fax.number]
    form = response.content.decode()
    assert 'name="overdue"' in form and "checked" in form.split('name="overdue"')[1].split(">")[0]
    assert "Overdue only" in form and "overdue=1" in form.split("Export CSV")[0]  # the export keeps the filter
