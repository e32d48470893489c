"""The pages of goods coming back: Return items (from an order and from the customer record), a return's page and
Receive return, Refund, Credit without a return and Cancel remaining items; who sees which control, forged and
hostile requests, and forms submitted twice."""

import uuid
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from catalog.models import Product
from oms.accounts.roles import ORDER_ENTRY
from orders.fulfilment.models import Carrier
from orders.fulfilment.services import ShipmentRequest, shipment_record
from orders.models import Order, OrderLine
from orders.payments.models import Payment, Refund, StoreCredit
from orders.payments.services import payment_record, refund_record
from orders.returns.models import CreditMemo, Return, ReturnReason
from orders.returns.services import ReturnRequest, credit_memo_issue, return_create, return_receive
from tests.factories import OrderFactory, ProductFactory, customer_with_address
from tests.helpers import logged_in, submitted_data

pytestmark = pytest.mark.django_db


@pytest.fixture
def lamp(checkout_setup):
    return ProductFactory(sku="LMP-004", name="Desk lamp, blue", price=Decimal("20.00"), stock=10)


@pytest.fixture
def order(lamp, shipping):
    """Five lamps at 20.00 + 5.00 shipping + 8% tax on 100.00 = 113.00, paid by check and shipped."""
    placed = OrderFactory(customer=customer_with_address(email="zoe@harbor.example"), lines=[(lamp, 5)],
                          shipping=shipping)
    payment_record(order=placed, amount=placed.total, method=Payment.Method.CHECK, reference="Check 1042",
                   received_on=timezone.localdate())
    ship(placed)
    return Order.objects.get(pk=placed.pk)


def ship(order, quantities=None):
    carrier, _ = Carrier.objects.get_or_create(name="UPS")
    shipment_record(order=order, request=ShipmentRequest(carrier=carrier, tracking_numbers=[],
                                                         shipped_on=timezone.localdate(),
                                                         quantities=quantities))


def line_field(order, prefix="line_") -> str:
    return f"{prefix}{order.lines.get().pk}"


def two_back(order, *, receive=True) -> Return:
    ret = return_create(customer=order.customer, request=ReturnRequest(quantities={order.lines.get().pk: 2}))
    if receive:
        return_receive(ret=ret, received={ret.lines.get().pk: 2})
    return ret


@pytest.fixture
def clerk():
    return logged_in(ORDER_ENTRY, "clerk")[0]


def return_form(client, order, **changes) -> dict:
    page = client.get(reverse("orders:return_new", args=[order.number]))
    assert page.status_code == 200
    return submitted_data(page, ["form"], **changes)


# -- the whole path by the pages ------------------------------------------------------------------------------------

