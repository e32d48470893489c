"""The order list, the order page, and starting or discarding an order in progress."""

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from customers.models import Customer

from ..cart import Cart
from ..models import Order
from ..selectors import order_search_page
from ..services import ALLOWED_TRANSITIONS, OrderRefused, order_confirmation_request, order_status_change
from .common import report_email, with_cart


def order_list(request):
    query = request.GET.get("q", "").strip()[:200]
    page = order_search_page(query, after=request.GET.get("after"), before=request.GET.get("before"))
    carts = Cart.all(request.session)
    customers = Customer.objects.in_bulk([cart.customer_id for cart in carts if cart.customer_id])
    in_progress = [(cart, customers.get(cart.customer_id)) for cart in carts]
    return render(
        request, "orders/order_list.html", {"page": page, "query": query, "in_progress": in_progress}
    )


def order_detail(request, number: int):
    order = get_object_or_404(Order.objects.select_related("customer", "placed_by"), number=number)
    context = {
        "order": order,
        "lines": list(order.lines.all()),
        "next_statuses": [Order.Status(status) for status in ALLOWED_TRANSITIONS[order.status]],
    }
    return render(request, "orders/order_detail.html", context)


@require_POST
def order_status(request, number: int):
    order = get_object_or_404(Order, number=number)
    status = request.POST.get("status", "")
    if status not in Order.Status.values:
        messages.error(request, "Choose one of the statuses offered.")
        return redirect(order)
    try:
        order = order_status_change(order=order, status=status)
    except OrderRefused as refused:
        messages.error(request, refused.problems[0])
    else:
        messages.success(request, f"Order #{order.number} is now {order.get_status_display().lower()}.")
    return redirect(order)


@require_POST
def order_resend_confirmation(request, number: int):
    order = get_object_or_404(Order.objects.select_related("customer"), number=number)
    try:
        order = order_confirmation_request(order=order)
    except OrderRefused as refused:
        messages.error(request, refused.problems[0])
    else:
        report_email(request, order)
    return redirect(order)


@require_POST
def order_new(request):
    customer_id = request.POST.get("customer_id", "")
    customer = None
    if customer_id:
        customer = Customer.objects.filter(pk=int(customer_id) if customer_id.isdigit() else 0).first()
        if customer is None:
            messages.warning(request, "That customer no longer exists.")
            return redirect("customers:list")
    cart = Cart.create(request.session, customer_id=customer.pk if customer else None)
    return redirect("orders:cart", cart_id=cart.id)


@require_POST
@with_cart
def cart_discard(request, cart: Cart):
    cart.discard()
    messages.info(request, "The order in progress was discarded.")
    return redirect("orders:list")
