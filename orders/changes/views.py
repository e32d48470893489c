"""Edit order: a placed order's lines (orders.views.lines, as the cart's), addresses and shipping changed in an
editing view of its own, then saved by `Save changes`."""

from decimal import Decimal

from django.contrib import messages
from django.contrib.auth.decorators import permission_required
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from customers.forms import AddressForm
from oms.core.forms import parse_id
from oms.core.money import format_money
from orders import lifecycle
from orders.changes.editing import OrderChange, OrderEditConflict, order_edit_save
from orders.changes.forms import CancelOrderForm, HoldForm
from orders.changes.selectors import exchange_lines, reorder_lines
from orders.changes.services import order_cancel, order_cancel_remaining, order_hold, order_hold_release
from orders.events import describe
from orders.lifecycle import OrderRefused
from orders.models import Order, Return
from orders.ordering.forms import OrderEditForm
from orders.ordering.stores import Cart, LineError, OrderEdit
from orders.ordering.views.carts import with_edit
from orders.ordering.views.lines import Lines, render_lines
from orders.payments.terms import owed_to_customer
from orders.pricing.selectors import shipping_methods


@permission_required("orders.edit_order", raise_exception=True)
@require_POST
def order_edit_start(request, number: int):
    """Edit order: a new edit of the order as it is now, at its own URL."""
    order = get_object_or_404(Order, number=number)
    if not lifecycle.can_edit(order, user=request.user):
        messages.error(request, lifecycle.why_not_edit(order, user=request.user))
        return redirect(order)
    edit = OrderEdit.create(request.session, order)
    return redirect("orders:edit", number=order.number, edit_id=edit.id)


@permission_required("orders.edit_order", raise_exception=True)
@with_edit
def order_edit(request, order: Order, edit: OrderEdit):
    """The editing view; its form's `Save changes` applies the edit."""
    if not lifecycle.can_edit(order, user=request.user):  # put on hold since the edit began
        edit.discard()
        messages.error(request, lifecycle.why_not_edit(order, user=request.user))
        return redirect(order)
    lines = Lines(edit, order)
    if request.method != "POST":
        return render_lines(request, lines)
    form = OrderEditForm(request.POST, order=order, methods=shipping_methods())
    billing_form = AddressForm(request.POST, prefix="billing")
    shipping_form = AddressForm(request.POST, prefix="shipping")
    same = request.POST.get("same_as_billing") == "on"
    if not all([form.is_valid(), billing_form.is_valid(), same or shipping_form.is_valid()]):
        return render_lines(request, lines, form=form, billing_form=billing_form, shipping_form=shipping_form,
                            status=400)
    billing = billing_form.snapshot()
    discount = edit.discount
    change = OrderChange(version=edit.version, token=edit.id, quantities=edit.quantities, billing_address=billing,
                         shipping_address=billing if same else shipping_form.snapshot(),
                         shipping_method_id=form.shipping_method_id(),
                         prices={pk: (Decimal(o.price), o.reason, o.by) for pk, o in edit.overrides.items()},
                         discount=(discount.text, discount.reason, discount.by) if discount else None,
                         custom=tuple(edit.custom_lines))
    try:
        saved = order_edit_save(order=order, change=change, actor=request.user,
                                send_confirmation=form.cleaned_data["send_confirmation"])
    except OrderRefused as refused:
        conflict = isinstance(refused, OrderEditConflict)
        return render_lines(request, lines, form=form, billing_form=billing_form, shipping_form=shipping_form,
                            problems=refused.problems, status=409 if conflict else 400)
    edit.discard()
    _report(request, saved)
    return redirect(order)


def _report(request, saved) -> None:
    number = saved.order.number
    if saved.already_saved:
        messages.info(request, f"These changes to order #{number} were already saved.")
    elif not saved.changed:
        messages.info(request, f"Nothing was different: order #{number} is unchanged.")
    else:
        messages.success(request, f"Order #{number} saved. {describe(saved.event)}")
        if saved.confirmation_problem:
            messages.error(request, f"The updated confirmation was not sent: {saved.confirmation_problem}")


@permission_required("orders.edit_order", raise_exception=True)
@require_POST
@with_edit
def order_edit_discard(request, order: Order, edit: OrderEdit):
    edit.discard()
    messages.info(request, f"Changes to order #{order.number} discarded.")
    return redirect(order)


@permission_required("orders.cancel_order", raise_exception=True)
def order_cancel_view(request, number: int):
    """Cancel order: asks for a reason, then cancels and restocks (a second cancel changes nothing)."""
    order = get_object_or_404(Order, number=number)
    form = CancelOrderForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            cancelled = order_cancel(order=order, reason=form.cleaned_data["reason"], actor=request.user)
        except OrderRefused as refused:
            messages.error(request, refused.problems[0])
            return redirect(order)
        if cancelled.changed:
            restocked = ", ".join(f"{quantity:,} x {sku}" for sku, quantity in cancelled.restocked.items())
            messages.success(request, f"Order #{order.number} cancelled." + (f" Restocked {restocked}." if restocked
                                                                           else ""))
        else:
            messages.info(request, f"Order #{order.number} was already cancelled.")
        return redirect(order)
    return render(request, "orders/changes/order_cancel.html", {"order": order, "form": form},
                  status=400 if form.is_bound else 200)


