"""Edit order: a placed order's lines, addresses and shipping changed in an editing view of its own, then saved."""

import re
from functools import wraps

from django.contrib import messages
from django.contrib.auth.decorators import permission_required
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from customers.forms import AddressForm
from oms.core.forms import parse_id

from .. import lifecycle
from ..cart import CartError
from ..editing import OrderChange, OrderEditConflict, order_edit_save
from ..edits import OrderEdit
from ..events import describe
from ..forms import AddLineForm, LineQuantityForm, OrderEditForm, line_inputs
from ..forms_pricing import DiscountForm, PriceForm
from ..models import Order, OrderEvent
from ..selectors import edit_review, price_reasons, shipping_methods
from ..services import OrderRefused
from .cart import product_to_add
from .paste import paste_apply, paste_box, paste_form
from .pricing import line_price_page


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


EDIT_ID = re.compile(r"[A-Za-z0-9_-]{1,64}", re.ASCII)  # what OrderEdit.create makes (no NUL for the database)


def with_edit(view):
    """Load the order and this session's edit of it named in the URL, or go back to the order page."""

    @wraps(view)
    def wrapper(request, number: int, edit_id: str, *args, **kwargs):
        order = get_object_or_404(Order.objects.select_related("customer__customer_type"), number=number)
        edit = OrderEdit.get(request.session, edit_id, number)
        if edit is None:
            saved = bool(EDIT_ID.fullmatch(edit_id)) and order.events.filter(
                kind=OrderEvent.Kind.EDITED, data__token=edit_id).exists()
            messages.info(request, "These changes were already saved." if saved
                          else "That edit was not found: it was saved or discarded. Press Edit order to start again.")
            return redirect(order)
        if not lifecycle.can_edit(order):
            edit.discard()
            messages.error(request, lifecycle.why_not_edit(order))
            return redirect(order)
        return view(request, order, edit, *args, **kwargs)

    return wrapper


def _render(request, order: Order, edit: OrderEdit, *, form=None, billing_form=None, shipping_form=None,
            add_form=None, choices=None, line_forms=None, problems=(), paste=None, status=200,
            discount_form=None):
    review = edit_review(order, edit.quantities, prices=edit.prices, discount=edit.discount)
    context = {
        "order": order, "edit": edit, "review": review, "choices": choices, "problems": list(problems),
        "line_inputs": line_inputs(review.lines, line_forms),
        "add_form": add_form or AddLineForm(),
        "form": form or OrderEditForm(order=order, methods=shipping_methods()),
        "billing_form": billing_form or AddressForm(prefix="billing", initial=order.billing_address),
        "shipping_form": shipping_form or AddressForm(prefix="shipping", initial=order.shipping_address),
        **paste_box(request, f"edit:{edit.id}", paste),
    }
    if request.user.has_perm("orders.change_price"):
        entered, reason = edit.discount[:2] if edit.discount else (order.discount_entered, order.discount_reason)
        context["discount_form"] = discount_form or DiscountForm(prefix="discount", initial={
            "discount": entered, "reason": reason})
        context["reasons"] = price_reasons()
    return render(request, "orders/order_edit.html", context, status=status)