def test_return_two_of_five_receive_them_refund_and_the_balance_is_zero(staff_client, order, lamp):
    # given five lamps shipped and paid for
    page = staff_client.get(order.get_absolute_url()).content.decode()
    assert "Return items" in page and ">Refund<" in page

    # when two come back as resaleable
    form = return_form(staff_client, order, reason=ReturnReason.objects.get(name="Defective").pk,
                       **{line_field(order): "2"})
    assert form["condition"] == "resaleable" and form["send_email"] == "on"
    response = staff_client.post(reverse("orders:return_new", args=[order.number]), form)
    ret = Return.objects.get()
    assert response.url == reverse("orders:return_detail", args=[ret.number])
    page = staff_client.get(response.url).content.decode()
    assert f"Return {ret.label}</h1>" in page and "Receive return" in page and ">Exchange<" in page

    # and are received
    receiving = staff_client.get(reverse("orders:return_receive", args=[ret.number]))
    data = submitted_data(receiving, ["form"])
    assert data[f"line_{ret.lines.get().pk}"] == "2"
    staff_client.post(reverse("orders:return_receive", args=[ret.number]), data)

    # then the lamps are back in stock, the order is credited and the customer is owed
    assert Product.objects.get(pk=lamp.pk).stock == 10 - 5 + 2
    memo = CreditMemo.objects.get()
    assert memo.total == Decimal("43.20")  # 2 x 20.00 + 8% tax
    page = staff_client.get(order.get_absolute_url()).content.decode()
    assert '<dd class="col-6 money" id="credited">$43.20</dd>' in page
    assert 'id="balance-due">-$43.20</dd>' in page and 'id="owed-to-customer">$43.20</dd>' in page
    assert ret.label in page and memo.label in page and reverse("orders:credit_memo", args=[memo.number]) in page

    # when the refund goes back by the method paid with, as the page offers it
    refund_page = staff_client.get(reverse("orders:refund_new", args=[order.number]))
    data = submitted_data(refund_page, ["form"], reference="Check 2001")
    assert (data["amount"], data["method"]) == ("43.20", "check")
    response = staff_client.post(reverse("orders:refund_new", args=[order.number]), data, follow=True)

    # then nothing is owed either way
    assert "Balance due: $0.00" in response.content.decode()
    assert 'id="balance-due">$0.00</dd>' in response.content.decode()
    order.refresh_from_db()
    assert (order.amount_credited, order.amount_refunded) == (Decimal("43.20"), Decimal("43.20"))
    assert Refund.objects.get().reference == "Check 2001"


def test_the_return_instructions_box_is_unticked_and_disabled_without_an_email_address(staff_client, order):
    Order.objects.filter(pk=order.pk).update(customer_email="")
    form = staff_client.get(reverse("orders:return_new", args=[order.number])).context["form"]
    assert form["send_email"].value() is False and form.fields["send_email"].disabled


def test_the_return_form_offers_only_what_is_left_to_return(staff_client, order):
    two_back(order, receive=False)
    form = staff_client.get(reverse("orders:return_new", args=[order.number])).context["form"]
    [(line, field)] = form.line_fields()
    assert field.label == "Return LMP-004" and field.field.max_value == 3


def test_an_order_with_nothing_shipped_offers_no_return(staff_client, lamp, shipping):
    placed = OrderFactory(lines=[(lamp, 1)], shipping=shipping)
    assert "Return items" not in staff_client.get(placed.get_absolute_url()).content.decode()
    response = staff_client.get(reverse("orders:return_new", args=[placed.number]), follow=True)
    assert "only goods that have shipped can be returned" in response.content.decode()


def test_create_return_submitted_twice_authorizes_once(staff_client, order):
    form = return_form(staff_client, order, reason_text="Too bright", **{line_field(order): "5"})
    first = staff_client.post(reverse("orders:return_new", args=[order.number]), form)
    second = staff_client.post(reverse("orders:return_new", args=[order.number]), form, follow=True)

    assert Return.objects.count() == 1 and OrderLine.objects.get().quantity_returned == 5
    assert second.redirect_chain[0][0] == first.url
    assert "was already created" in second.content.decode()


def test_save_receipt_submitted_twice_restocks_and_credits_once(staff_client, order, lamp):
    ret = two_back(order, receive=False)
    data = submitted_data(staff_client.get(reverse("orders:return_receive", args=[ret.number])), ["form"])
    staff_client.post(reverse("orders:return_receive", args=[ret.number]), data)
    again = staff_client.post(reverse("orders:return_receive", args=[ret.number]), data, follow=True)

    assert "was already received" in again.content.decode()
    assert CreditMemo.objects.count() == 1 and Product.objects.get(pk=lamp.pk).stock == 7


def test_receiving_fewer_than_authorized_credits_only_what_arrived(staff_client, order, lamp):
    ret = two_back(order, receive=False)
    data = submitted_data(staff_client.get(reverse("orders:return_receive", args=[ret.number])), ["form"],
                          **{f"line_{ret.lines.get().pk}": "1"}, refund_shipping="on")
    staff_client.post(reverse("orders:return_receive", args=[ret.number]), data)

    assert Product.objects.get(pk=lamp.pk).stock == 6
    assert CreditMemo.objects.get().total == Decimal("21.60") + Decimal("5.00")  # a lamp with its tax, and shipping