@permission_required("orders.cancel_remaining", raise_exception=True)
def order_cancel_remaining_view(request, number: int):
    """Cancel remaining items: what has not shipped of a partially shipped order is cancelled and restocked, and
    the order is shipped (a second submit finds nothing left to cancel)."""
    order = get_object_or_404(Order, number=number)
    if not lifecycle.can_cancel_remaining(order):
        messages.error(request, lifecycle.why_not_cancel_remaining(order))
        return redirect(order)
    form = CancelOrderForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            cancelled = order_cancel_remaining(order=order, reason=form.cleaned_data["reason"], actor=request.user)
        except OrderRefused as refused:
            form.add_error(None, refused.problems[0])
        else:
            _report_remaining_cancelled(request, cancelled)
            return redirect(order)
    return render(request, "orders/changes/order_cancel_remaining.html", {"order": order, "form": form},
                  status=400 if form.is_bound else 200)


def _report_remaining_cancelled(request, cancelled) -> None:
    order = cancelled.order
    restocked = ", ".join(f"{quantity:,} × {sku}" for sku, quantity in cancelled.restocked.items())
    messages.success(request, f"The remaining items of order #{order.number} are cancelled; it is now "
                              f"{order.get_status_display().lower()}, total {format_money(order.total)}."
                              + (f" Restocked {restocked}." if restocked else ""))
    if (owed := owed_to_customer(order)) > 0:
        messages.warning(request, f"{format_money(owed)} is owed to the customer: refund it.")


@permission_required("orders.place_order", raise_exception=True)
@require_POST
def order_reorder(request, number: int | None = None):
    """Reorder: a new order in progress for the same customer with the same lines at today's prices; lines
    that cannot be sold as they were ordered are left out, each with why. The customer record's buttons share
    one form and name their order in the POST, so the record draws no URL and no form per past order."""
    if number is None and (number := parse_id(request.POST.get("order"))) is None:
        raise Http404("No such order.")
    order = get_object_or_404(Order, number=number)
    cart = Cart.create(request.session, customer_id=order.customer_id)
    not_added = _fill(cart, reorder_lines(order))
    for custom in order.lines.filter(is_custom=True):  # custom items come back as they were priced
        cart.add_custom(description=custom.name, unit_price=custom.unit_price, quantity=custom.quantity,
                        taxable=custom.taxable)
    added = len(cart)
    messages.success(request, f"Reordering order #{order.number}: {added} line{'s' if added != 1 else ''} added "
                              "at today's prices.")
    for text in not_added:
        messages.warning(request, text)
    return redirect("orders:cart", cart_id=cart.id)


def _fill(cart: Cart, lines) -> list[str]:
    """Add ``lines`` (ReorderLine) to ``cart``; what could not be added, each with why."""
    not_added = []
    for line in lines:
        problem = line.problem
        if not problem:
            try:
                cart.add(line.product, line.quantity)
            except LineError as error:
                problem = str(error)
        if problem:
            not_added.append(f"Not added: {line.product.sku} ({line.product.name}): {problem}")
    return not_added


@permission_required("orders.place_order", raise_exception=True)
@require_POST
def return_exchange(request, number: int):
    """Exchange: a new order in progress for the return's customer with the returned products at today's prices
    (the cart's own checks); placing it pays from what the return credits the customer."""
    ret = get_object_or_404(Return, number=number)
    cart = Cart.create(request.session, customer_id=ret.customer_id)
    cart.exchange(ret.number)
    not_added = _fill(cart, exchange_lines(ret))
    messages.success(request, f"Exchange for return {ret.label}: {len(cart)} line{'s' if len(cart) != 1 else ''} "
                              "added at today's prices. Change them to what the customer wants instead; the "
                              "return's credit pays for the order when it is placed.")
    for text in not_added:
        messages.warning(request, text)
    return redirect("orders:cart", cart_id=cart.id)


@permission_required("orders.hold_order", raise_exception=True)
def order_hold_view(request, number: int):
    """Put on hold: asks for a reason; nothing ships until the hold is released."""
    order = get_object_or_404(Order, number=number)
    if request.method != "POST" and not lifecycle.can_hold(order):
        messages.error(request, lifecycle.why_not_hold(order))
        return redirect(order)
    form = HoldForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            order = order_hold(order=order, reason=form.cleaned_data["reason"], actor=request.user)
        except OrderRefused as refused:
            messages.error(request, refused.problems[0])
        else:
            messages.success(request, f"Order #{order.number} is on hold: {order.hold_reason}.")
        return redirect(order)
    return render(request, "orders/changes/order_hold.html", {"order": order, "form": form},
                  status=400 if form.is_bound else 200)


@permission_required("orders.hold_order", raise_exception=True)
@require_POST
def order_release(request, number: int):
    """Release hold, with why (optional): the timeline keeps it with who released the order."""
    order = get_object_or_404(Order, number=number)
    try:
        order = order_hold_release(order=order, note=request.POST.get("note", ""), actor=request.user)
    except OrderRefused as refused:
        messages.error(request, refused.problems[0])
    else:
        messages.success(request, f"The hold on order #{order.number} is released.")
    return redirect(order)
