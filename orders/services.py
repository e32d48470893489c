"""Placing orders: the one way an order, its lines and the stock change get written."""

import logging
from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone

from catalog.models import Product
from catalog.services import stock_save
from customers.models import Customer
from customers.services import address_add

from . import events, lifecycle
from .drafts import OrderDraft
from .models import Order, OrderEvent, OrderLine, ShippingMethod
from .quoting import Quote, pricing_problems, quote
from .quoting import line_rows as order_line_rows
from .review import line_problem
from .sales import sales_add
from .selectors import products_priced_for
from .terms import due_date_for

logger = logging.getLogger(__name__)


class OrderRefused(Exception):
    """The order cannot be placed as it stands; ``problems`` says why, one line each."""

    def __init__(self, problems: list[str]):
        super().__init__("; ".join(problems))
        self.problems = problems


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
    customer = (_one(Customer.objects.select_related("customer_type").filter(pk=draft.customer_id))
                if draft.customer_id else None)
    # Locked in primary-key order, each with its price in the customer type's table (a subquery, not locked).
    products = list(products_priced_for(customer and customer.customer_type_id, quantities, locked=True))
    shipping_method = _one(ShippingMethod.objects.filter(pk=draft.shipping_method_id, is_active=True))
    try:
        found = _quote_or_refuse(draft, customer, shipping_method, products, quantities, placed_by)
    except OrderRefused:
        # Read under the locks: a resubmitted form, or a double click whose first request took the last of the
        # stock, gets the order its token placed, not a refusal.
        if placed := _placed_with(draft.token):
            return placed
        raise
    totals = found.totals
    # A token that already placed an order stops here, on the order's unique token (order_place returns it).
    order = _order_create(draft, customer, shipping_method, found, placed_by)
    line_rows = order_line_rows(found, draft, placed_by)
    for line in line_rows:
        line.order = order
    OrderLine.objects.bulk_create(line_rows)
    sales_add(order=order, lines=line_rows)
    _take_stock(products, quantities)
    if draft.save_addresses:
        _save_addresses(customer, draft.billing_address, draft.shipping_address)
    events.order_placed_event(order=order, actor=placed_by, total=totals.total, lines=len(line_rows))
    if order.confirmation_state == Order.EmailState.PENDING:
        events.confirmation_queued_event(order=order, actor=placed_by, to=order.customer_email)
        _send_confirmation_after_commit(order)
    return PlacedOrder(order, created=True)


def _placed_with(token) -> PlacedOrder | None:
    """The order ``token`` already placed, if any (idempotency: the caller returns it instead of placing again)."""
    existing = Order.objects.filter(checkout_token=token).first()
    return PlacedOrder(existing, created=False) if existing else None


def _one(queryset):
    """The row a primary key names, or None; without the ORDER BY that first() adds, which costs more to build
    than to run on the path that places orders."""
    return next(iter(queryset.order_by()[:1]), None)


def _quote_or_refuse(draft: OrderDraft, customer, shipping_method, products, quantities, placed_by) -> Quote:
    problems = _problems(customer, shipping_method, products, quantities)
    if problems := problems + pricing_problems(draft, customer, placed_by):
        raise OrderRefused(problems)
    found = quote(draft, customer, products, quantities, shipping=shipping_method.price)
    if found.problems:
        raise OrderRefused(found.problems)
    if draft.expected_total is not None and found.totals.total != draft.expected_total:
        raise OrderChanged([f"The total changed from {draft.expected_total} to {found.totals.total} since the "
                            "review (a price, price level, discount or tax rate changed). Check the order and "
                            "submit again."])
    return found


def _order_create(draft: OrderDraft, customer: Customer, shipping_method: ShippingMethod, found: Quote,
                  placed_by) -> Order:
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


def _take_stock(products: list[Product], quantities: dict[int, int]) -> None:
    tracked = [product for product in products if product.track_inventory]
    for product in tracked:
        product.stock -= quantities[product.pk]
    stock_save(tracked)


def _save_addresses(customer: Customer, billing: dict, shipping: dict) -> None:
    address_add(customer=customer, address=billing, default_billing=True, default_shipping=billing == shipping)
    if billing != shipping:
        address_add(customer=customer, address=shipping, default_shipping=True)


def _send_confirmation_after_commit(order: Order) -> None:
    """Queue the confirmation in the caller's transaction: it exists, and is sent, exactly when that commits."""
    from .tasks import order_email_enqueue

    order_email_enqueue(order=order, kind="confirmation")