def test_a_received_return_offers_no_receiving(staff_client, order):
    ret = two_back(order)
    page = staff_client.get(reverse("orders:return_detail", args=[ret.number])).content.decode()
    assert "Receive return" not in page and "Received" in page
    response = staff_client.get(reverse("orders:return_receive", args=[ret.number]), follow=True)
    assert "was already received" in response.content.decode()


# -- Refund ---------------------------------------------------------------------------------------------------------

def refund_data(**changes) -> dict:
    return {"amount": "10.00", "method": "check", "reference": "", "token": str(uuid.uuid4())} | changes


def test_save_refund_submitted_twice_records_one_refund(staff_client, order):
    data = refund_data()
    staff_client.post(reverse("orders:refund_new", args=[order.number]), data)
    again = staff_client.post(reverse("orders:refund_new", args=[order.number]), data, follow=True)

    assert Refund.objects.count() == 1 and Order.objects.get().amount_refunded == Decimal("10.00")
    assert "was already recorded (this form was submitted twice)" in again.content.decode()


def test_a_refund_to_store_credit_shows_on_the_customer_record(staff_client, order):
    staff_client.post(reverse("orders:refund_new", args=[order.number]), refund_data(method="store_credit"))

    assert StoreCredit.objects.get().amount == Decimal("10.00")
    page = staff_client.get(order.customer.get_absolute_url()).content.decode()
    assert 'id="store-credit">$10.00</dd>' in page


def test_the_refund_form_starts_empty_when_nothing_is_owed(staff_client, order):
    form = staff_client.get(reverse("orders:refund_new", args=[order.number])).context["form"]
    assert form["amount"].value() is None and form["method"].value() == "check"
    assert form["send_email"].value() is True


def test_an_order_with_nothing_paid_offers_no_refund(staff_client, lamp, shipping):
    placed = OrderFactory(lines=[(lamp, 1)], shipping=shipping)
    assert ">Refund<" not in staff_client.get(placed.get_absolute_url()).content.decode()
    response = staff_client.get(reverse("orders:refund_new", args=[placed.number]), follow=True)
    assert "is left to refund" in response.content.decode()


# -- who sees what; forged requests -----------------------------------------------------------------------------------

def test_a_clerk_sees_return_items_but_no_refund_receiving_or_credit(clerk, order):
    ret = two_back(order, receive=False)
    page = clerk.get(order.get_absolute_url()).content.decode()
    assert "Return items" in page
    assert ">Refund<" not in page and "Credit without a return" not in page
    page = clerk.get(reverse("orders:return_detail", args=[ret.number])).content.decode()
    assert "Receive return" not in page and ">Exchange<" in page


def test_a_clerks_forged_refund_is_refused_and_changes_nothing(clerk, order):
    before = Order.objects.values_list("amount_refunded", "payment_status").get()

    response = clerk.post(reverse("orders:refund_new", args=[order.number]), refund_data())

    assert response.status_code == 403
    assert not Refund.objects.exists()
    assert Order.objects.values_list("amount_refunded", "payment_status").get() == before


@pytest.mark.parametrize("name", ["orders:return_receive", "orders:credit_memo_new", "orders:cancel_remaining"])
def test_a_clerks_forged_manager_post_is_refused(clerk, order, name):
    ret = two_back(order, receive=False)
    number = ret.number if name == "orders:return_receive" else order.number
    response = clerk.post(reverse(name, args=[number]), {"reason": "forged", "amount": "1.00",
                                                           f"line_{ret.lines.get().pk}": "2"})
    assert response.status_code == 403
    assert Return.objects.get().status == "authorized" and not CreditMemo.objects.exists()
    assert Order.objects.get().status == "shipped"


