"""Goods and money that come back, walked at random on one order: hypothesis picks sequences of edit / pay / ship /
return / receive / credit / refund / store credit / cancel remaining, with quantities and amounts at and past their
limits, and after every step the order's lines, money, the customer's store credit and the products' stock must
agree with each other and with what the walk did (the issue's "Invariants, tested").

A bounded run here; a longer one: ``OMS_RETURN_EXAMPLES=500 .venv/bin/python -m pytest tests/orders/returns``.
"""

import os
import uuid
from collections import Counter
from decimal import Decimal

import pytest
from django.db import transaction
from django.db.models import Sum
from django.utils import timezone
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    RuleBasedStateMachine,
    initialize,
    invariant,
    precondition,
    rule,
    run_state_machine_as_test,
)

from catalog.models import Product
from orders import lifecycle
from orders.changes.editing import OrderChange, order_edit_save
from orders.changes.services import order_cancel_remaining
from orders.fulfilment.models import Carrier
from orders.fulfilment.services import ShipmentRequest, shipment_record
from orders.lifecycle import OrderRefused
from orders.models import Order, OrderLine
from orders.payments.models import Payment, Refund, StoreCredit
from orders.payments.selectors import store_credit_balance
from orders.payments.services import payment_record, refund_record, store_credit_apply
from orders.payments.terms import balance_due, payment_status_of
from orders.pricing.totals import CENT, Discount, TaxRule, order_totals
from orders.returns.models import CreditMemo, Return, ReturnLine
from orders.returns.services import ReturnRequest, credit_memo_issue, return_create, return_receive
from tests.factories import ProductFactory, ShippingMethodFactory, TaxRateFactory, customer_with_address
from tests.helpers import place, postgres_only

EXAMPLES = int(os.environ.get("OMS_RETURN_EXAMPLES", "25"))
STEPS = int(os.environ.get("OMS_RETURN_STEPS", "30"))
SKUS = ("ODD", "CENTS", "SERVICE")  # 19.99 and 3.33 tracked, 7.77 not tracked
TRACKED = {"ODD", "CENTS"}
AMOUNTS = st.one_of(st.sampled_from(["due", "owed", "refundable", "0.01"]),
                    st.decimals(min_value=Decimal("0.01"), max_value=Decimal("150"), places=2))
CREDITS = st.one_of(st.just("0.01"), st.decimals(min_value=Decimal("0.01"), max_value=Decimal("25"), places=2))
REACHED: Counter = Counter()  # what the walks got done, over all examples: a walk that never receives is no test


