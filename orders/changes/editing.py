"""Editing a placed order in place: the one way its lines, addresses and shipping change after `Submit order`.

The order keeps its number. A save applies the difference in one transaction: the order row locked first (as
order_cancel does), then the products whose quantity changes, in primary-key order; stock moves by the deltas
only; totals come from orders.pricing; the timeline gets the diff.
"""

import copy
from dataclasses import dataclass, field
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from catalog.models import Product, StockMovement
from catalog.services import Move, stock_move
from orders import events, lifecycle
from orders.lifecycle import OrderRefused
from orders.models import Order, OrderEvent, OrderLine
from orders.notifications.services import order_confirmation_request
from orders.ordering.lines import backorder_split, edited_backorder, line_problem
from orders.ordering.stores import MAX_CUSTOM_LINES, MAX_QUANTITY, CustomLine
from orders.payments.terms import payment_status_of
from orders.pricing.models import ShippingMethod
from orders.pricing.selectors import products_priced_for, tax_for
from orders.pricing.totals import (
    Discount,
    DiscountError,
    LineInput,
    TaxRule,
    catalog_line,
    kept_line,
    lines_problems,
    order_totals,
    price_line,
    totals_problems,
)
from orders.reporting.sales import sales_adjust


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
    # New unit prices staff set (orders.change_price): product id -> (price, reason, who).
    prices: dict[int, tuple[Decimal, str, int | None]] = field(default_factory=dict)
    # The order discount: None keeps the order's; ("", "", who) removes it; (typed, reason, who) sets it.
    discount: tuple[str, str, int | None] | None = None
    # The custom items the order is to have (orders.lines.CustomLine: ``order_line`` names one it has, None a new
    # one); one it has that is left out is removed. None keeps them as they are.
    custom: tuple[CustomLine, ...] | None = None


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
    if (change.prices or change.discount is not None) and actor is not None \
            and not actor.has_perm("orders.change_price"):
        raise OrderRefused(["You may not change prices or give discounts: ask a manager."])
    with transaction.atomic():
        current = Order.objects.select_for_update().get(pk=order.pk)
        if current.version != change.version:
            if current.events.filter(kind=OrderEvent.Kind.EDITED, data__token=change.token).exists():
                return EditSaved(current, changed=False, already_saved=True)
            raise OrderEditConflict([_conflict_message(current)])
        if not lifecycle.can_edit(current, user=actor):
            raise OrderRefused([lifecycle.why_not_edit(current, user=actor)])
        diff = _apply(current, change, actor)
        if not diff:
            return EditSaved(current, changed=False)
        event = _record(current, diff, change.token, actor)
        problem = _request_confirmation(current, actor) if send_confirmation else ""
    return EditSaved(current, changed=True, event=event, confirmation_problem=problem)


def _input_problems(change: OrderChange) -> list[str]:
    if not change.quantities and not change.custom:
        return ["An order needs at least one line: to cancel the whole order, use Cancel order."]
    if change.custom and (len(change.custom) > MAX_CUSTOM_LINES or any(
            not 0 < line.quantity <= MAX_QUANTITY or Decimal(line.unit_price) < 0 for line in change.custom)):
        return [f"Custom items: at most {MAX_CUSTOM_LINES}, each of 1 to {MAX_QUANTITY:,} at a price of 0 or more."]
    if any(not 0 < quantity <= MAX_QUANTITY for quantity in change.quantities.values()):
        return [f"Quantities must be between 1 and {MAX_QUANTITY:,}."]
    problems = [f"Product {pk}: say why its price was changed." for pk, (_, reason, _) in change.prices.items()
                if not reason.strip()]
    if change.discount and change.discount[0]:
        try:
            Discount.parse(change.discount[0])
        except DiscountError as error:
            problems.append(f"Discount: {error}")
    return problems


def _conflict_message(current: Order) -> str:
    last = current.events.filter(kind=OrderEvent.Kind.EDITED).select_related("actor").first()
    by = f" by {last.actor_name} at {timezone.localtime(last.created_at):%H:%M}" if last else ""
    return (f"Order #{current.number} was changed{by} after you started editing it (in another tab, or by someone "
            "else). Nothing was saved: discard these changes, and press Edit order to start from the order as it "
            "is now.")


