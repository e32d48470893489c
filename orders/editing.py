"""Editing a placed order in place: the one way its lines, addresses and shipping change after `Submit order`.

The order keeps its number. A save applies the difference in one transaction: the order row locked first (as
order_cancel does), then the products whose quantity changes, in primary-key order; stock moves by the deltas
only; totals come from orders.pricing; the timeline gets the diff.
"""

import copy
from dataclasses import dataclass, field

from django.db import transaction
from django.utils import timezone

from catalog.models import Product

from .cart import MAX_QUANTITY
from .models import Order, OrderEvent, OrderLine, ShippingMethod
from .pricing import line_total, order_totals
from .review import line_problem
from .sales import sales_adjust
from .services import OrderRefused, event_record, order_confirmation_request
from .terms import payment_status_for

EDITABLE = {Order.Status.PLACED, Order.Status.PROCESSING}  # not partially shipped or shipped: goods have left


def not_editable_message(order: Order) -> str:
    shipped = (" Once anything has shipped the order's lines stay as they are."
               if order.status in (Order.Status.PARTIALLY_SHIPPED, Order.Status.SHIPPED) else "")
    return (f"Order #{order.number} is {order.get_status_display().lower()}: only placed or processing orders "
            f"can be edited.{shipped}")


class OrderEditConflict(OrderRefused):
    """The order changed since this edit started (another tab, another person): nothing was saved."""


@dataclass(frozen=True)
class OrderChange:
    """What staff want the order to be. ``quantities``: product id -> quantity, a line left out is removed;
    an address or shipping method of None keeps the order's."""

    version: int  # the order's version when editing started
    token: str  # the edit's id: a save that carries a token already saved is a resubmission
    quantities: dict[int, int]
    billing_address: dict | None = None
    shipping_address: dict | None = None
    shipping_method_id: int | None = None


@dataclass(frozen=True)
class EditSaved:
    order: Order
    changed: bool  # False: nothing differed, or (already_saved) this edit had been saved before
    event: OrderEvent | None = None
    already_saved: bool = False
    confirmation_problem: str = ""  # why the updated confirmation was not queued, when asked for


@dataclass
class _Diff:
    added: list = field(default_factory=list)
    removed: list = field(default_factory=list)
    changed: list = field(default_factory=list)
    other: dict = field(default_factory=dict)  # addresses and shipping: {"before": ..., "after": ...}
    restocked: dict = field(default_factory=dict)
    taken: dict = field(default_factory=dict)
    before: tuple = ()  # (total, lines) as the order was, for the dashboard's summary
    lines: list = field(default_factory=list)  # the lines the order now has

    def __bool__(self) -> bool:
        return bool(self.added or self.removed or self.changed or self.other)


def order_edit_save(*, order: Order, change: OrderChange, actor=None, send_confirmation: bool = False) -> EditSaved:
    """Apply ``change`` to a placed or processing order, all or nothing.

    Idempotent on ``change.token``. Raises OrderEditConflict when the order's version moved on since the edit
    started, OrderRefused when the order can no longer be edited or the change cannot be made (every stock
    shortfall and unsold product at once)."""
    if problems := _input_problems(change):
        raise OrderRefused(problems)
    with transaction.atomic():
        current = Order.objects.select_for_update().get(pk=order.pk)
        if current.version != change.version:
            if current.events.filter(kind=OrderEvent.Kind.EDITED, data__token=change.token).exists():
                return EditSaved(current, changed=False, already_saved=True)
            raise OrderEditConflict([_conflict_message(current)])
        if current.status not in EDITABLE:
            raise OrderRefused([not_editable_message(current)])
        diff = _apply(current, change)
        if not diff:
            return EditSaved(current, changed=False)
        event = _record(current, diff, change.token, actor)
        problem = _request_confirmation(current, actor) if send_confirmation else ""
    return EditSaved(current, changed=True, event=event, confirmation_problem=problem)


def _input_problems(change: OrderChange) -> list[str]:
    if not change.quantities:
        return ["An order needs at least one line: to cancel the whole order, use Cancel order."]
    if any(not 0 < quantity <= MAX_QUANTITY for quantity in change.quantities.values()):
        return [f"Quantities must be between 1 and {MAX_QUANTITY:,}."]
    return []