class ReturnsWalk(RuleBasedStateMachine):
    """One order, walked; the machine keeps its own account of what should be (quantities, money, credit) and the
    invariants compare the database with it. Everything happens in a savepoint the walk's end rolls back."""

    def __init__(self):
        super().__init__()
        self.savepoint = transaction.atomic()
        self.savepoint.__enter__()
        self.shipping = ShippingMethodFactory(price=Decimal("7.95"))
        TaxRateFactory(rate=Decimal("9.999"), tax_shipping=True)
        self.carrier = Carrier.objects.create(name="UPS")
        self.products = {
            "ODD": ProductFactory(sku="ODD", price=Decimal("19.99"), stock=60),
            "CENTS": ProductFactory(sku="CENTS", price=Decimal("3.33"), stock=60),
            "SERVICE": ProductFactory(sku="SERVICE", price=Decimal("7.77"), stock=0, track_inventory=False),
        }
        self.initial_stock = {sku: product.stock for sku, product in self.products.items()}
        self.customer = customer_with_address()
        self.ordered = dict.fromkeys(SKUS, 0)
        self.shipped = dict.fromkeys(SKUS, 0)
        self.on_return = dict.fromkeys(SKUS, 0)  # authorized and not given back by a short receipt
        self.restocked = dict.fromkeys(SKUS, 0)  # received resaleable
        self.authorized: dict[int, dict] = {}  # return number -> {"condition", "lines": {return line id: sku}}
        self.paid = self.refunded = self.store_credit = Decimal("0")

    def teardown(self):
        transaction.set_rollback(True)
        self.savepoint.__exit__(None, None, None)

    # -- helpers --------------------------------------------------------------------------------------------------

    def order(self) -> Order:
        return Order.objects.get(pk=self.number)

    def lines(self) -> dict[str, OrderLine]:
        return {line.sku: line for line in OrderLine.objects.filter(order_id=self.number)}

    def amount(self, choice, order: Order) -> Decimal:
        named = {"due": balance_due(order), "owed": -balance_due(order),
                 "refundable": order.amount_paid - order.amount_refunded}
        return named[choice] if choice in named else Decimal(choice)

    def attempt(self, step: str, expected: bool, action):
        """Run ``action``; it must succeed exactly when the walk's own account says it may."""
        try:
            result = action()
        except OrderRefused as refused:
            assert not expected, f"{step} refused: {refused.problems}"
            REACHED[f"{step} refused"] += 1
            return None
        assert expected, f"{step} was not refused"
        REACHED[step] += 1
        return result

    # -- the walk -------------------------------------------------------------------------------------------------

    @initialize(quantities=st.tuples(*[st.integers(min_value=1, max_value=5)] * 3),
                discount=st.sampled_from(["", "12.5%", "7.77", "100%"]))
    def place_order(self, quantities, discount):
        ids = [self.products[sku].pk for sku in SKUS]
        self.number = place(self.customer, list(zip(ids, quantities, strict=True)), self.shipping, discount=discount,
                            discount_reason="Walk" if discount else "").order.pk
        self.ordered = dict(zip(SKUS, quantities, strict=True))

    @precondition(lambda self: not any(self.shipped.values()))  # after that, refused (tests/orders/changes)
    @rule(quantities=st.tuples(*[st.integers(min_value=0, max_value=6)] * 3))
    def edit(self, quantities):
        order = self.order()
        asked = dict(zip(SKUS, quantities, strict=True))
        wanted = {self.products[sku].pk: quantity for sku, quantity in asked.items() if quantity}
        new_total = order_totals(lines=[self.products[sku].price * quantity for sku, quantity in asked.items()],
                                 shipping=order.shipping, tax=tax_rule(order), discount=discount(order)).total
        may = order.status in ("placed", "processing") and bool(wanted) and new_total >= order.amount_credited
        change = OrderChange(version=order.version, token=uuid.uuid4().hex, quantities=wanted)
        if self.attempt("edit", may, lambda: order_edit_save(order=order, change=change)):
            self.ordered = asked

    @rule(choice=AMOUNTS, overpay=st.booleans())
    def pay(self, choice, overpay):
        order = self.order()
        amount = self.amount(choice, order)
        may = amount > 0 and (amount <= balance_due(order) or overpay)
        if amount > 0:
            pay = lambda: payment_record(order=order, amount=amount, method="check",  # noqa: E731
                                         received_on=timezone.localdate(), allow_overpayment=overpay)
            if self.attempt("pay", may, pay):
                self.paid += amount

    @precondition(lambda self: self.ordered != self.shipped)
    @rule(data=st.data(), everything=st.booleans())
    def ship(self, data, everything):
        left = {sku: self.ordered[sku] - self.shipped[sku] for sku in SKUS if self.ordered[sku] > self.shipped[sku]}
        self.ship_these(None if everything else
                        {sku: data.draw(st.integers(min_value=0, max_value=most)) for sku, most in left.items()})

    def ship_these(self, wanted: dict[str, int] | None):
        """Ship ``wanted`` (SKU -> quantity; None: everything not yet shipped)."""
        lines = self.lines()
        quantities = None if wanted is None else {lines[sku].pk: quantity for sku, quantity in wanted.items()}
        request = ShipmentRequest(carrier=self.carrier, tracking_numbers=[], shipped_on=timezone.localdate(),
                                  quantities=quantities)
        if wanted is None:
            wanted = {sku: self.ordered[sku] - self.shipped[sku] for sku in SKUS}
        if self.attempt("ship", any(wanted.values()), lambda: shipment_record(order=self.order(), request=request)):
            for sku, quantity in wanted.items():
                self.shipped[sku] += quantity

    @precondition(lambda self: any(self.shipped.values()))
    @rule(data=st.data(), condition=st.sampled_from(Return.Condition.values),
          past=st.sampled_from([False, False, False, True]))  # now and then one more than may come back
    def authorize(self, data, condition, past):
        left = {sku: self.shipped[sku] - self.on_return[sku] for sku in SKUS if self.shipped[sku]}
        self.authorize_these({sku: data.draw(st.integers(min_value=0, max_value=most + past))
                              for sku, most in left.items()}, condition)

    def authorize_these(self, wanted: dict[str, int], condition: str):
        lines = self.lines()
        may = any(wanted.values()) and all(wanted[sku] <= self.shipped[sku] - self.on_return[sku] for sku in wanted)
        request = ReturnRequest(quantities={lines[sku].pk: quantity for sku, quantity in wanted.items()},
                                condition=condition)
        if ret := self.attempt("return", may, lambda: return_create(customer=self.customer, request=request)):
            for sku, quantity in wanted.items():
                self.on_return[sku] += quantity
            self.authorized[ret.number] = {"condition": condition, "lines": {
                line.pk: line.order_line.sku for line in ret.lines.select_related("order_line")}}

    @precondition(lambda self: self.authorized)
    @rule(data=st.data(), refund_shipping=st.booleans())
    def receive(self, data, refund_shipping):
        number = data.draw(st.sampled_from(sorted(self.authorized)))
        quantities = dict(ReturnLine.objects.filter(ret_id=number).values_list("order_line__sku", "quantity"))
        self.receive_these(number, {sku: data.draw(st.integers(min_value=0, max_value=most))
                                    for sku, most in quantities.items()}, refund_shipping)

    def receive_these(self, number: int, received: dict[str, int], refund_shipping: bool):
        """Receive return ``number``: ``received`` is SKU -> quantity that arrived."""
        ret = Return.objects.get(pk=number)
        account = self.authorized[number]
        by_line = {pk: received.get(sku, 0) for pk, sku in account["lines"].items()}
        authorized = dict(ret.lines.values_list("pk", "quantity"))
        if self.attempt("receive", any(by_line.values()),
                        lambda: return_receive(ret=ret, received=by_line, refund_shipping=refund_shipping)):
            del self.authorized[number]
            for pk, quantity in by_line.items():
                sku = account["lines"][pk]
                self.on_return[sku] -= authorized[pk] - quantity
                if account["condition"] == Return.Condition.RESALEABLE and sku in TRACKED:
                    self.restocked[sku] += quantity

    @rule(choice=CREDITS)
    def credit(self, choice):
        order = self.order()
        amount = self.amount(choice, order)
        may = order.status in lifecycle.CREDITABLE and 0 < amount <= order.total - order.amount_credited
        if amount > 0:
            self.attempt("credit", may, lambda: credit_memo_issue(order=order, amount=amount, reason="Goodwill"))

    @precondition(lambda self: self.paid > self.refunded)
    @rule(choice=AMOUNTS, to_credit=st.booleans())
    def refund(self, choice, to_credit):
        order = self.order()
        amount = self.amount(choice, order)
        method = "store_credit" if to_credit else "check"
        if amount > 0 and self.attempt("refund", amount <= self.paid - self.refunded,
                                       lambda: refund_record(order=order, amount=amount, method=method)):
            self.refunded += amount
            self.store_credit += amount if to_credit else 0

    @precondition(lambda self: self.store_credit)
    @rule()
    def apply_credit(self):
        with transaction.atomic():
            order = Order.objects.select_for_update().get(pk=self.number)
            expected = min(self.store_credit, balance_due(order))
            payment = store_credit_apply(order=order)
        assert (payment.amount if payment else Decimal("0")) == max(expected, Decimal("0"))
        if payment:
            REACHED["apply credit"] += 1
            self.paid += payment.amount
            self.store_credit -= payment.amount

    @precondition(lambda self: any(self.shipped.values()) and self.shipped != self.ordered)  # partially shipped
    @rule()
    def cancel_remaining(self):
        order = self.order()
        try:
            order_cancel_remaining(order=order, reason="Walk")
        except OrderRefused as refused:
            assert order.status != "partially_shipped" or "more than its new total" in str(refused), refused
            REACHED["cancel remaining refused"] += 1
            return
        assert order.status == "partially_shipped"
        REACHED["cancel remaining"] += 1
        self.ordered = dict(self.shipped)

    def check(self):
        """Every invariant, for walks driven by hand."""
        for name in ("lines_agree", "status_follows_shipments", "money_adds_up",
                     "totals_come_from_the_pricing_function", "store_credit_is_a_ledger_never_below_zero",
                     "stock_moves_only_by_orders_and_resaleable_receipts"):
            getattr(self, name)()

    # -- what must hold after every step --------------------------------------------------------------------------

    @invariant()
    def lines_agree(self):
        lines = self.lines()
        assert {sku: line.quantity for sku, line in lines.items()} == {
            sku: quantity for sku, quantity in self.ordered.items() if quantity}
        for sku, line in lines.items():
            assert 0 <= line.quantity_returned <= line.quantity_shipped <= line.quantity
            assert (line.quantity_shipped, line.quantity_returned) == (self.shipped[sku], self.on_return[sku])
            on_returns = ReturnLine.objects.filter(order_line=line).values_list("ret__status", "quantity",
                                                                              "quantity_received")
            assert line.quantity_returned == sum(received if status == "received" else authorized
                                                 for status, authorized, received in on_returns)

    @invariant()
    def status_follows_shipments(self):
        shipped_some = any(self.shipped.values())
        everything = all(self.shipped[sku] == self.ordered[sku] for sku in SKUS)
        expected = ("shipped" if everything else "partially_shipped") if shipped_some else "placed"
        assert self.order().status == expected

    @invariant()
    def money_adds_up(self):
        order = self.order()
        sums = {model: model.objects.filter(order=order).aggregate(sum=Sum(field))["sum"] or Decimal("0")
                for model, field in ((Payment, "amount"), (Refund, "amount"), (CreditMemo, "total"))}
        assert (order.amount_paid, order.amount_refunded, order.amount_credited) == (
            sums[Payment], sums[Refund], sums[CreditMemo])
        assert (order.amount_paid, order.amount_refunded) == (self.paid, self.refunded)
        assert balance_due(order) == order.total - sums[CreditMemo] - sums[Payment] + sums[Refund]
        for amount in (order.total, order.amount_credited, order.amount_paid, order.amount_refunded):
            assert amount == amount.quantize(CENT)
        assert 0 <= order.amount_refunded <= order.amount_paid
        assert 0 <= order.amount_credited <= order.total
        assert order.payment_status == payment_status_of(order)

    @invariant()
    def totals_come_from_the_pricing_function(self):
        order = self.order()
        totals = order_totals(lines=list(order.lines.all()), shipping=order.shipping, tax=tax_rule(order),
                              discount=discount(order))
        assert (order.subtotal, order.discount, order.tax, order.total) == (
            totals.subtotal, totals.discount, totals.tax, totals.total)

    @invariant()
    def store_credit_is_a_ledger_never_below_zero(self):
        entries = StoreCredit.objects.filter(customer=self.customer)
        total = entries.aggregate(sum=Sum("amount"))["sum"] or Decimal("0")
        assert store_credit_balance(self.customer.pk) == total == self.store_credit >= 0
        applied = Payment.objects.filter(order__customer=self.customer, method="store_credit")
        assert sorted(-entry.amount for entry in entries if entry.amount < 0) == sorted(p.amount for p in applied)

    @invariant()
    def stock_moves_only_by_orders_and_resaleable_receipts(self):
        stock = dict(Product.objects.filter(sku__in=SKUS).values_list("sku", "stock"))
        assert stock == {sku: self.initial_stock[sku] - self.ordered[sku] + self.restocked[sku] if sku in TRACKED
                         else self.initial_stock[sku] for sku in SKUS}


