"""Price levels, overrides, discounts, custom lines, tax by destination and exemptions, as order_place writes them."""

import dataclasses
from datetime import timedelta
from decimal import Decimal

import pytest
from django.db import IntegrityError, transaction
from django.utils import timezone

from customers.models import RETAIL, Customer, CustomerType, TypePrice
from oms.accounts.roles import MANAGER, ORDER_ENTRY
from orders.lifecycle import OrderRefused
from orders.models import Order, OrderLine
from orders.ordering.checkout import DraftCustomLine, DraftLine
from orders.ordering.placing import order_place
from orders.pricing.models import TaxRate
from orders.pricing.selectors import tax_for
from tests.factories import ProductFactory, UserFactory, customer_with_address
from tests.helpers import ADDRESS, draft, place

pytestmark = pytest.mark.django_db
D = Decimal


def place_lines(customer, lines, shipping, *, placed_by=None, **fields):
    """Place DraftLines (with their prices) rather than (product, quantity) pairs."""
    return order_place(draft=dataclasses.replace(draft(customer, [], shipping, **fields), lines=tuple(lines)),
                       placed_by=placed_by)


@pytest.fixture
def wholesale(db):
    return CustomerType.objects.create(name="Wholesale", percent_off=D("20"), payment_terms_days=30,
                                       payment_methods=["on_account", "check"])


def test_new_customers_are_retail_and_pay_list(shipping):
    customer = customer_with_address()
    product = ProductFactory(price=D("10.00"))
    assert customer.customer_type.name == RETAIL
    order = place(customer, [(product.pk, 2)], shipping).order
    line = order.lines.get()
    assert (line.list_price, line.unit_price, line.line_total, line.price_reason) == (
        D("10.00"), D("10.00"), D("20.00"), "")
    assert order.customer_type == RETAIL


def test_type_percent_and_its_own_price_table(shipping, wholesale):
    customer = customer_with_address(customer_type=wholesale)
    tabled, plain = ProductFactory(price=D("10.00")), ProductFactory(price=D("9.99"))
    TypePrice.objects.create(customer_type=wholesale, product=tabled, price=D("6.00"))
    order = place(customer, [(tabled.pk, 1), (plain.pk, 3)], shipping, payment_method="on_account").order
    lines = {line.product_id: line for line in order.lines.all()}
    assert (lines[tabled.pk].unit_price, lines[tabled.pk].price_reason) == (D("6.00"), "Wholesale price")
    assert (lines[plain.pk].unit_price, lines[plain.pk].line_total) == (D("7.99"), D("23.97"))
    assert lines[plain.pk].price_reason == "Wholesale 20% off list"
    assert lines[plain.pk].discount == D("6.00")
    assert order.subtotal == D("29.97")
    # terms come from the type
    assert order.due_date == timezone.localdate() + timedelta(days=30)


def test_customer_terms_override_the_type(shipping, wholesale):
    customer = customer_with_address(customer_type=wholesale, payment_terms_days=10)
    order = place(customer, [(ProductFactory().pk, 1)], shipping).order
    assert order.due_date == timezone.localdate() + timedelta(days=10)


def test_payment_method_the_type_does_not_allow_is_refused_with_the_rest(shipping, wholesale):
    customer = customer_with_address(customer_type=wholesale)
    short = ProductFactory(stock=0)
    with pytest.raises(OrderRefused) as refused:
        place(customer, [(short.pk, 1)], shipping, payment_method="card_by_phone")
    assert len(refused.value.problems) == 2
    assert "Wholesale customers may not pay by card by phone" in " ".join(refused.value.problems)
    assert not Order.objects.exists()


def test_manager_override_and_discount_are_snapshotted_with_approver(shipping):
    manager = UserFactory(username="boss", role=MANAGER)
    customer = customer_with_address()
    product = ProductFactory(price=D("10.00"))
    order = place_lines(customer, [DraftLine(product.pk, 2, unit_price=D("8.00"), price_reason="Price match",
                                             price_by=manager.pk)], shipping, placed_by=manager,
                        discount="10%", discount_reason="Loyal customer").order
    line = order.lines.get()
    assert (line.unit_price, line.price_reason, line.price_approved_by, line.discount) == (
        D("8.00"), "Override: Price match", manager, D("4.00"))
    assert (order.subtotal, order.discount, order.discount_entered, order.discount_reason) == (
        D("16.00"), D("1.60"), "10%", "Loyal customer")
    assert order.discount_approved_by == manager
    assert order.total == order.subtotal - order.discount + order.shipping + order.tax


def test_a_clerk_cannot_place_an_override(shipping):
    clerk = UserFactory(username="clerk", role=ORDER_ENTRY)
    product = ProductFactory()
    with pytest.raises(OrderRefused, match="may not change prices"):
        place_lines(customer_with_address(), [DraftLine(product.pk, 1, unit_price=D("1.00"), price_reason="x",
                                                        price_by=clerk.pk)], shipping, placed_by=clerk)
    assert not Order.objects.exists()
    product.refresh_from_db()
    assert product.stock == 100