def _apply(current: Order, change: OrderChange, actor) -> _Diff:
    all_lines = list(current.lines.all())
    old = {line.product_id: line for line in all_lines if line.product_id is not None}
    custom = [line for line in all_lines if line.product_id is None]
    deltas = {pk: change.quantities.get(pk, 0) - (old[pk].quantity if pk in old else 0)
              for pk in {*old, *change.quantities}}
    deltas = {pk: delta for pk, delta in deltas.items() if delta}
    # locked in primary-key order, each with its price in the customer type's table (for the lines added)
    products = {product.pk: product for product in
                products_priced_for(current.customer.customer_type_id, deltas, locked=True)}
    method = (ShippingMethod.objects.filter(pk=change.shipping_method_id, is_active=True).first()
              if change.shipping_method_id else None)
    problems = _shipped_problems(old, change.quantities) + _delta_problems(products, deltas, old)
    if change.shipping_method_id and method is None:
        problems.append("Choose a shipping method that is still offered.")
    if problems:
        raise OrderRefused(problems)
    diff = _Diff(before=(current.total, [copy.copy(line) for line in old.values()]))
    allocated_before = {pk: line.quantity_allocated for pk, line in old.items()}
    lines = diff.lines = _apply_lines(current, old, products, change, diff)
    custom = _apply_custom(current, custom, change, diff)
    _move_stock(current, products, allocated_before, lines, diff, actor)
    address_before = current.shipping_address
    _apply_addresses_and_shipping(current, change, method, diff)
    discount = _apply_discount(current, change, diff)
    tax = _tax_rule(current, address_before)
    totals = order_totals(lines=lines + custom, shipping=current.shipping, tax=tax, discount=discount)
    if problems := totals_problems(totals):
        raise OrderRefused(problems)
    if diff:
        diff.other["total"] = {"before": str(current.total), "after": str(totals.total)}
        current.subtotal, current.tax, current.total = totals.subtotal, totals.tax, totals.total
        current.discount, current.tax_rate = totals.discount, totals.tax_rate
        current.tax_jurisdiction, current.tax_shipping = tax.jurisdiction, tax.tax_shipping
    return diff


def _tax_rule(current: Order, address_before: dict) -> TaxRule:
    """The order's own tax, unless its shipping address changed: then the rate for the new destination."""
    if current.shipping_address != address_before:
        rule = tax_for(current.shipping_address, current.customer)
        if not current.tax_exempt:
            return rule
    return TaxRule(rate=current.tax_rate, jurisdiction=current.tax_jurisdiction, tax_shipping=current.tax_shipping,
                   exempt=current.tax_exempt, exemption_number=current.tax_exemption_number)


def _apply_discount(current: Order, change: OrderChange, diff: _Diff) -> Discount | None:
    if change.discount is None:
        return Discount.parse(current.discount_entered, current.discount_reason) if current.discount_entered else None
    entered, reason, by = change.discount
    before = f"{current.discount_entered} ({current.discount_reason})" if current.discount_entered else "none"
    after = f"{entered} ({reason})" if entered else "none"
    if before != after:
        diff.other["discount"] = {"before": before, "after": after}
        current.discount_entered, current.discount_reason = entered, reason if entered else ""
        current.discount_approved_by_id = by if entered else None
    return Discount.parse(entered, reason) if entered else None


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
                 change: OrderChange, diff: _Diff) -> list[OrderLine]:
    """Delete, change and add the order's lines; returns the lines the order now has. Ordered lines keep their
    price unless staff set a new one; new lines take the customer's price today (orders.pricing)."""
    quantities = change.quantities
    removed = [line for pk, line in old.items() if pk not in quantities]
    changed = [line for pk, line in old.items()
               if pk in quantities and (quantities[pk] != line.quantity or pk in change.prices)]
    for line in changed:
        line.quantity_backordered = edited_backorder(line, products.get(line.product_id), quantities[line.product_id])
        _reprice(line, quantities[line.product_id], change.prices.get(line.product_id), diff)
    added = _new_lines(current, products, change, old)
    if problems := lines_problems(changed + added):  # before writing them: a column would refuse them
        raise OrderRefused(problems)
    diff.removed = [{"sku": line.sku, "quantity": line.quantity} for line in removed]
    diff.added = [{"sku": line.sku, "quantity": line.quantity, "unit_price": str(line.unit_price)} for line in added]
    if removed:
        OrderLine.objects.filter(pk__in=[line.pk for line in removed]).delete()
    if changed:
        OrderLine.objects.bulk_update(changed, ["quantity", "line_total", "unit_price", "discount", "price_reason",
                                                "price_approved_by", "quantity_backordered"])
    OrderLine.objects.bulk_create(added)
    return [line for pk, line in old.items() if pk in quantities] + added


