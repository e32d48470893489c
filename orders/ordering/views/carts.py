"""What the ordering views share: finding the cart or the order edit named in the URL, and placed orders."""

import re
from functools import wraps

from django.contrib import messages
from django.contrib.auth.decorators import permission_required
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.views.decorators.http import require_POST

from customers.models import Customer
from oms.core.forms import parse_id
from orders import lifecycle
from orders.models import Order, OrderEvent
from orders.ordering.stores import Cart, OrderEdit

NOT_FOUND = "That order in progress was not found: it may have been placed or discarded."


PLACED_KEY = "placed_carts"


def cart_or_redirect(request, cart_id: str) -> Cart | HttpResponse:
    """The cart named in the URL from this session; else, with a message, the order it became or the order list."""
    cart = Cart.get(request.session, cart_id)
    if cart is None:
        if placed := order_for_posted_token(request) or order_for_placed_cart(request, cart_id):
            messages.info(request, f"Order #{placed.number} was already placed; here it is.")
            return redirect(placed)
        messages.warning(request, NOT_FOUND)
        return redirect("orders:list")
    return cart


def with_cart(view):
    """Load the cart named in the URL from this session, or go back to the order list."""

    @wraps(view)
    def wrapper(request, cart_id: str, *args, **kwargs):
        cart = cart_or_redirect(request, cart_id)
        return cart if isinstance(cart, HttpResponse) else view(request, cart, *args, **kwargs)

    return wrapper


EDIT_ID = re.compile(r"[A-Za-z0-9_-]{1,64}", re.ASCII)  # what OrderEdit.create makes (no NUL for the database)


def edit_or_redirect(request, number: int, edit_id: str) -> tuple[Order, OrderEdit] | HttpResponse:
    """The order and this session's edit of it named in the URL; else, with a message, the order page."""
    order = get_object_or_404(Order.objects.select_related("customer__customer_type"), number=number)
    edit = OrderEdit.get(request.session, edit_id, order)
    if edit is None:
        saved = bool(EDIT_ID.fullmatch(edit_id)) and order.events.filter(
            kind=OrderEvent.Kind.EDITED, data__token=edit_id).exists()
        messages.info(request, "These changes were already saved." if saved
                      else "That edit was not found: it was saved or discarded. Press Edit order to start again.")
        return redirect(order)
    if not lifecycle.can_edit(order, user=request.user):
        edit.discard()
        messages.error(request, lifecycle.why_not_edit(order, user=request.user))
        return redirect(order)
    return order, edit


def with_edit(view):
    """Load the order and this session's edit of it named in the URL, or go back to the order page."""

    @wraps(view)
    def wrapper(request, number: int, edit_id: str, *args, **kwargs):
        found = edit_or_redirect(request, number, edit_id)
        return found if isinstance(found, HttpResponse) else view(request, *found, *args, **kwargs)

    return wrapper


def order_for_placed_cart(request, cart_id: str) -> Order | None:
    number = request.session.get(PLACED_KEY, {}).get(cart_id)
    return Order.objects.filter(number=number).first() if number else None


def remember_placed(request, cart: Cart, order: Order) -> None:
    """Old tabs and the back button still find the order their cart became."""
    placed = request.session.get(PLACED_KEY, {})
    placed[cart.id] = order.number
    request.session[PLACED_KEY] = dict(list(placed.items())[-50:])


def order_for_posted_token(request) -> Order | None:
    try:
        return Order.objects.filter(checkout_token=request.POST.get("token", "")).first()
    except ValidationError:  # not a UUID: no order has it
        return None


def report_email(request, order: Order) -> None:
    if order.confirmation_state == Order.EmailState.SENT:
        messages.success(request, f"Confirmation email sent to {order.customer_email}.")
    elif order.confirmation_state == Order.EmailState.FAILED:
        messages.error(request, "The confirmation email could not be sent; see below and use Resend confirmation.")
    elif order.confirmation_state == Order.EmailState.PENDING:  # a worker sends it from the task queue
        messages.info(request, f"Confirmation email queued for {order.customer_email}.")


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
