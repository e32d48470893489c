"""Invariants hold at the database, not only in forms."""

import uuid
from decimal import Decimal

import pytest
from django.db import IntegrityError, transaction

from catalog.models import Product
from orders.models import Order, OrderLine
from orders.pricing.models import ShippingMethod, TaxRate
from tests.factories import ProductFactory, customer_with_address

pytestmark = pytest.mark.django_db


def violates(write) -> bool:
    try:
        with transaction.atomic():
            write()
    except IntegrityError:
        return True
    return False


def an_order(**overrides) -> Order:
    values = dict(
        checkout_token=uuid.uuid4(), customer=customer_with_address(), customer_name="Pat", billing_address={},
        shipping_address={}, shipping_method="Ground", payment_method="check", subtotal=Decimal("1.00"),
        shipping=Decimal("0"), tax_rate=Decimal("0"), tax=Decimal("0"), total=Decimal("1.00"),
    )
    return Order.objects.create(**(values | overrides))


def test_product_stock_and_price_cannot_go_negative():
    product = ProductFactory(stock=1)
    assert violates(lambda: Product.objects.filter(pk=product.pk).update(stock=-1))
    assert violates(lambda: Product.objects.filter(pk=product.pk).update(price=Decimal("-0.01")))
    assert not violates(lambda: Product.objects.filter(pk=product.pk).update(stock=0))


def test_skus_are_unique_whatever_their_case():
    ProductFactory(sku="ABC-1")
    assert violates(lambda: ProductFactory(sku="abc-1"))


def test_order_money_cannot_be_negative():
    assert violates(lambda: an_order(total=Decimal("-1.00")))
    assert violates(lambda: an_order(tax=Decimal("-0.01")))


def test_order_lines_need_a_positive_quantity_and_one_line_per_product():
    order = an_order()
    product = ProductFactory()
    line = dict(order=order, product=product, sku="X", name="X", unit_price=Decimal("1.00"), line_total=Decimal("0"))
    assert violates(lambda: OrderLine.objects.create(quantity=0, **line))
    OrderLine.objects.create(quantity=1, **line)
    assert violates(lambda: OrderLine.objects.create(quantity=2, **line))


def test_checkout_tokens_are_unique():
    token = uuid.uuid4()
    an_order(checkout_token=token)
    assert violates(lambda: an_order(checkout_token=token))


def test_customers_with_orders_cannot_be_deleted():
    from django.db.models import ProtectedError

    order = an_order()
    with pytest.raises(ProtectedError):
        order.customer.delete()


def test_products_on_orders_are_kept():
    from django.db.models import ProtectedError

    order = an_order()
    product = ProductFactory()
    OrderLine.objects.create(order=order, product=product, sku="X", name="X", unit_price=Decimal("1"), quantity=1,
                             line_total=Decimal("1"))
    with pytest.raises(ProtectedError):
        product.delete()


def test_shipping_prices_and_tax_rates_are_sane():
    assert violates(lambda: ShippingMethod.objects.create(name="Bad", price=Decimal("-1")))
    assert violates(lambda: TaxRate.objects.create(name="Bad", rate=Decimal("101")))