def _conflict_message(current: Order) -> str:
    last = current.events.filter(kind=OrderEvent.Kind.EDITED).select_related("actor").first()
    by = f" by {last.actor_name} at {timezone.localtime(last.created_at):%H:%M}" if last else ""
    return (f"Order #{current.number} was changed{by} after you started editing it (in another tab, or by someone "
            "else). Nothing was saved: discard these changes, and press Edit order to start from the order as it "
            "is now.")


def _apply(current: Order, change: OrderChange) -> _Diff:
    old = {line.product_id: line for line in current.lines.all()}
    deltas = {pk: change.quantities.get(pk, 0) - (old[pk].quantity if pk in old else 0)
              for pk in {*old, *change.quantities}}
    deltas = {pk: delta for pk, delta in deltas.items() if delta}
    products = {product.pk: product for product in
                Product.objects.select_for_update().filter(pk__in=deltas).order_by("pk")}
    method = (ShippingMethod.objects.filter(pk=change.shipping_method_id, is_active=True).first()
              if change.shipping_method_id else None)
    problems = _shipped_problems(old, change.quantities) + _delta_problems(products, deltas, old)
    if change.shipping_method_id and method is None:
        problems.append("Choose a shipping method that is still offered.")
    if problems:
        raise OrderRefused(problems)
    diff = _Diff(before=(current.total, [copy.copy(line) for line in old.values()]))
    lines = diff.lines = _apply_lines(current, old, products, change.quantities, diff)
    _move_stock(products, deltas, diff)
    _apply_addresses_and_shipping(current, change, method, diff)
    if diff:
        totals = order_totals(line_totals=(line.line_total for line in lines), shipping=current.shipping,
                              tax_rate=current.tax_rate)
        diff.other["total"] = {"before": str(current.total), "after": str(totals.total)}
        current.subtotal, current.tax, current.total = totals.subtotal, totals.tax, totals.total
    return diff


def _shipped_problems(old: dict[int, OrderLine], quantities: dict[int, int]) -> list[str]:
    """A line cannot go below what has already left the warehouse, nor a shipped line be removed."""
    problems = []
    for pk, line in old.items():
        if line.quantity_shipped and pk not in quantities:
            problems.append(f"{line.sku}: {line.quantity_shipped:,} already shipped; it cannot be removed.")
        elif line.quantity_shipped and quantities[pk] < line.quantity_shipped:
            problems.append(f"{line.sku}: {line.quantity_shipped:,} already shipped; the quantity cannot be "
                            f"less than that.")
    return problems


def _delta_problems(products: dict[int, Product], deltas: dict[int, int], old: dict[int, OrderLine]) -> list[str]:
    problems = []
    for pk, delta in deltas.items():
        product = products.get(pk)
        if product is None:
            problems.append(f"Product {pk} no longer exists: remove it.")
        elif delta > 0 and (problem := line_problem(product, delta)):
            more = f", {delta:,} more" if pk in old else ""
            problems.append(f"{product.sku} ({product.name}){more}: {problem}")
    return problems


def _apply_lines(current: Order, old: dict[int, OrderLine], products: dict[int, Product],
                 quantities: dict[int, int], diff: _Diff) -> list[OrderLine]:
    """Delete, change and add the order's lines; returns the lines the order now has."""
    removed = [line for pk, line in old.items() if pk not in quantities]
    changed = [line for pk, line in old.items() if pk in quantities and quantities[pk] != line.quantity]
    for line in changed:
        diff.changed.append({"sku": line.sku, "before": line.quantity, "after": quantities[line.product_id]})
        line.quantity = quantities[line.product_id]
        line.line_total = line_total(line.unit_price, line.quantity)
    added = [OrderLine(order=current, product=products[pk], sku=products[pk].sku, name=products[pk].name,
                       unit_price=products[pk].price, quantity=quantity,
                       line_total=line_total(products[pk].price, quantity))
             for pk, quantity in quantities.items() if pk not in old]
    diff.removed = [{"sku": line.sku, "quantity": line.quantity} for line in removed]
    diff.added = [{"sku": line.sku, "quantity": line.quantity, "unit_price": str(line.unit_price)} for line in added]
    if removed:
        OrderLine.objects.filter(pk__in=[line.pk for line in removed]).delete()
    if changed:
        OrderLine.objects.bulk_update(changed, ["quantity", "line_total"])
    OrderLine.objects.bulk_create(added)
    return [line for pk, line in old.items() if pk in quantities] + added


