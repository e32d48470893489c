"""Placing orders: the one way an order, its lines and the stock change get written."""

import logging
from dataclasses import dataclass

from django.db import IntegrityError, transaction
from django.utils import timezone

from catalog.models import StockMovement, StockReservation
from catalog.services import Move, stock_move
from customers.models import Customer
from customers.services import address_add
from orders import events, lifecycle
from orders.lifecycle import OrderRefused
from orders.models import Order, OrderLine
from orders.notifications.services import _send_confirmation_after_commit
from orders.ordering.checkout import OrderDraft
from orders.ordering.lines import backorder_split, line_problem
from orders.ordering.prices import Quote as Priced
from orders.ordering.prices import line_rows as order_line_rows
from orders.ordering.prices import pricing_problems, quote
from orders.payments.models import Payment
from orders.payments.selectors import credit_applies, credit_exposure
from orders.payments.services import refund_record, store_credit_apply
from orders.payments.terms import due_date_for, owed_to_customer
from orders.pricing.models import ShippingMethod
from orders.pricing.selectors import products_priced_for
from orders.quotes.models import Quote
from orders.quotes.services import quote_converted, quote_promise
from orders.reporting.sales import sales_add
from orders.returns.models import ReturnLine

logger = logging.getLogger(__name__)


class OrderChanged(OrderRefused):
    """Prices or lines changed since staff reviewed the order: review again before placing it."""


@dataclass(frozen=True)
class PlacedOrder:
    order: Order
    created: bool  # False when this checkout token had already placed the order


def order_place(*, draft: OrderDraft, placed_by=None) -> PlacedOrder:
    """Place ``draft`` as an order, in one transaction.

    Idempotent on ``draft.token``: a token that already placed an order returns that order with
    ``created=False``. Stock is checked and taken under row locks in primary-key order.

    Raises OrderRefused (no lines, no customer, inactive products, short stock: every
    problem at once) or OrderChanged (``draft.expected_total`` no longer matches).
    """
    if not draft.lines and not draft.custom_lines:
        raise OrderRefused(["The order has no lines: add at least one item."])
    if bad := [line for line in draft.lines if line.quantity <= 0]:
        raise OrderRefused([f"Quantities must be at least 1 (product {bad[0].product_id})."])
    try:
        with transaction.atomic():
            return _place(draft, placed_by)
    except IntegrityError:
        # The token's unique constraint: a resubmitted form, or another request with the same token that won
        # the race, placed the order (checking the token before the INSERT would cost every order a query).
        if placed := _placed_with(draft.token):
            return placed
        raise