def tax_rule(order: Order) -> TaxRule:
    return TaxRule(rate=order.tax_rate, jurisdiction=order.tax_jurisdiction, tax_shipping=order.tax_shipping,
                   exempt=order.tax_exempt, exemption_number=order.tax_exemption_number)


def discount(order: Order) -> Discount | None:
    return Discount.parse(order.discount_entered) if order.discount_entered else None


@postgres_only
@pytest.mark.django_db
def test_one_walk_through_every_step():
    """Every step in the order a desk meets them, short receipts and refunds to credit among them: the random walks
    below may or may not reach each; this one does."""
    walk = ReturnsWalk()
    before = Counter(REACHED)
    try:
        for step in (
            lambda: walk.place_order((3, 4, 2), "12.5%"),
            lambda: walk.edit((4, 4, 1)),
            lambda: walk.credit("2.00"),  # refused: goodwill is for goods that shipped (before, Edit order)
            lambda: walk.edit((0, 5, 1)),
            lambda: walk.pay("due", overpay=False),
            lambda: walk.ship_these({"CENTS": 2, "SERVICE": 1}),
            lambda: walk.edit((0, 1, 0)),  # refused: something has shipped
            lambda: walk.credit("10.00"),
            lambda: walk.authorize_these({"CENTS": 3}, Return.Condition.RESALEABLE),  # refused: 2 shipped
            lambda: walk.authorize_these({"CENTS": 2}, Return.Condition.RESALEABLE),
            lambda: walk.receive_these(max(walk.authorized), {"CENTS": 1}, refund_shipping=False),  # short
            lambda: walk.refund("refundable", to_credit=True),
            lambda: walk.apply_credit(),
            lambda: walk.authorize_these({"CENTS": 1, "SERVICE": 1}, Return.Condition.DAMAGED),
            lambda: walk.cancel_remaining(),
            lambda: walk.receive_these(max(walk.authorized), {"CENTS": 1, "SERVICE": 1}, refund_shipping=True),
            lambda: walk.refund("owed", to_credit=False),
            lambda: walk.pay("0.01", overpay=False),  # refused: nothing is due
        ):
            step()
            walk.check()
        done = {step for step, times in (REACHED - before).items() if times}
        assert done == {"edit", "edit refused", "credit", "credit refused", "pay", "pay refused", "ship", "return",
                        "return refused", "receive", "refund", "apply credit", "cancel remaining"}
        assert walk.order().status == "shipped" and walk.restocked == {"ODD": 0, "CENTS": 1, "SERVICE": 0}
    finally:
        walk.teardown()


@postgres_only
@pytest.mark.django_db
def test_returns_refunds_and_credit_keep_quantities_money_and_stock_consistent_at_every_step():
    run_state_machine_as_test(ReturnsWalk, settings=settings(
        max_examples=EXAMPLES, stateful_step_count=STEPS, deadline=None, database=None,
        derandomize=not os.environ.get("OMS_RETURN_EXAMPLES"), suppress_health_check=list(HealthCheck)))
    print(f"walks: {EXAMPLES}, reached: {dict(REACHED)}")  # with -s: what the walks got done
    assert {"ship", "return", "receive", "refund", "credit"} <= set(REACHED), dict(REACHED)