def test_a_clerk_can_create_a_return_with_no_reason_given(clerk, order):
    form = return_form(clerk, order, **{line_field(order): "1"})
    assert not form.get("reason") and not form.get("reason_text")
    assert clerk.post(reverse("orders:return_new", args=[order.number]), form).status_code == 302
    assert Return.objects.get().lines.get().quantity == 1


# -- hostile input: a 400 with the message by the field, nothing written ---------------------------------------------

RETURN_BAD = [
    ({"QTY": "²"}, "QTY", "whole number"),
    ({"QTY": "٣"}, "QTY", "whole number"),
    ({"QTY": "2\x00"}, "QTY", "whole number"),
    ({"QTY": "9" * 10_000}, "QTY", "whole number"),
    ({"QTY": "-1"}, "QTY", "whole number"),
    ({"QTY": "6"}, "QTY", "At most 5"),
    ({"reason": "²"}, "reason", "no longer offered"),
    ({"reason_text": "x" * 10_000}, "reason_text", "at most 200"),
    ({"reason_text": "bad\x00"}, "reason_text", "Null characters"),
    ({"reason_text": "card 4111 1111 1111 1111"}, "reason_text", "card number"),
    ({"condition": "broken"}, "condition", "Resaleable or Damaged"),
]


@pytest.mark.parametrize(("changes", "field", "message"), RETURN_BAD, ids=[repr(bad[0])[:40] for bad in RETURN_BAD])
def test_a_bad_return_gets_a_message_by_the_field_and_writes_nothing(staff_client, order, changes, field, message):
    quantity = line_field(order)
    changes = {quantity if key == "QTY" else key: value for key, value in changes.items()}
    data = return_form(staff_client, order, reason_text="Too bright", **{quantity: "2"}) | changes

    response = staff_client.post(reverse("orders:return_new", args=[order.number]), data)

    assert response.status_code == 400
    assert message in " ".join(response.context["form"].errors[quantity if field == "QTY" else field])
    assert not Return.objects.exists() and OrderLine.objects.get().quantity_returned == 0


def test_another_customers_line_is_refused_with_a_message(staff_client, order, lamp, shipping):
    other = OrderFactory(lines=[(lamp, 1)], shipping=shipping)
    ship(other)
    data = return_form(staff_client, order, reason_text="Too bright",
                       **{line_field(order): "1", line_field(other): "1"})

    response = staff_client.post(reverse("orders:return_new", args=[order.number]), data)

    assert response.status_code == 400
    assert f"Line {other.lines.get().pk} is not a shipped line" in " ".join(response.context["form"].non_field_errors())
    assert not Return.objects.exists()


@pytest.mark.parametrize("key", ["line_²", "line_x", "line_\x00", "line_" + "9" * 30])
def test_a_forged_line_key_is_refused_with_a_message(staff_client, order, key):
    data = return_form(staff_client, order, reason_text="Too bright", **{line_field(order): "1", key: "1"})
    response = staff_client.post(reverse("orders:return_new", args=[order.number]), data)
    assert response.status_code == 400
    assert "lines it does not offer" in " ".join(response.context["form"].non_field_errors())
    assert not Return.objects.exists()


@pytest.mark.parametrize(("value", "message"), [("²", "whole number"), ("3", "At most 2"), ("\x00", "whole number"),
                                                ("9" * 10_000, "whole number")])
def test_a_bad_receipt_gets_a_message_by_the_field_and_receives_nothing(staff_client, order, lamp, value, message):
    ret = two_back(order, receive=False)
    field = f"line_{ret.lines.get().pk}"
    data = submitted_data(staff_client.get(reverse("orders:return_receive", args=[ret.number])), ["form"],
                          **{field: value})

    response = staff_client.post(reverse("orders:return_receive", args=[ret.number]), data)

    assert response.status_code == 400
    assert message in " ".join(response.context["form"].errors[field])
    assert Return.objects.get().status == "authorized" and Product.objects.get(pk=lamp.pk).stock == 5


