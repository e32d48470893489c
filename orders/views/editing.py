"""Edit order: a placed order's lines (orders.views.lines, as the cart's), addresses and shipping changed in an
editing view of its own, then saved by `Save changes`."""

from decimal import Decimal

from django.contrib import messages
from django.contrib.auth.decorators import permission_required
from django.shortcuts import get_object_or_404, redirect
from django.views.decorators.http import require_POST

from customers.forms import AddressForm

from .. import lifecycle
from ..editing import OrderChange, OrderEditConflict, order_edit_save
from ..events import describe
from ..forms import OrderEditForm
from ..lines import OrderEdit
from ..models import Order
from ..selectors import shipping_methods
from ..services import OrderRefused
from .common import with_edit
from .lines import Lines, render_lines


@permission_required("orders.edit_order", raise_exception=True)
@require_POST
def order_edit_start(request, number: int):
    """Edit order: a new edit of the order as it is now, at its own URL."""
    order = get_object_or_404(Order, number=number)
    if not lifecycle.can_edit(order):
        messages.error(request, lifecycle.why_not_edit(order))
        return redirect(order)
    edit = OrderEdit.create(request.session, order)
    return redirect("orders:edit", number=order.number, edit_id=edit.id)


@permission_required("orders.edit_order", raise_exception=True)
@with_edit
def order_edit(request, order: Order, edit: OrderEdit):
    """The editing view; its form's `Save changes` applies the edit."""
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
    billing = _snapshot(billing_form)
    discount = edit.discount
    change = OrderChange(version=edit.version, token=edit.id, quantities=edit.quantities, billing_address=billing,
                         shipping_address=billing if same else _snapshot(shipping_form),
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


def _snapshot(form: AddressForm) -> dict:
    return {key: str(value or "") for key, value in form.cleaned_data.items()}


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