def _move_stock(products: dict[int, Product], deltas: dict[int, int], diff: _Diff) -> None:
    """Take the raised quantities from stock and give the lowered or removed ones back (tracked products only)."""
    tracked = [product for product in products.values() if product.track_inventory]
    for product in tracked:
        product.stock -= deltas[product.pk]
        (diff.taken if deltas[product.pk] > 0 else diff.restocked)[product.sku] = abs(deltas[product.pk])
    if tracked:
        Product.objects.bulk_update(tracked, ["stock"])


def _apply_addresses_and_shipping(current: Order, change: OrderChange, method, diff: _Diff) -> None:
    for name, after in (("billing_address", change.billing_address), ("shipping_address", change.shipping_address)):
        before = getattr(current, name)
        if after is not None and after != {key: before.get(key, "") for key in after}:
            diff.other[name] = {"before": before, "after": after}
            setattr(current, name, after)
    if method and (method.name, method.price) != (current.shipping_method, current.shipping):
        diff.other["shipping_method"] = {"before": f"{current.shipping_method} ({current.shipping})",
                                         "after": f"{method.name} ({method.price})"}
        current.shipping_method, current.shipping = method.name, method.price


def _follow_total(current: Order, diff: _Diff) -> None:
    """The payment status (paid may now be short of, or over, the new total) and the dashboard's daily summary
    (by what changed) follow the edit, in its transaction."""
    status = payment_status_for(total=current.total, paid=current.amount_paid)
    if status != current.payment_status:
        diff.other["payment_status"] = {"before": Order.PaymentStatus(current.payment_status).label.lower(),
                                        "after": status.label.lower()}
        current.payment_status = status
    sales_adjust(order=current, before=diff.before, lines=diff.lines)


def _record(current: Order, diff: _Diff, token: str, actor) -> OrderEvent:
    _follow_total(current, diff)
    current.version += 1
    current.save(update_fields=["version", "subtotal", "shipping", "tax", "total", "shipping_method",
                                "billing_address", "shipping_address", "payment_status"])
    return event_record(order=current, kind=OrderEvent.Kind.EDITED, actor=actor, message=edit_message(diff),
                        data={"token": token, "added": diff.added, "removed": diff.removed, "changed": diff.changed,
                              "restocked": diff.restocked, "taken": diff.taken, **diff.other})


def edit_message(diff: _Diff) -> str:
    parts = [f"added {line['quantity']:,} x {line['sku']}" for line in diff.added]
    parts += [f"removed {line['quantity']:,} x {line['sku']}" for line in diff.removed]
    parts += [f"{line['sku']} quantity {line['before']:,} → {line['after']:,}" for line in diff.changed]
    parts += [f"{label} changed" for key, label in (("billing_address", "billing address"),
                                                     ("shipping_address", "shipping address")) if key in diff.other]
    if shipping := diff.other.get("shipping_method"):
        parts.append(f"shipping {shipping['before']} → {shipping['after']}")
    if diff.restocked:
        parts.append("restocked " + ", ".join(f"{quantity:,} x {sku}" for sku, quantity in diff.restocked.items()))
    total = diff.other["total"]
    parts.append(f"total {total['before']} → {total['after']}")
    if payment := diff.other.get("payment_status"):
        parts.append(f"now {payment['after']} (was {payment['before']})")
    message = "Edited: " + "; ".join(parts) + "."
    return message if len(message) <= 500 else message[:499] + "…"


def _request_confirmation(current: Order, actor) -> str:
    """Queue the updated confirmation through the resend machinery (its limits apply); the edit stands either way."""
    try:
        order_confirmation_request(order=current, actor=actor)
    except OrderRefused as refused:
        return refused.problems[0]
    return ""