REFUND_BAD = [
    ({"amount": "²"}, "amount", "digits 0-9"),
    ({"amount": "1\x00"}, "amount", ""),
    ({"amount": "9" * 10_000}, "amount", "digits 0-9"),
    ({"amount": "-5"}, "amount", "greater than zero"),
    ({"amount": "113.01"}, "amount", "At most $113.00 can be refunded"),
    ({"method": "bitcoin"}, "method", "Choose one of the methods"),
    ({"reference": "x" * 10_000}, "reference", "at most 100"),
    ({"reference": "ref\x00"}, "reference", "Null characters"),
    ({"reference": "4111-1111-1111-1111"}, "reference", "card number"),
]


@pytest.mark.parametrize(("changes", "field", "message"), REFUND_BAD, ids=[repr(bad[0])[:40] for bad in REFUND_BAD])
def test_a_bad_refund_gets_a_message_by_the_field_and_refunds_nothing(staff_client, order, changes, field, message):
    response = staff_client.post(reverse("orders:refund_new", args=[order.number]), refund_data(**changes))

    assert response.status_code == 400
    assert message in " ".join(response.context["form"].errors[field])
    assert not Refund.objects.exists() and Order.objects.get().amount_refunded == 0


# -- Credit without a return ---------------------------------------------------------------------------------------

def test_credit_without_a_return_issues_a_credit_memo_with_its_reason(staff_client, order):
    page = staff_client.get(order.get_absolute_url()).content.decode()
    assert "Credit without a return" in page
    data = submitted_data(staff_client.get(reverse("orders:credit_memo_new", args=[order.number])), ["form"],
                          amount="15.00", reason="Late delivery")

    response = staff_client.post(reverse("orders:credit_memo_new", args=[order.number]), data, follow=True)

    memo = CreditMemo.objects.get()
    assert (memo.total, memo.reason, memo.ret) == (Decimal("15.00"), "Late delivery", None)
    assert f"Credit memo {memo.label} of $15.00 issued. Balance due: -$15.00." in response.content.decode()
    staff_client.post(reverse("orders:credit_memo_new", args=[order.number]), data)
    assert CreditMemo.objects.count() == 1


@pytest.mark.parametrize(("changes", "field", "message"), [
    ({"amount": "113.01"}, "amount", "At most $113.00 can be credited"),
    ({"amount": "²"}, "amount", "digits 0-9"),
    ({"reason": ""}, "reason", "Say why"),
    ({"reason": "x" * 10_000}, "reason", "at most 200"),
    ({"reason": "\x00"}, "reason", "Null characters"),
])
def test_a_bad_credit_gets_a_message_by_the_field(staff_client, order, changes, field, message):
    data = {"amount": "10.00", "reason": "Goodwill", "token": str(uuid.uuid4())} | changes
    response = staff_client.post(reverse("orders:credit_memo_new", args=[order.number]), data)
    assert response.status_code == 400
    assert message in " ".join(response.context["form"].errors[field])
    assert not CreditMemo.objects.exists()


# -- Cancel remaining items -----------------------------------------------------------------------------------------

def test_cancel_remaining_items_of_a_partially_shipped_order(staff_client, lamp, shipping):
    placed = OrderFactory(lines=[(lamp, 5)], shipping=shipping)
    ship(placed, {placed.lines.get().pk: 2})
    page = staff_client.get(placed.get_absolute_url()).content.decode()
    assert "Cancel remaining items" in page

    refused = staff_client.post(reverse("orders:cancel_remaining", args=[placed.number]), {"reason": ""})
    assert refused.status_code == 400 and "Say why" in " ".join(refused.context["form"].errors["reason"])
    response = staff_client.post(reverse("orders:cancel_remaining", args=[placed.number]),
                                 {"reason": "Customer cannot wait"}, follow=True)

    placed.refresh_from_db()
    assert placed.status == "shipped" and placed.lines.get().quantity == 2
    assert Product.objects.get(pk=lamp.pk).stock == 10 - 2
    assert "Restocked 3 × LMP-004" in response.content.decode()
    assert "Cancel remaining items" not in response.content.decode()


