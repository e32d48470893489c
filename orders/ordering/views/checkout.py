"""Checkout: the review, the form pre-filled from the customer, and placing the order."""

import uuid
from decimal import Decimal

from django.contrib import messages
from django.contrib.auth.decorators import permission_required
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from customers.forms import AddressForm
from orders import lifecycle
from orders.lifecycle import OrderRefused
from orders.ordering.forms import CheckoutForm
from orders.ordering.placing import OrderChanged, order_place
from orders.ordering.selectors import cart_review
from orders.ordering.stores import Cart
from orders.ordering.views.carts import remember_placed, report_email, with_cart
from orders.payments.selectors import Credit, customer_credit
from orders.pricing.selectors import shipping_methods, tax_for
from orders.pricing.totals import totals_problems


def _checkout_initial(review, methods) -> tuple[dict, dict, dict]:
    customer = review.customer
    billing = customer.default_billing_address if customer else None
    shipping = customer.default_shipping_address if customer else None
    destination = shipping or billing
    review.tax = tax_for(destination.as_snapshot() if destination else None, customer)
    initial = {
        "token": review.store.token,
        "fingerprint": review.fingerprint,
        "shipping_method": methods[0].pk if methods else None,
        "send_confirmation": bool(customer and customer.email),
        "same_as_billing": shipping is None or billing == shipping,
    }
    return (
        initial,
        billing.as_snapshot() if billing else _customer_defaults(customer),
        (shipping or billing).as_snapshot() if (shipping or billing) else _customer_defaults(customer),
    )


def _customer_defaults(customer) -> dict:
    if customer is None:
        return {}
    return {"name": customer.name, "company": customer.company, "phone": customer.phone}


@permission_required("orders.place_order", raise_exception=True)
@with_cart
def cart_checkout(request, cart: Cart):
    review = cart_review(cart)
    if request.method == "POST":
        # A token that already placed an order has no cart left (with_cart finds the order);
        # two tabs submitting at once are settled by order_place.
        return _checkout_submit(request, cart, review)
    if redirect_to := _checkout_blocked(request, cart, review):
        return redirect_to
    methods = shipping_methods()
    initial, billing, shipping = _checkout_initial(review, methods)
    return _render_checkout(
        request, review,
        form=CheckoutForm(initial=initial, methods=methods, **_form_options(review)),
        billing_form=AddressForm(prefix="billing", initial=billing),
        shipping_form=AddressForm(prefix="shipping", initial=shipping),
    )


def _checkout_blocked(request, cart, review):
    if not review.lines and not review.custom_lines:
        messages.warning(request, "The order has no lines yet: add an item before checking out.")
        return redirect("orders:cart", cart_id=cart.id)
    if review.customer is None:
        messages.warning(request, "Attach a customer first: use Identify to find or create one.")
        return redirect("orders:identify", cart_id=cart.id)
    return None


def _form_options(review) -> dict:
    customer, exchange = review.customer, review.store.exchange_for
    return {"customer_email": customer.email, "customer_type": customer.customer_type,
            "store_credit": getattr(customer, "store_credit_balance", Decimal("0")),
            "exchange": f"R{exchange}" if exchange else ""}


def _bound_forms(request, review):
    """The checkout's forms as posted, and the tax for the shipping address typed (the review's, if invalid)."""
    form = CheckoutForm(request.POST, methods=shipping_methods(), **_form_options(review))
    billing_form = AddressForm(request.POST, prefix="billing")
    shipping_form = AddressForm(request.POST, prefix="shipping")
    same = request.POST.get("same_as_billing") == "on"
    valid = all([form.is_valid(), billing_form.is_valid(), same or shipping_form.is_valid()])
    destination = billing_form if same else shipping_form
    if destination.is_valid():
        review.tax = tax_for(destination.cleaned_data, review.customer)
    return form, billing_form, shipping_form, same, valid


