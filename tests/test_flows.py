"""Orders walked through their life by the pages staff use, with values at the limits chosen by hypothesis: price
levels at 0% and 100% off, tax-exempt customers with the longest terms, customers with the longest and the
oddest names, items at the largest price and quantity the forms take, custom items, overrides and discounts,
checkout (submitted twice, now and then), edits, shipments, payments, cancelling, reordering, a merchant logo,
printing. Every step is tried as a role the strategy picks, so refusals are walked too.

After every step, every page of ours and the admin's that shows what the step touched answers below 500 for
every role (the order list, the dashboard, the CSV export and the admin's lists every time; an order's page,
documents, forms and admin page when it changed), and the money and stock invariants hold.

A bounded run in `make test`; a longer one: ``OMS_FLOW_EXAMPLES=300 .venv/bin/python -m pytest tests/test_flows.py``
(OMS_FLOW_STEPS sets the longest walk).
"""

import os
from decimal import Decimal

import pytest
from hypothesis import HealthCheck, settings
from hypothesis.stateful import run_state_machine_as_test

from oms.accounts.roles import ADMINISTRATOR, MANAGER, ORDER_ENTRY
from orders.models import Order, OrderEvent
from tests.flows import REACHED, OrderLife

EXAMPLES = int(os.environ.get("OMS_FLOW_EXAMPLES", "3"))
STEPS = int(os.environ.get("OMS_FLOW_STEPS", "12"))


def checked(walk: OrderLife) -> None:
    walk.every_page_answers()
    walk.money_adds_up()
    walk.stock_adds_up()


@pytest.mark.slow
@pytest.mark.django_db
def test_one_walk_through_every_step_at_the_limits():
    """Every rule once, in the order a desk meets them, with the values that once broke pages: the random walks
    below may or may not reach a shipment; this one always does."""
    walk = OrderLife()
    try:
        number = walk.an_order_on_the_books()
        checked(walk)
        for step in (
            lambda: walk.set_price_level(ADMINISTRATOR, 0, level=0, terms="32767", exempt=True),
            lambda: walk.set_logo(ADMINISTRATOR, "PNG"),
            lambda: walk.edit(MANAGER, number, 2, quantity="3", price="9,999,999,999.99"),
            lambda: walk.ship(MANAGER, number, everything=False, twice=True),
            lambda: walk.pay(MANAGER, number, "10.00", overpay=False, twice=True),
            lambda: walk.note(ORDER_ENTRY, number, "Card 4111 1111\u00a01111 1111"),
            lambda: walk.print_document(MANAGER, number, "invoice_pdf"),
            lambda: walk.set_logo(ADMINISTRATOR, "SVG"),
            lambda: walk.print_document(MANAGER, number, "batch"),
        ):
            step()
            checked(walk)
        cart = walk.start_with_a_new_customer(ORDER_ENTRY, "Zoë", "x" * 100, "O'Brien <b>")
        for step in (
            lambda: walk.add_item(cart, 1, "٣"),  # refused: ASCII digits only
            lambda: walk.add_item(cart, 1, "1"),
            lambda: walk.add_custom_item(cart, "9,999,999,999.99", "1", taxable=True),  # refused: past the total
            lambda: walk.add_item(cart, 2, "2"),
            lambda: walk.discount(cart, "100.01%"),  # refused
            lambda: walk.discount(cart, "99.99%"),
            lambda: walk.change_price(cart, 2, "0.01"),  # refused: clerks do not override prices
        ):
            step()
            checked(walk)
        second = walk.checkout(cart, twice=True, send=True)
        checked(walk)
        walk.cancel(ORDER_ENTRY, second)  # refused: clerks do not cancel
        walk.reorder(ORDER_ENTRY, second)
        walk.cancel(MANAGER, second)
        checked(walk)

        order = Order.objects.get(number=number)
        assert [(shipment.lines.get().quantity) for shipment in order.shipments.all()] == [1]
        assert order.payments.get().amount == Decimal("10.00")
        assert order.events.filter(kind=OrderEvent.Kind.EDITED).exists()
        assert Order.objects.get(number=second).status == Order.Status.CANCELLED
        assert len(walk.customers) == 3 and order.customer.customer_type.percent_off == 100
    finally:
        walk.teardown()


@pytest.mark.slow
@pytest.mark.django_db
def test_orders_walked_through_their_life_never_break_a_page_money_or_stock():
    run_state_machine_as_test(OrderLife, settings=settings(
        max_examples=EXAMPLES, stateful_step_count=STEPS, deadline=None, database=None,
        derandomize=not os.environ.get("OMS_FLOW_EXAMPLES"), suppress_health_check=list(HealthCheck)))
    print(f"walks: {EXAMPLES}, reached: {dict(REACHED)}")  # with -s: what the walks got done
