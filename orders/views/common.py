"""What the ordering views share: finding the cart named in the URL, and placed orders."""

from functools import wraps

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect

from ..cart import Cart
from ..models import Order

NOT_FOUND = "That order in progress was not found: it may have been placed or discarded."
PLACED_KEY = "placed_carts"


def with_cart(view):
    """Load the cart named in the URL from this session, or go back to the order list."""

    @wraps(view)
    def wrapper(request, cart_id: str, *args, **kwargs):
        cart = Cart.get(request.session, cart_id)
        if cart is None:
            if placed := order_for_posted_token(request) or order_for_placed_cart(request, cart_id):
                messages.info(request, f"Order #{placed.number} was already placed; here it is.")
                return redirect(placed)
            messages.warning(request, NOT_FOUND)
            return redirect("orders:list")
        return view(request, cart, *args, **kwargs)

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