def _apply_custom(current: Order, custom: list[OrderLine], change: OrderChange, diff: _Diff) -> list[OrderLine]:
    """Remove the custom items left out of ``change.custom`` and add its new ones (no stock moves); returns the
    custom items the order now has."""
    if change.custom is None:
        return custom
    wanted = {line.order_line for line in change.custom if line.order_line is not None}
    removed = [line for line in custom if line.pk not in wanted]
    added = []
    for line in change.custom:
        if line.order_line is None:
            priced = price_line(LineInput(list_price=Decimal(line.unit_price), quantity=line.quantity,
                                          taxable=line.taxable))
            added.append(OrderLine(order=current, product=None, is_custom=True, sku="",
                                   name=line.description.strip()[:200], list_price=priced.list_price,
                                   unit_price=priced.unit_price, quantity=priced.quantity,
                                   line_total=priced.line_total, taxable=line.taxable))
    diff.removed += [{"sku": "", "name": line.name, "quantity": line.quantity} for line in removed]
    diff.added += [{"sku": "", "name": line.name, "quantity": line.quantity, "unit_price": str(line.unit_price)}
                   for line in added]
    if removed:
        OrderLine.objects.filter(pk__in=[line.pk for line in removed]).delete()
    OrderLine.objects.bulk_create(added)
    return [line for line in custom if line.pk in wanted] + added


def _reprice(line: OrderLine, quantity: int, override, diff: _Diff) -> None:
    before = (line.quantity, line.unit_price)
    priced = price_line(kept_line(list_price=line.list_price_shown, unit_price=line.unit_price, quantity=quantity,
                                  override=override[0] if override else None,
                                  override_reason=override[1] if override else ""))
    if quantity != line.quantity:
        diff.changed.append({"sku": line.sku, "before": line.quantity, "after": quantity})
    if override and priced.unit_price != before[1]:
        diff.changed.append({"sku": line.sku, "price_before": str(before[1]), "price_after": str(priced.unit_price),
                             "reason": override[1]})
        line.price_reason, line.price_approved_by_id = priced.reason[:200], override[2]
    line.quantity, line.unit_price, line.line_total = quantity, priced.unit_price, priced.line_total
    line.discount = priced.discount


def _new_lines(current: Order, products: dict[int, Product], change: OrderChange, old: dict) -> list[OrderLine]:
    kind = current.customer.customer_type
    new = {pk: quantity for pk, quantity in change.quantities.items() if pk in products and pk not in old}
    added = []
    for pk, quantity in new.items():
        product, override = products[pk], change.prices.get(pk)
        priced = price_line(catalog_line(list_price=product.price, quantity=quantity, kind=kind,
                                         level_price=getattr(product, "level_price", None),
                                         override=override[0] if override else None,
                                         override_reason=override[1] if override else ""))
        added.append(OrderLine(order=current, product=product, sku=product.sku, name=product.name,
                               list_price=priced.list_price, unit_price=priced.unit_price, quantity=quantity,
                               line_total=priced.line_total, discount=priced.discount, price_reason=priced.reason[:200],
                               price_approved_by_id=override[2] if override else None,
                               quantity_backordered=backorder_split(product, quantity)[1]))
    return added


def _move_stock(current: Order, products: dict[int, Product], allocated_before: dict[int, int],
                lines: list[OrderLine], diff: _Diff, actor) -> None:
    """Take the raised allocations from stock and give the lowered or removed ones back (tracked products only):
    units that were on backorder come off it first and give nothing back. The order's Backordered flag follows."""
    allocated = {line.product_id: line.quantity_allocated for line in lines if line.product_id}
    moves = [Move(pk, allocated_before.get(pk, 0) - allocated.get(pk, 0), current.pk) for pk in products]
    moved = stock_move(moves, kind=StockMovement.Kind.EDIT, products=products.values(), actor=actor,
                       reason=f"Order #{current.number} edited")
    for sku, units in moved.items():
        (diff.restocked if units > 0 else diff.taken)[sku] = abs(units)
    current.backordered = any(line.quantity_backordered for line in lines)


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
    status = payment_status_of(current)
    if status != current.payment_status:
        diff.other["payment_status"] = {"before": Order.PaymentStatus(current.payment_status).label.lower(),
                                        "after": status.label.lower()}
        current.payment_status = status
    sales_adjust(order=current, before=diff.before, lines=diff.lines)


def _record(current: Order, diff: _Diff, token: str, actor) -> OrderEvent:
    _follow_total(current, diff)
    current.version += 1
    current.save(update_fields=["version", "backordered", "subtotal", "shipping", "tax", "total", "shipping_method",
                                "billing_address", "shipping_address", "payment_status", "discount",
                                "discount_entered", "discount_reason", "discount_approved_by", "tax_rate",
                                "tax_jurisdiction", "tax_shipping"])
    return events.order_edited_event(order=current, actor=actor, token=token, changes={
        "added": diff.added, "removed": diff.removed, "changed": diff.changed, "restocked": diff.restocked,
        "taken": diff.taken, **diff.other})


def _request_confirmation(current: Order, actor) -> str:
    """Queue the updated confirmation through the resend machinery (its limits apply); the edit stands either way."""
    try:
        order_confirmation_request(order=current, actor=actor)
    except OrderRefused as refused:
        return refused.problems[0]
    return ""