def order_confirmation_request(*, order: Order, actor=None) -> Order:
    """Queue the confirmation email again, to the address saved on the order (Resend confirmation).

    Raises OrderRefused when the order has no email address, or when it was resent
    settings.RESEND_LIMIT_PER_HOUR times in the last hour.
    """
    with transaction.atomic():
        current = Order.objects.select_for_update().get(pk=order.pk)
        if not current.customer_email:
            raise OrderRefused(["The order has no email address: save one for this order first."])
        hour_ago = timezone.now() - timedelta(hours=1)
        recent = current.events.filter(kind=OrderEvent.Kind.CONFIRMATION_RESENT, created_at__gte=hour_ago).count()
        if recent >= settings.RESEND_LIMIT_PER_HOUR:
            raise OrderRefused([f"The confirmation was already resent {recent} times in the last hour; "
                                "try again later."])
        current.confirmation_state, current.confirmation_error = Order.EmailState.PENDING, ""
        current.save(update_fields=["confirmation_state", "confirmation_error"])
        events.confirmation_resent_event(order=current, actor=actor, to=current.customer_email)
        _send_confirmation_after_commit(current)
    return current


def order_email_change(*, order: Order, email: str, actor=None) -> Order:
    """Change the address the order's emails go to (the customer's record is not touched)."""
    with transaction.atomic():
        current = Order.objects.select_for_update().get(pk=order.pk)
        before = current.customer_email
        if before == email:
            return current
        current.customer_email = email
        current.save(update_fields=["customer_email"])
        events.email_changed_event(order=current, actor=actor, before=before, after=email)
    return current


# Cancelling is not a plain status change: order_cancel gives the stock back and records why.
def order_note_add(*, order: Order, text: str, visible_to_customer: bool, actor=None, token: str = "") -> OrderEvent:
    """Add a note to the order's timeline; notes visible to the customer go into later emails.

    Idempotent on ``token`` (the Add note form's): a token that already added a note returns that note, with
    ``recorded_now`` False."""
    with transaction.atomic():
        if token:  # the order's lock makes a resubmission wait for the first, and find its note
            Order.objects.select_for_update().get(pk=order.pk)
            if first := order.events.filter(kind=OrderEvent.Kind.NOTE_ADDED, data__token=token).first():
                first.recorded_now = False
                return first
        note = events.note_added_event(order=order, actor=actor, text=text, visible_to_customer=visible_to_customer,
                                       token=token)
        note.recorded_now = True
        return note


def order_status_change(*, order: Order, status: str, actor=None) -> Order:
    """Move an order to ``status``. Raises OrderRefused for a transition that is not allowed."""
    with transaction.atomic():
        current = Order.objects.select_for_update().get(pk=order.pk)
        if not lifecycle.can_change_status(current, status):
            raise OrderRefused([lifecycle.why_not_change_status(current, status)])
        before, current.status = current.status, status
        current.save(update_fields=["status"])
        events.status_changed_event(order=current, actor=actor, before=before, after=status)
    return current


@dataclass(frozen=True)
class CancelledOrder:
    order: Order
    restocked: dict[str, int]  # SKU -> quantity given back to stock
    changed: bool  # False when the order was already cancelled


def order_cancel(*, order: Order, reason: str, actor=None) -> CancelledOrder:
    """Cancel an order that has not shipped and give its tracked products' stock back.

    Cancelling a cancelled order changes nothing. Raises OrderRefused for a shipped or completed order.
    """
    with transaction.atomic():
        current = Order.objects.select_for_update().get(pk=order.pk)
        if current.status == Order.Status.CANCELLED:
            return CancelledOrder(current, {}, changed=False)
        if not lifecycle.can_cancel(current):
            raise OrderRefused([lifecycle.why_not_cancel(current)])
        restocked = _restock({line.product_id: line.quantity for line in current.lines.all() if line.product_id})
        current.status = Order.Status.CANCELLED
        current.save(update_fields=["status"])
        sales_add(order=current, lines=current.lines.all(), sign=-1)
        events.order_cancelled_event(order=current, actor=actor, reason=reason, restocked=restocked)
    return CancelledOrder(current, restocked, changed=True)


def _restock(quantities: dict[int, int]) -> dict[str, int]:
    """Give ``quantities`` back to tracked products, locked in primary-key order; SKU -> quantity."""
    products = list(Product.objects.select_for_update().filter(pk__in=quantities, track_inventory=True)
                    .order_by("pk"))
    for product in products:
        product.stock += quantities[product.pk]
    stock_save(products)
    return {product.sku: quantities[product.pk] for product in products}