def test_override_needs_a_reason(shipping):
    product = ProductFactory()
    with pytest.raises(OrderRefused, match="say why"):
        place_lines(customer_with_address(), [DraftLine(product.pk, 1, unit_price=D("1.00"), price_reason="  ")],
                    shipping)


def test_custom_line_takes_no_stock_and_can_be_untaxed(shipping, tax):
    product = ProductFactory(price=D("100.00"), stock=5)
    order = place(customer_with_address(), [(product.pk, 1)], shipping,
                  custom_lines=(DraftCustomLine("Freight to site", D("40.00"), 1, taxable=False),
                                DraftCustomLine("Setup fee", D("10.00"), 2))).order
    custom = order.lines.filter(is_custom=True).order_by("pk")
    assert [(line.name, line.product_id, line.taxable) for line in custom] == [
        ("Freight to site", None, False), ("Setup fee", None, True)]
    assert order.subtotal == D("160.00")
    assert order.tax == D("9.60")  # 8% of the taxable 120.00
    product.refresh_from_db()
    assert product.stock == 4


def test_an_order_of_custom_lines_only(shipping):
    order = place(customer_with_address(), [], shipping, custom_lines=(DraftCustomLine("Consulting", D("75.00"), 2),))
    assert order.order.total == D("150.00") + order.order.shipping


def test_a_line_is_a_product_or_custom_by_constraint(shipping):
    order = place(customer_with_address(), [(ProductFactory().pk, 1)], shipping).order
    with pytest.raises(IntegrityError), transaction.atomic():
        OrderLine.objects.create(order=order, product=None, is_custom=False, name="x", unit_price=1, quantity=1,
                                 line_total=1)
    with pytest.raises(IntegrityError), transaction.atomic():
        OrderLine.objects.create(order=order, product=ProductFactory(), is_custom=True, name="x", unit_price=1,
                                 quantity=1, line_total=1)


def test_tax_most_specific_rate_wins_and_the_order_keeps_it(shipping):
    TaxRate.objects.create(name="Default", rate=D("5"))
    TaxRate.objects.create(name="United States", country="US", rate=D("6"))
    TaxRate.objects.create(name="Oregon", country="US", region="OR", rate=D("0"), tax_shipping=False)
    TaxRate.objects.create(name="Washington", country="US", region="WA", rate=D("10"), tax_shipping=True)
    assert tax_for({"country": "US", "region": "wa"}).jurisdiction == "Washington"
    assert tax_for({"country": "US", "region": "CA"}).jurisdiction == "United States"
    assert tax_for({"country": "FR", "region": ""}).jurisdiction == "Default"
    washington = dict(ADDRESS, region="WA")
    order = place(customer_with_address(), [(ProductFactory(price=D("100.00")).pk, 1)], shipping,
                  shipping_address=washington).order
    assert (order.tax_rate, order.tax_jurisdiction, order.tax_shipping) == (D("10"), "Washington", True)
    assert order.tax == D("10.50")  # 10% of 100.00 and of 5.00 shipping


def test_tax_lookup_is_one_query(django_assert_num_queries):
    TaxRate.objects.create(name="Default", rate=D("5"))
    with django_assert_num_queries(1):
        tax_for({"country": "US", "region": "OR"})


def test_exempt_customer_pays_no_tax_and_the_order_shows_the_number(shipping, tax):
    customer = customer_with_address(tax_exempt=True, tax_exemption_number="EX-12345")
    order = place(customer, [(ProductFactory(price=D("50.00")).pk, 1)], shipping).order
    assert (order.tax, order.tax_exempt, order.tax_exemption_number) == (D("0.00"), True, "EX-12345")


def test_exempt_type_exempts_its_customers(shipping, tax):
    charity = CustomerType.objects.create(name="Charity", tax_exempt=True)
    order = place(customer_with_address(customer_type=charity), [(ProductFactory().pk, 1)], shipping).order
    assert order.tax == 0 and order.tax_exempt


def test_exemption_needs_its_certificate_number():
    customer = customer_with_address()
    customer.tax_exempt = True
    with pytest.raises(IntegrityError), transaction.atomic():
        customer.save()


def test_a_price_level_change_after_review_is_refused(shipping, wholesale):
    customer = customer_with_address()
    product = ProductFactory(price=D("10.00"))
    reviewed_total = D("10.00") + shipping.price
    Customer.objects.filter(pk=customer.pk).update(customer_type=wholesale)
    with pytest.raises(OrderRefused, match="changed"):
        place(customer, [(product.pk, 1)], shipping, expected_total=reviewed_total)
    assert not Order.objects.exists()