@permission_required("orders.edit_order", raise_exception=True)
@with_edit
def order_edit(request, order: Order, edit: OrderEdit):
    """The editing view; its form's `Save changes` applies the edit."""
    if request.method != "POST":
        return _render(request, order, edit)
    form = OrderEditForm(request.POST, order=order, methods=shipping_methods())
    billing_form = AddressForm(request.POST, prefix="billing")
    shipping_form = AddressForm(request.POST, prefix="shipping")
    same = request.POST.get("same_as_billing") == "on"
    if not all([form.is_valid(), billing_form.is_valid(), same or shipping_form.is_valid()]):
        return _render(request, order, edit, form=form, billing_form=billing_form, shipping_form=shipping_form,
                       status=400)
    billing = _snapshot(billing_form)
    change = OrderChange(version=edit.version, token=edit.id, quantities=edit.quantities, billing_address=billing,
                         shipping_address=billing if same else _snapshot(shipping_form),
                         shipping_method_id=form.shipping_method_id(), prices=edit.prices, discount=edit.discount)
    try:
        saved = order_edit_save(order=order, change=change, actor=request.user,
                                send_confirmation=form.cleaned_data["send_confirmation"])
    except OrderRefused as refused:
        conflict = isinstance(refused, OrderEditConflict)
        return _render(request, order, edit, form=form, billing_form=billing_form, shipping_form=shipping_form,
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
def order_edit_add(request, order: Order, edit: OrderEdit):
    form = AddLineForm(request.POST)
    if not form.is_valid():
        return _render(request, order, edit, add_form=form, status=400)
    product, choices = product_to_add(form)
    if product is None:
        return _render(request, order, edit, add_form=form, choices=choices, status=200 if choices else 400)
    try:
        edit.add(product, form.cleaned_data["quantity"])
    except CartError as error:
        form.add_error("quantity", str(error))
        return _render(request, order, edit, add_form=form, status=400)
    messages.success(request, f"Added {form.cleaned_data['quantity']:,} × {product.sku} {product.name}.")
    return redirect("orders:edit", number=order.number, edit_id=edit.id)


@permission_required("orders.edit_order", raise_exception=True)
@require_POST
@with_edit
def order_edit_paste(request, order: Order, edit: OrderEdit):
    """Paste lines into the edit (saved with the rest by Save changes)."""
    form = paste_form(request.POST)
    if not form.is_valid():
        return _render(request, order, edit, paste=form, status=400)
    paste_apply(request, f"edit:{edit.id}", form, edit, existing=edit.quantities)
    return redirect("orders:edit", number=order.number, edit_id=edit.id)


@permission_required("orders.edit_order", raise_exception=True)
@require_POST
@with_edit
def order_edit_line(request, order: Order, edit: OrderEdit):
    product_id = parse_id(request.POST.get("line"))  # the line, as the cart's (views.cart.cart_line)
    if product_id not in edit.quantities:
        messages.warning(request, "That line is not in this order.")
    elif "remove" in request.POST:
        edit.remove(product_id)
        messages.info(request, "Line removed: its stock goes back when you save.")
    else:
        form = LineQuantityForm(request.POST, auto_id=f"line-{product_id}-%s")
        if not form.is_valid():
            return _render(request, order, edit, line_forms={product_id: form}, status=400)
        edit.set_quantity(product_id, form.cleaned_data["quantity"])
        messages.success(request, "Quantity updated.")
    return redirect("orders:edit", number=order.number, edit_id=edit.id)


@permission_required("orders.edit_order", raise_exception=True)
@require_POST
@with_edit
def order_edit_discard(request, order: Order, edit: OrderEdit):
    edit.discard()
    messages.info(request, f"Changes to order #{order.number} discarded.")
    return redirect(order)


@permission_required("orders.edit_order", raise_exception=True)
@permission_required("orders.change_price", raise_exception=True)
@with_edit
def order_edit_price(request, order: Order, edit: OrderEdit):
    """`Change price` on a line of the order being edited (?line=<product>); applied with the rest at `Save changes`."""
    product_id = parse_id(request.GET.get("line"))
    review = edit_review(order, edit.quantities, prices=edit.prices, discount=edit.discount)
    line = next((line for line in review.lines if line.product_id == product_id), None)
    back = reverse("orders:edit", args=[order.number, edit.id])
    if line is None:
        messages.warning(request, "That line is not in this order.")
        return redirect(back)
    if request.method != "POST":
        return line_price_page(request, form=PriceForm(initial={"price": line.unit_price}), line=line, back=back)
    form = PriceForm(request.POST)
    if not form.is_valid():
        return line_price_page(request, form=form, line=line, back=back, status=400)
    edit.set_price(product_id, price=form.cleaned_data["price"], reason=form.cleaned_data["reason"],
                   by=request.user.pk)
    messages.success(request, f"{line.sku} now {form.cleaned_data['price']} each, when you save.")
    return redirect(back)


@permission_required("orders.edit_order", raise_exception=True)
@permission_required("orders.change_price", raise_exception=True)
@require_POST
@with_edit
def order_edit_discount(request, order: Order, edit: OrderEdit):
    form = DiscountForm(request.POST, prefix="discount")
    if not form.is_valid():
        return _render(request, order, edit, discount_form=form, status=400)
    discount = form.cleaned_data["discount"]
    edit.set_discount(text=discount.entered if discount.value else "", reason=form.cleaned_data["reason"],
                      by=request.user.pk)
    messages.success(request, "Discount set: it applies when you save." if discount.value
                     else "Discount removed: it applies when you save.")
    return redirect("orders:edit", number=order.number, edit_id=edit.id)
