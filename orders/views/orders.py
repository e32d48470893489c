"""The order list, the order page, and starting or discarding an order in progress."""

from django.contrib import messages
from django.contrib.auth.decorators import permission_required
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from customers.models import Customer
from oms.core.forms import parse_id

from ..cart import Cart
from ..forms import CancelOrderForm, NoteForm, OrderEmailForm
from ..models import Order
from ..selectors import order_search_page
from ..services import (
    ALLOWED_TRANSITIONS,
    CANCELLABLE,
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
def order_list(request):
    query = request.GET.get("q", "").strip()[:200]
    overdue = request.GET.get("overdue") == "1"
    page = order_search_page(query, after=request.GET.get("after"), before=request.GET.get("before"),
                             overdue=overdue)
    carts = Cart.all(request.session)
    customers = Customer.objects.in_bulk([cart.customer_id for cart in carts if cart.customer_id])
    in_progress = [(cart, customers.get(cart.customer_id)) for cart in carts]
    context = {"page": page, "query": query, "in_progress": in_progress, "overdue": overdue}
    return render(request, "orders/order_list.html", context)


@permission_required("orders.view_order", raise_exception=True)
def order_detail(request, number: int, *, email_form: OrderEmailForm | None = None,
                 note_form: NoteForm | None = None):
    order = get_object_or_404(Order.objects.select_related("customer", "placed_by"), number=number)
    context = {
        "order": order,
        "lines": list(order.lines.all()),
        "events": list(order.events.select_related("actor")),
        "next_statuses": [Order.Status(status) for status in ALLOWED_TRANSITIONS[order.status]],
        "can_cancel": order.status in CANCELLABLE,
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
    order_note_add(order=order, text=form.cleaned_data["text"], actor=request.user,
                   visible_to_customer=form.cleaned_data["visible_to_customer"])
    messages.success(request, "Note saved.")
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
