"""The order page and what its buttons do, and starting or discarding an order in progress."""

from django.contrib import messages
from django.contrib.auth.decorators import permission_required
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from customers.models import Customer
from oms.core.forms import parse_id

from .. import lifecycle
from ..forms import CancelOrderForm, NoteForm, OrderEmailForm
from ..lines import Cart, LineError
from ..models import Order
from ..selectors import order_timeline, reorder_lines
from ..services import (
    OrderRefused,
    order_cancel,
    order_confirmation_request,
    order_email_change,
    order_note_add,
    order_status_change,
)
from .common import report_email, with_cart
from .fulfilment import fulfilment_context


@permission_required("orders.view_order", raise_exception=True)
def order_detail(request, number: int, *, email_form: OrderEmailForm | None = None,
                 note_form: NoteForm | None = None):
    order = get_object_or_404(Order.objects.select_related("customer", "placed_by", "discount_approved_by"),
                              number=number)
    context = {
        "order": order,
        "lines": list(order.lines.select_related("price_approved_by")),
        "events": order_timeline(order),
        "next_statuses": lifecycle.next_statuses(order),
        "can_cancel": lifecycle.can_cancel(order),
        "can_edit": lifecycle.can_edit(order),
        "email_form": email_form or OrderEmailForm(initial={"email": order.customer_email}),
        "note_form": note_form or NoteForm(),
    } | fulfilment_context(order)
    return render(request, "orders/order_detail.html", context, status=400 if email_form or note_form else 200)


@permission_required("orders.add_note", raise_exception=True)
@require_POST
def order_note(request, number: int):
    order = get_object_or_404(Order, number=number)
    form = NoteForm(request.POST)
    if not form.is_valid():
        return order_detail(request, number, note_form=form)
    note = order_note_add(order=order, text=form.cleaned_data["text"], actor=request.user,
                          visible_to_customer=form.cleaned_data["visible_to_customer"],
                          token=str(form.cleaned_data["token"]))
    if note.recorded_now:
        messages.success(request, "Note saved.")
    else:
        messages.info(request, "That note was already saved; it is on the timeline once.")
    return redirect(order)


@permission_required("orders.change_status", raise_exception=True)
@require_POST
def order_status(request, number: int):
    order = get_object_or_404(Order, number=number)
    status = request.POST.get("status", "")
    if status not in Order.Status.values:
        messages.error(request, "Choose one of the statuses offered.")
        return redirect(order)
    try:
        order = order_status_change(order=order, status=status, actor=request.user)
    except OrderRefused as refused:
        messages.error(request, refused.problems[0])
    else:
        messages.success(request, f"Order #{order.number} is now {order.get_status_display().lower()}.")
    return redirect(order)


@permission_required("orders.resend_confirmation", raise_exception=True)
@require_POST
def order_resend_confirmation(request, number: int):
    order = get_object_or_404(Order.objects.select_related("customer"), number=number)
    try:
        order = order_confirmation_request(order=order, actor=request.user)
    except OrderRefused as refused:
        messages.error(request, refused.problems[0])
    else:
        report_email(request, order)
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
    return render(request, "orders/order_cancel.html", {"order": order, "form": form},
                  status=400 if form.is_bound else 200)


@permission_required("orders.edit_order", raise_exception=True)
@require_POST
def order_email(request, number: int):
    """Change where this order's emails go (an explicit, logged change; the customer record stays)."""
    order = get_object_or_404(Order, number=number)
    form = OrderEmailForm(request.POST)
    if not form.is_valid():
        return order_detail(request, number, email_form=form)
    order = order_email_change(order=order, email=form.cleaned_data["email"], actor=request.user)
    messages.success(request, f"Emails for order #{order.number} now go to {order.customer_email or 'nobody'}.")
    return redirect(order)


@permission_required("orders.place_order", raise_exception=True)
@require_POST
def order_new(request):
    posted = request.POST.get("customer_id", "")
    customer = None
    if posted:
        customer_id = parse_id(posted)
        customer = Customer.objects.filter(pk=customer_id).first() if customer_id else None
        if customer is None:
            messages.warning(request, "That customer no longer exists.")
            return redirect("customers:list")
    cart = Cart.create(request.session, customer_id=customer.pk if customer else None)
    return redirect("orders:cart", cart_id=cart.id)


@permission_required("orders.place_order", raise_exception=True)
@require_POST
@with_cart
def cart_discard(request, cart: Cart):
    cart.discard()
    messages.info(request, "The order in progress was discarded.")
    return redirect("orders:list")


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
    not_added = []
    for line in reorder_lines(order):
        problem = line.problem
        if not problem:
            try:
                cart.add(line.product, line.quantity)
            except LineError as error:
                problem = str(error)
        if problem:
            not_added.append(f"Not added: {line.product.sku} ({line.product.name}): {problem}")
    for custom in order.lines.filter(is_custom=True):  # custom items come back as they were priced
        cart.add_custom(description=custom.name, unit_price=custom.unit_price, quantity=custom.quantity,
                        taxable=custom.taxable)
    added = len(cart)
    messages.success(request, f"Reordering order #{order.number}: {added} line{'s' if added != 1 else ''} added "
                              "at today's prices.")
    for text in not_added:
        messages.warning(request, text)
    return redirect("orders:cart", cart_id=cart.id)