def _place(draft: OrderDraft, placed_by) -> PlacedOrder:
    quantities = draft.quantities()
    # An exchange's returned orders are locked before the products, in the order receiving a return locks them.
    exchanged = _exchanged_orders(draft)
    converting = _quote_locked(draft)
    if converting is not None and converting.order_id:  # converted already (another tab, another clerk)
        return PlacedOrder(converting.order, created=False)
    customer = _one(_customer(draft)) if draft.customer_id else None
    # Locked in primary-key order, each with its price in the customer type's table and the units that live
    # reservations hold (subqueries, not locked).
    products = list(products_priced_for(customer and customer.customer_type_id, quantities, locked=True))
    shipping_method = _one(ShippingMethod.objects.filter(pk=draft.shipping_method_id, is_active=True))
    promise = quote_promise(converting) if converting is not None and converting.is_live else None
    try:
        found = _quote_or_refuse(draft, customer, shipping_method, products, quantities, placed_by, promise)
    except OrderRefused:
        # Read under the locks: a resubmitted form, or a double click whose first request took the last of the
        # stock, gets the order its token placed, not a refusal.
        if placed := _placed_with(draft.token):
            return placed
        raise
    totals = found.totals
    # (allocated, on backorder) per product: the stock there is, and the rest waits for Receive stock
    split = {product.pk: backorder_split(product, quantities[product.pk]) for product in products}
    # A token that already placed an order stops here, on the order's unique token (order_place returns it).
    order = _order_create(draft, customer, shipping_method, found, placed_by,
                          backordered=any(waiting for _, waiting in split.values()))
    line_rows = order_line_rows(found, draft, placed_by)
    for line in line_rows:
        line.order = order
        line.quantity_backordered = split[line.product_id][1] if line.product_id else 0
    OrderLine.objects.bulk_create(line_rows)
    sales_add(order=order, lines=line_rows)
    stock_move([Move(pk, -allocated, order.pk) for pk, (allocated, _) in split.items()],
               kind=StockMovement.Kind.SALE, products=products, actor=placed_by)
    if draft.save_addresses:
        _save_addresses(customer, draft.billing_address, draft.shipping_address)
    events.order_placed_event(order=order, actor=placed_by, total=totals.total, lines=len(line_rows),
                              quote=converting and converting.number)
    if converting is not None:
        quote_converted(quote=converting, order=order, actor=placed_by)
    _pay_from_credit(order, draft, exchanged, placed_by)
    _hold_beyond_credit(order, customer)
    if order.confirmation_state == Order.EmailState.PENDING:
        events.confirmation_queued_event(order=order, actor=placed_by, to=order.customer_email)
        _send_confirmation_after_commit(order)
    return PlacedOrder(order, created=True)


def _quote_locked(draft: OrderDraft) -> Quote | None:
    """The quote the draft converts, locked (a second conversion waits, then finds its order); its reservation
    ends here, before the products are locked, so that its units count as this order's. Raises OrderRefused
    for a quote withdrawn, or another customer's."""
    if draft.quote_number is None:
        return None
    found = _one(Quote.objects.select_for_update().filter(pk=draft.quote_number))
    if found is None or found.customer_id != draft.customer_id:
        raise OrderRefused(["That quote is not this customer's: attach the quote's customer, or start a new order."])
    if found.status == Quote.Status.WITHDRAWN:
        raise OrderRefused([f"Quote {found} was withdrawn: it cannot be converted."])
    if not found.order_id:
        StockReservation.objects.filter(holder=found.holder).delete()
    return found


def _customer(draft: OrderDraft):
    customers = Customer.objects.select_related("customer_type").filter(pk=draft.customer_id)
    if draft.payment_method in lifecycle.ON_CREDIT:
        # Two orders on credit for one customer at once: the second waits, then counts the first in its exposure
        # (NO KEY: the orders' inserts, which share-lock the customer's key, are not held up).
        customers = customers.select_for_update(of=("self",), no_key=True)
    return customers


def _hold_beyond_credit(order: Order, customer: Customer) -> None:
    """An order on credit that takes the customer past their credit limit (or, when their type says so, one placed
    while invoices of theirs are overdue) is placed on hold with why, never refused."""
    if order.payment_method not in lifecycle.ON_CREDIT or not credit_applies(customer):
        return
    if reason := credit_exposure(customer).hold_reason:  # this order counted, net of store credit applied
        order.on_hold, order.hold_reason = True, reason
        order.save(update_fields=["on_hold", "hold_reason"])
        events.hold_event(order=order, actor=None, reason=reason)


def _exchanged_orders(draft: OrderDraft) -> list[Order]:
    if draft.exchange_for is None:
        return []
    numbers = ReturnLine.objects.filter(ret_id=draft.exchange_for, ret__customer_id=draft.customer_id).values(
        "order_id")
    return list(Order.objects.select_for_update().filter(pk__in=numbers).order_by("pk"))