def _checkout_submit(request, cart, review):
    if redirect_to := _checkout_blocked(request, cart, review):
        return redirect_to
    form, billing_form, shipping_form, same, valid = _bound_forms(request, review)
    problems = []
    if valid and form.cleaned_data["token"] != uuid.UUID(cart.token):
        problems = ["This checkout page is out of date. Review the order and submit again."]
    elif valid and form.cleaned_data["fingerprint"] != review.fingerprint:
        problems = ["The order changed since this page was loaded (in another tab; or a price, price level, "
                    "discount or the tax for the shipping address changed). Review it and submit again."]
    if not valid or problems:
        return _render_checkout(request, review, form=form, billing_form=billing_form,
                                shipping_form=shipping_form, problems=problems)
    method = form.cleaned_data["shipping_method"]
    draft = form.draft(review=review, billing=billing_form.cleaned_data,
                       shipping=None if same else shipping_form.cleaned_data,
                       expected_total=review.totals(shipping=method.price).total)
    try:
        placed = order_place(draft=draft, placed_by=request.user)
    except OrderRefused as refused:
        fresh = review
        if isinstance(refused, OrderChanged):
            fresh = cart_review(cart)
            fresh.tax = tax_for(draft.shipping_address, fresh.customer)
        return _render_checkout(request, fresh, form=form, billing_form=billing_form,
                                shipping_form=shipping_form, problems=refused.problems)
    cart.discard()
    order = placed.order
    remember_placed(request, cart, order)
    if placed.created:
        order.refresh_from_db()
        messages.success(request, f"Order #{order.number} placed for {order.customer_name}.")
        report_email(request, order)
    else:
        messages.info(request, f"Order #{order.number} was already placed; here it is.")
    return redirect(order)


@permission_required("orders.place_order", raise_exception=True)
@require_POST
@with_cart
def checkout_review(request, cart: Cart):
    """The review and its totals for the address and shipping method as typed so far (htmx, in place)."""
    review = cart_review(cart)
    if review.customer is None or not (review.lines or review.custom_lines):
        return _checkout_blocked(request, cart, review)
    form, *_ = _bound_forms(request, review)
    selected = form.selected_method()
    totals = review.totals(shipping=selected.price if selected else Decimal("0"))
    warning = _credit_warning(customer_credit(review.customer), form, totals.total, review.customer)
    context = {"cart": cart, "review": review, "shipping_method": selected, "totals": totals,
               "credit_warning": warning}
    return render(request, "orders/ordering/checkout.html#review", context)


def _credit_warning(credit: Credit | None, form: CheckoutForm, total: Decimal, customer) -> str:
    """What checkout says of the customer's credit before `Submit order`: the hold that placing would put on this
    order (``total``), paid on credit as the form stands, and their overdue invoices; "" for nothing to say."""
    if credit is None:
        return ""
    reasons = []
    if form["payment_method"].value() in lifecycle.ON_CREDIT:
        if "apply_store_credit" in form.fields and form["apply_store_credit"].value():
            total = max(total - getattr(customer, "store_credit_balance", Decimal("0")), Decimal("0"))
        reasons = credit.hold_reasons(total)
    warning = f"This order will be held: {'; '.join(reasons)}." if reasons else ""
    if credit.overdue_count and credit.overdue not in reasons:
        warning = f"{warning} The customer has {credit.overdue}.".strip()
    return warning


def _render_checkout(request, review, *, form, billing_form, shipping_form, problems=()):
    # A stale form is re-shown with what was typed, but against the current review.
    if form.is_bound:
        form.data = form.data.copy()
        form.data["fingerprint"] = review.fingerprint
        form.data["token"] = review.store.token
    selected = form.selected_method()
    totals = review.totals(shipping=selected.price if selected else Decimal("0"))
    too_large = [problem for problem in totals_problems(totals, review.priced_lines) if problem not in problems]
    credit = customer_credit(review.customer)
    context = {
        "cart": review.store,
        "review": review,
        "customer": review.customer,
        "form": form,
        "billing_form": billing_form,
        "shipping_form": shipping_form,
        "problems": list(problems) + review.problems + too_large,
        "totals": totals,
        "shipping_method": selected,
        "credit": credit,
        "credit_warning": _credit_warning(credit, form, totals.total, review.customer),
    }
    response = render(request, "orders/ordering/checkout.html", context)
    # This page shows each changed price beside the old one; once seen, the cart stops pointing it out.
    if review.price_changes:
        review.store.acknowledge_prices({line.product_id: str(line.list_price) for line in review.price_changes})
    return response

