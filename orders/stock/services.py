"""Receive stock: goods from a supplier go into stock and, first, to the lines waiting for them on backorder,
oldest order first, in one transaction under the orders' locks and then the products' (the order every writer
of orders and stock takes them in)."""

from collections import defaultdict
from dataclasses import dataclass, field

from django.db import transaction
from django.db.models import Sum

from catalog.models import StockMovement, StockReceipt
from catalog.services import Move, products_locked, stock_move
from orders import events
from orders.lifecycle import OrderRefused
from orders.models import Order, OrderLine
from orders.notifications.tasks import order_emails_enqueue
from orders.ordering.stores import MAX_QUANTITY

MAX_RECEIPT_LINES = 200


@dataclass
class StockReceived:
    receipt: StockReceipt
    received: dict[str, int] = field(default_factory=dict)  # SKU -> units received
    allocated: dict[int, dict[str, int]] = field(default_factory=dict)  # order number -> SKU -> units allocated
    completed: list[int] = field(default_factory=list)  # orders now fully allocated


def stock_receive(*, quantities: dict[int, int], reference: str = "", actor=None) -> StockReceived:
    """Receive ``quantities`` (product id -> units) under the supplier's ``reference``: each product's stock goes
    first to its backordered lines, oldest order first, and the rest into stock. Each order served gets a timeline
    event; an order left with nothing on backorder gets the "items available" email when it has an address.

    Raises OrderRefused for no quantities or a quantity outside 1..MAX_QUANTITY."""
    if not quantities:
        raise OrderRefused(["Say how many units arrived."])
    if len(quantities) > MAX_RECEIPT_LINES or any(not 0 < units <= MAX_QUANTITY for units in quantities.values()):
        raise OrderRefused([f"Quantities must be between 1 and {MAX_QUANTITY:,}, at most {MAX_RECEIPT_LINES} "
                            "products a receipt."])
    with transaction.atomic():
        orders = _waiting_orders_locked(quantities)
        products = products_locked(quantities)
        if missing := set(quantities) - {product.pk for product in products}:
            raise OrderRefused([f"Product {pk} no longer exists." for pk in sorted(missing)])
        receipt = StockReceipt.objects.create(reference=reference.strip()[:100],
                                              received_by=actor if getattr(actor, "pk", None) else None)
        received = stock_move([Move(pk, units) for pk, units in quantities.items()], kind=StockMovement.Kind.RECEIPT,
                              products=products, actor=actor, reason=reference, receipt=receipt)
        outcome = StockReceived(receipt, received)
        _allocate(outcome, products, orders, actor)
    return outcome


def _waiting_orders_locked(quantities: dict[int, int]) -> dict[int, Order]:
    """The orders with a line waiting for one of these products, locked in primary-key order (read along the
    line_waiting_for_stock partial index)."""
    waiting = OrderLine.objects.filter(product_id__in=list(quantities), quantity_backordered__gt=0).values("order_id")
    return {order.pk: order for order in Order.objects.select_for_update().filter(pk__in=waiting).order_by("pk")}


def _allocate(outcome: StockReceived, products, orders: dict[int, Order], actor) -> None:
    by_pk = {product.pk: product for product in products}
    # read again under the locks: a line allocated by a receipt that committed while this one waited is left out
    lines = list(OrderLine.objects.filter(order_id__in=list(orders), product_id__in=list(by_pk),
                                          quantity_backordered__gt=0).order_by("order_id", "pk"))
    free = {pk: product.free_stock for pk, product in by_pk.items() if product.track_inventory}
    moves, served = [], defaultdict(dict)
    for line in lines:
        units = min(free.get(line.product_id, 0), line.quantity_backordered)
        if units:
            free[line.product_id] -= units
            line.quantity_backordered -= units
            moves.append(Move(line.product_id, -units, line.order_id))
            served[line.order_id][line.sku] = units
    OrderLine.objects.bulk_update([line for line in lines if line.order_id in served], ["quantity_backordered"])
    stock_move(moves, kind=StockMovement.Kind.SALE, products=products, actor=actor, reason="Backorder allocated",
               receipt=outcome.receipt)
    still = dict(OrderLine.objects.filter(order_id__in=list(served), quantity_backordered__gt=0)
                 .values("order_id").annotate(units=Sum("quantity_backordered")).values_list("order_id", "units"))
    completed = [orders[number] for number in served if number not in still]
    Order.objects.filter(pk__in=[order.pk for order in completed]).update(backordered=False)
    emailed = [order for order in completed if order.customer_email]
    events.stock_allocated_events(served={orders[number]: lines for number, lines in served.items()}, waiting=still,
                                  actor=actor, receipt=outcome.receipt.pk, emailed=emailed)
    order_emails_enqueue(orders=emailed, kind="available")
    outcome.allocated = dict(served)
    outcome.completed = [order.pk for order in completed]