def _pay_from_credit(order: Order, draft: OrderDraft, exchanged: list[Order], placed_by) -> None:
    """An exchange: what the return's orders owe the customer goes to their store credit (a refund each) and pays
    for this order; and with ``apply_store_credit``, the customer's store credit pays what it covers."""
    for returned in exchanged:
        if owed := owed_to_customer(returned):
            refund_record(order=returned, amount=owed, method=Payment.Method.STORE_CREDIT,
                          reference=f"Exchange for order #{order.number}", actor=placed_by)
    if exchanged or draft.apply_store_credit:
        store_credit_apply(order=order, actor=placed_by)


def _placed_with(token) -> PlacedOrder | None:
    """The order ``token`` already placed, if any (idempotency: the caller returns it instead of placing again)."""
    existing = Order.objects.filter(checkout_token=token).first()
    return PlacedOrder(existing, created=False) if existing else None


def _one(queryset):
    """The row a primary key names, or None; without the ORDER BY that first() adds, which costs more to build
    than to run on the path that places orders."""
    return next(iter(queryset.order_by()[:1]), None)


def _quote_or_refuse(draft: OrderDraft, customer, shipping_method, products, quantities, placed_by,
                     promise: dict | None) -> Priced:
    problems = _problems(customer, shipping_method, products, quantities)
    if problems := problems + pricing_problems(draft, customer, placed_by, promise):
        raise OrderRefused(problems)
    found = quote(draft, customer, products, quantities, shipping=shipping_method.price)
    if found.problems:
        raise OrderRefused(found.problems)
    if draft.expected_total is not None and found.totals.total != draft.expected_total:
        raise OrderChanged([f"The total changed from {draft.expected_total} to {found.totals.total} since the "
                            "review (a price, price level, discount or tax rate changed). Check the order and "
                            "submit again."])
    return found


def _order_create(draft: OrderDraft, customer: Customer, shipping_method: ShippingMethod, found: Priced,
                  placed_by, *, backordered: bool) -> Order:
    send = draft.send_confirmation and bool(customer.email)
    totals, tax = found.totals, found.tax
    return Order.objects.create(
        checkout_token=draft.token, customer=customer, placed_by=placed_by,
        customer_name=customer.name, customer_email=customer.email,
        billing_address=draft.billing_address, shipping_address=draft.shipping_address,
        shipping_method=shipping_method.name, payment_method=draft.payment_method,
        payment_reference=draft.payment_reference.strip(), channel=draft.channel,
        staff_note=draft.staff_note, customer_note=draft.customer_note,
        subtotal=totals.subtotal, shipping=totals.shipping, tax_rate=totals.tax_rate, tax=totals.tax,
        total=totals.total, customer_type=customer.customer_type.name,
        discount=totals.discount, discount_entered=totals.discount_entered, discount_reason=totals.discount_reason,
        discount_approved_by_id=(draft.discount_by or getattr(placed_by, "pk", None)) if totals.discount else None,
        tax_jurisdiction=tax.jurisdiction, tax_shipping=tax.tax_shipping, tax_exempt=tax.exempt,
        tax_exemption_number=tax.exemption_number,
        confirmation_state=Order.EmailState.PENDING if send else Order.EmailState.NOT_REQUESTED,
        due_date=due_date_for(terms_days=customer.terms_days, placed_on=timezone.localdate()),
        backordered=backordered,
    )


def _problems(customer, shipping_method, products, quantities) -> list[str]:
    problems = []
    if customer is None:
        problems.append("No customer is attached: use Identify to find or create one.")
    if shipping_method is None:
        problems.append("Choose a shipping method that is still offered.")
    found = {product.pk for product in products}
    problems += [f"Product {pk} no longer exists: remove it." for pk in quantities if pk not in found]
    for product in products:
        if problem := line_problem(product, quantities[product.pk]):
            problems.append(f"{product.sku} ({product.name}): {problem}")
    return problems


def _save_addresses(customer: Customer, billing: dict, shipping: dict) -> None:
    address_add(customer=customer, address=billing, default_billing=True, default_shipping=billing == shipping)
    if billing != shipping:
        address_add(customer=customer, address=shipping, default_shipping=True)