def test_a_shipped_order_has_no_remaining_items_to_cancel(staff_client, order):
    assert "Cancel remaining items" not in staff_client.get(order.get_absolute_url()).content.decode()
    response = staff_client.post(reverse("orders:cancel_remaining", args=[order.number]), {"reason": "x"},
                                 follow=True)
    assert "only a partially shipped order" in response.content.decode()
    assert Order.objects.get().status == "shipped"


# -- the customer record ----------------------------------------------------------------------------------------------

def test_one_return_from_the_customer_record_takes_lines_of_two_orders(staff_client, order, lamp, shipping):
    second = OrderFactory(customer=order.customer, lines=[(lamp, 1)], shipping=shipping)
    ship(second)
    record = staff_client.get(order.customer.get_absolute_url()).content.decode()
    url = reverse("orders:return_new_for_customer", args=[order.customer.pk])
    assert url in record and "Return items" in record

    page = staff_client.get(url)
    labels = [field.label for _, field in page.context["form"].line_fields()]
    assert labels == [f"Return LMP-004 from order #{second.number}", f"Return LMP-004 from order #{order.number}"]
    data = submitted_data(page, ["form"], reason_text="Wrong colour",
                          **{line_field(order): "1", line_field(second): "1"})
    response = staff_client.post(url, data)

    ret = Return.objects.get()
    assert sorted(ret.lines.values_list("order_id", flat=True)) == [order.number, second.number]
    record = staff_client.get(order.customer.get_absolute_url()).content.decode()
    assert reverse("orders:return_detail", args=[ret.number]) in record and response.status_code == 302
    assert 'id="store-credit">$0.00</dd>' in record


def test_a_customer_with_nothing_shipped_has_no_return_items(staff_client, lamp, shipping):
    placed = OrderFactory(lines=[(lamp, 1)], shipping=shipping)
    record = staff_client.get(placed.customer.get_absolute_url()).content.decode()
    assert "Return items" not in record and "No returns yet." in record
    response = staff_client.get(reverse("orders:return_new_for_customer", args=[placed.customer.pk]), follow=True)
    assert "is left to return" in response.content.decode()


# -- the order page's queries ---------------------------------------------------------------------------------------

def test_the_order_page_reads_returns_memos_and_refunds_in_a_fixed_number_of_queries(
        staff_client, order, django_assert_max_num_queries):
    line = order.lines.get()
    for _ in range(3):
        ret = return_create(customer=order.customer, request=ReturnRequest(quantities={line.pk: 1}))
        return_receive(ret=ret, received={ret.lines.get().pk: 1})
        refund_record(order=order, amount=Decimal("1.00"), method="check")
    credit_memo_issue(order=order, amount=Decimal("1.00"), reason="Goodwill")

    # session, user, device, perms (2), order, lines, events, payments, shipments (2), returns, memos, refunds
    with django_assert_max_num_queries(14):
        page = staff_client.get(order.get_absolute_url()).content.decode()

    assert page.count("/orders/returns/") == 3 and page.count(">Credit memo<") == 4
    assert page.count("$1.00</td></tr>") >= 3


def test_the_customer_record_lists_returns_in_a_fixed_number_of_queries(staff_client, order,
                                                                         django_assert_max_num_queries):
    reason = ReturnReason.objects.get(name="Defective")
    for _ in range(3):
        return_create(customer=order.customer, request=ReturnRequest(quantities={order.lines.get().pk: 1},
                                                                     reason=reason, reason_text="Flickers"))

    # session, user, device, perms (2), customer, addresses, credit exposure, orders, quotes, whether any may come
    # back, returns, store credit
    with django_assert_max_num_queries(13):
        page = staff_client.get(order.customer.get_absolute_url()).content.decode()

    assert page.count("/orders/returns/") == 3 and page.count("Defective: Flickers") == 3
