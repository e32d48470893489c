"""Edits racing other writers, for real: PostgreSQL sessions in threads, released at once."""

import uuid

import pytest

from catalog.models import Product
from orders.changes.editing import OrderChange, OrderEditConflict, order_edit_save
from orders.changes.services import CancelledOrder, order_cancel
from orders.lifecycle import OrderRefused
from orders.models import Order, OrderEvent, OrderLine
from orders.ordering.placing import order_place
from tests.factories import OrderFactory, ProductFactory, ShippingMethodFactory, customer_with_address
from tests.helpers import draft, postgres_only, run_concurrently

pytestmark = [postgres_only, pytest.mark.django_db(transaction=True)]


def stock(product) -> int:
    return Product.objects.get(pk=product.pk).stock


def test_an_edit_raising_a_quantity_and_a_new_order_for_the_last_units_never_oversell():
    shipping = ShippingMethodFactory()
    product = ProductFactory(stock=5)
    order = OrderFactory(lines=[(product, 2)], shipping=shipping)  # 3 left
    change = OrderChange(version=order.version, token="edit", quantities={product.pk: 5})  # wants all 3
    new_order = draft(customer_with_address(), [(product.pk, 3)], shipping, token=uuid.uuid4())  # wants all 3
    calls = iter([lambda: order_edit_save(order=order, change=change), lambda: order_place(draft=new_order)])

    results = run_concurrently(lambda: next(calls)(), times=2)  # released at once: either may win

    refused = [result for result in results if isinstance(result, OrderRefused)]
    assert len(refused) == 1, results
    assert "only 0 in stock" in refused[0].problems[0]
    assert stock(product) == 0
    assert sum(OrderLine.objects.filter(product=product).values_list("quantity", flat=True)) == 5


def test_two_editors_of_one_order_one_wins_the_other_is_refused():
    product = ProductFactory(stock=20)
    order = OrderFactory(lines=[(product, 2)], shipping=ShippingMethodFactory())
    changes = iter([OrderChange(version=order.version, token="tab-a", quantities={product.pk: 4}),
                    OrderChange(version=order.version, token="tab-b", quantities={product.pk: 9})])

    results = run_concurrently(lambda: order_edit_save(order=order, change=next(changes)), times=2)

    saved = [result for result in results if not isinstance(result, Exception)]
    conflicts = [result for result in results if isinstance(result, OrderEditConflict)]
    assert len(saved) == 1 and len(conflicts) == 1, results
    winner = OrderLine.objects.get(order=order).quantity
    assert winner in (4, 9)
    assert stock(product) == 20 - winner
    assert Order.objects.get().version == order.version + 1
    assert OrderEvent.objects.filter(kind="edited").count() == 1


def test_cancel_racing_an_edit_leaves_consistent_stock_and_a_truthful_timeline():
    product = ProductFactory(stock=10)
    other = ProductFactory(stock=10)
    order = OrderFactory(lines=[(product, 2), (other, 1)], shipping=ShippingMethodFactory())  # 8 and 9 left
    change = OrderChange(version=order.version, token="edit", quantities={product.pk: 6})  # removes `other`
    calls = iter([lambda: order_edit_save(order=order, change=change),
                  lambda: order_cancel(order=order, reason="customer called")])

    results = run_concurrently(lambda: next(calls)(), times=2)

    cancelled = next(result for result in results if isinstance(result, CancelledOrder))
    edit = next(result for result in results if not isinstance(result, CancelledOrder))
    events = list(OrderEvent.objects.filter(order=order).order_by("pk").values_list("kind", flat=True))
    assert Order.objects.get().status == "cancelled"
    assert (stock(product), stock(other)) == (10, 10)  # everything back, whoever went first
    if isinstance(edit, OrderRefused):  # the cancel went first: the edit saw a cancelled order
        assert "is cancelled" in edit.problems[0]
        assert cancelled.restocked == {product.sku: 2, other.sku: 1}
        assert events[-1] == "cancelled" and "edited" not in events
    else:  # the edit went first: the cancel gave back what the edited order held
        assert cancelled.restocked == {product.sku: 6}
        assert events[-2:] == ["edited", "cancelled"]
