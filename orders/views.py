import uuid
from decimal import Decimal
from functools import wraps

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from catalog.models import Product
from catalog.selectors import product_by_sku, product_search
from customers.forms import AddressForm, CustomerForm, NewCustomerAddressForm
from customers.models import Customer
from customers.services import customer_create
from oms.htmx import htmx_target, render_page
from oms.paging import page_of

from .cart import Cart, CartError
from .forms import AddLineForm, CheckoutForm, DuplicateConfirmForm, IdentifySearchForm, LineQuantityForm
from .models import Order
from .selectors import cart_review, identify_search, order_search, shipping_methods, tax_rate
from .services import (
    ALLOWED_TRANSITIONS,
    OrderChanged,
    OrderRefused,
    order_confirmation_request,
    order_place,
    order_status_change,
)

NOT_FOUND = "That order in progress was not found: it may have been placed or discarded."
PLACED_KEY = "placed_carts"


def with_cart(view):
    """Load the cart named in the URL from this session, or go back to the order list."""

    @wraps(view)
    def wrapper(request, cart_id: str, *args, **kwargs):
        cart = Cart.get(request.session, cart_id)
        if cart is None:
            if placed := _order_for_posted_token(request) or _order_for_placed_cart(request, cart_id):
                messages.info(request, f"Order #{placed.number} was already placed; here it is.")
                return redirect(placed)
            messages.warning(request, NOT_FOUND)
            return redirect("orders:list")
        return view(request, cart, *args, **kwargs)

    return wrapper


def _order_for_placed_cart(request, cart_id: str) -> Order | None:
    number = request.session.get(PLACED_KEY, {}).get(cart_id)
    return Order.objects.filter(number=number).first() if number else None


def _remember_placed(request, cart: Cart, order: Order) -> None:
    """Old tabs and the back button still find the order their cart became."""
    placed = request.session.get(PLACED_KEY, {})
    placed[cart.id] = order.number
    request.session[PLACED_KEY] = dict(list(placed.items())[-50:])


def _order_for_posted_token(request) -> Order | None:
    try:
        return Order.objects.filter(checkout_token=request.POST.get("token", "")).first()
    except Exception:  # not a UUID: no order has it
        return None


# --- order list and order page ------------------------------------------------------------
def order_list(request):
    query = request.GET.get("q", "").strip()[:200]
    page = page_of(order_search(query), request.GET.get("page"))
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
        _report_email(request, order)
    return redirect(order)


def _report_email(request, order: Order) -> None:
    if order.confirmation_state == Order.EmailState.SENT:
        messages.success(request, f"Confirmation email sent to {order.customer_email}.")
    elif order.confirmation_state == Order.EmailState.FAILED:
        messages.error(request, "The confirmation email could not be sent; see below and use Resend confirmation.")


# --- starting and discarding an order -----------------------------------------------------
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


# --- the cart -----------------------------------------------------------------------------
def _add_form(cart: Cart, form: AddLineForm | None = None, *, focus: bool = True) -> AddLineForm:
    form = form or AddLineForm()
    form.fields["query"].widget.attrs.update({
        "autofocus": focus,
        "hx-get": reverse("orders:product_suggest", args=[cart.id]),
        "hx-trigger": "input changed delay:250ms",
        "hx-target": "#product-suggestions",
        "hx-swap": "innerHTML",
        "hx-sync": "this:replace",
    })
    return form


def _render_cart(request, cart: Cart, *, add_form=None, choices=None, line_forms=None):
    review = cart_review(cart)
    # A new, empty order starts with Identify; after that the cursor lives in the SKU field.
    focus_identify = review.customer is None and not review.lines and add_form is None
    context = {
        "cart": cart,
        "review": review,
        "customer": review.customer,
        "focus_identify": focus_identify,
        "add_form": _add_form(cart, add_form, focus=not focus_identify),
        "choices": choices,
        "line_errors": line_forms or {},
        "totals": review.totals(),
    }
    return render_page(request, "orders/cart.html", context, partials=("cart-body",))


@with_cart
def cart_detail(request, cart: Cart):
    return _render_cart(request, cart)


@with_cart
def product_suggest(request, cart: Cart):
    """Type-ahead for the SKU-or-product field: one query, ten active products."""
    query = " ".join(request.GET.get("query", "").split())[:200]
    choices = list(product_search(query, active_only=True)[:10]) if len(query) >= 2 else []
    context = {"cart": cart, "choices": choices, "searched_for": query if len(query) >= 2 else "",
               "add_form": AddLineForm()}
    return render(request, "orders/cart.html#suggestions", context)


@require_POST
@with_cart
def cart_add(request, cart: Cart):
    form = AddLineForm(request.POST)
    if not form.is_valid():
        return _render_cart(request, cart, add_form=form)
    quantity = form.cleaned_data["quantity"]
    query = form.cleaned_data["query"]
    if form.cleaned_data["product_id"]:
        product = Product.objects.filter(pk=form.cleaned_data["product_id"], is_active=True).first()
        matches = [product] if product else []
    else:
        product = product_by_sku(query)
        if product is not None and not product.is_active:
            form.add_error("query", f"{product.sku} ({product.name}) is no longer sold.")
            return _render_cart(request, cart, add_form=form)
        matches = [product] if product else list(product_search(query, active_only=True)[:21])
    if not matches:
        form.add_error("query", f"No active product matches “{query}”. Check the SKU, or type part of the name.")
        return _render_cart(request, cart, add_form=form)
    if len(matches) > 1:
        return _render_cart(request, cart, add_form=form, choices=matches[:20])
    product = matches[0]
    try:
        cart.add(product, quantity)
    except CartError as error:
        form.add_error("quantity", str(error))
        return _render_cart(request, cart, add_form=form)
    messages.success(request, f"Added {quantity:,} × {product.sku} {product.name}.")
    return redirect("orders:cart", cart_id=cart.id)


@require_POST
@with_cart
def cart_line(request, cart: Cart, product_id: int):
    if cart.quantity_of(product_id) == 0:
        messages.warning(request, "That line is no longer in the order.")
    elif "remove" in request.POST:
        cart.remove(product_id)
        messages.info(request, "Line removed.")
    else:
        form = LineQuantityForm(request.POST)
        if not form.is_valid():
            return _render_cart(request, cart, line_forms={product_id: form})
        cart.set_quantity(product_id, form.cleaned_data["quantity"])
        messages.success(request, "Quantity updated.")
    return redirect("orders:cart", cart_id=cart.id)


# --- Identify: find or create the customer ------------------------------------------------
def _render_identify(request, cart: Cart, *, new_form=None, new_address_form=None, duplicates=None,
                     confirm_form=None):
    search_form = IdentifySearchForm(request.GET or None)
    results, searched = [], False
    initial = {}
    if search_form.is_valid() and not search_form.is_empty():
        searched = True
        results = identify_search(**search_form.cleaned_data)
        if not results:
            initial = {key: value for key, value in search_form.cleaned_data.items() if value}
    context = {
        "cart": cart,
        "customer": cart_review(cart).customer,
        "search_form": search_form,
        "results": results,
        "searched": searched,
        "new_form": new_form or CustomerForm(prefix="new", initial=initial),
        "new_address_form": new_address_form or NewCustomerAddressForm(prefix="new"),
        "duplicates": duplicates,
        "confirm_form": confirm_form,
        # Type-ahead that finds nobody also refreshes the new-customer form, pre-filled.
        "oob_new_customer": bool(initial) and htmx_target(request) == "identify-results",
    }
    return render_page(request, "orders/identify.html", context, partials=("identify-results",))


@with_cart
def cart_identify(request, cart: Cart):
    return _render_identify(request, cart)


@require_POST
@with_cart
def cart_attach(request, cart: Cart):
    if "detach" in request.POST:
        cart.attach(None)
        messages.info(request, "The customer was detached from this order.")
        return redirect("orders:identify", cart_id=cart.id)
    customer_id = request.POST.get("customer_id", "")
    customer = Customer.objects.filter(pk=int(customer_id)).first() if customer_id.isdigit() else None
    if customer is None:
        messages.warning(request, "That customer no longer exists; search again.")
        return redirect("orders:identify", cart_id=cart.id)
    cart.attach(customer.pk)
    messages.success(request, f"{customer.name} is attached to this order.")
    return redirect("orders:cart", cart_id=cart.id)


@require_POST
@with_cart
def cart_create_customer(request, cart: Cart):
    form = CustomerForm(request.POST, prefix="new")
    address_form = NewCustomerAddressForm(request.POST, prefix="new")
    confirm_form = DuplicateConfirmForm(request.POST, prefix="new")
    if not (form.is_valid() and address_form.is_valid() and confirm_form.is_valid()):
        return _render_identify(request, cart, new_form=form, new_address_form=address_form)
    email = form.cleaned_data["email"]
    duplicates = list(Customer.objects.filter(email__iexact=email)[:5]) if email else []
    if duplicates and not confirm_form.cleaned_data["create_anyway"]:
        form.add_error("email", "A customer with this email already exists: attach them below, or tick "
                                "“Create a new customer anyway”.")
        return _render_identify(request, cart, new_form=form, new_address_form=address_form,
                                duplicates=duplicates, confirm_form=confirm_form)
    customer = customer_create(customer=form.cleaned_data, address=address_form.cleaned_data)
    cart.attach(customer.pk)
    messages.success(request, f"Customer {customer.name} ({customer.number}) created and attached.")
    return redirect("orders:cart", cart_id=cart.id)


# --- checkout -----------------------------------------------------------------------------
def _checkout_initial(review, methods) -> tuple[dict, dict, dict]:
    customer = review.customer
    billing = customer.default_billing_address if customer else None
    shipping = customer.default_shipping_address if customer else None
    initial = {
        "token": review.cart.token,
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


@with_cart
def cart_checkout(request, cart: Cart):
    review = cart_review(cart)
    if request.method == "POST":
        if placed := _order_for_posted_token(request):
            messages.info(request, f"Order #{placed.number} was already placed; here it is.")
            return redirect(placed)
        return _checkout_submit(request, cart, review)
    if redirect_to := _checkout_blocked(request, cart, review):
        return redirect_to
    methods = shipping_methods()
    initial, billing, shipping = _checkout_initial(review, methods)
    return _render_checkout(
        request, review,
        form=CheckoutForm(initial=initial, methods=methods, customer_email=review.customer.email),
        billing_form=AddressForm(prefix="billing", initial=billing),
        shipping_form=AddressForm(prefix="shipping", initial=shipping),
        rate=tax_rate(),
    )


def _checkout_blocked(request, cart, review):
    if not review.lines:
        messages.warning(request, "The order has no lines yet: add an item before checking out.")
        return redirect("orders:cart", cart_id=cart.id)
    if review.customer is None:
        messages.warning(request, "Attach a customer first: use Identify to find or create one.")
        return redirect("orders:identify", cart_id=cart.id)
    return None


def _checkout_submit(request, cart, review):
    if redirect_to := _checkout_blocked(request, cart, review):
        return redirect_to
    form = CheckoutForm(request.POST, methods=shipping_methods(), customer_email=review.customer.email)
    billing_form = AddressForm(request.POST, prefix="billing")
    shipping_form = AddressForm(request.POST, prefix="shipping")
    same = request.POST.get("same_as_billing") == "on"
    rate = tax_rate()
    valid = all([form.is_valid(), billing_form.is_valid(), same or shipping_form.is_valid()])
    problems = []
    if valid and form.cleaned_data["token"] != uuid.UUID(cart.token):
        problems = ["This checkout page is out of date. Review the order and submit again."]
    elif valid and form.cleaned_data["fingerprint"] != review.fingerprint:
        problems = ["The order changed since this page was loaded (in another tab, or a price changed). "
                    "Review it and submit again."]
    if not valid or problems:
        return _render_checkout(request, review, form=form, billing_form=billing_form,
                                shipping_form=shipping_form, rate=rate, problems=problems)
    data = form.cleaned_data
    billing = billing_form.cleaned_data | {"country": str(billing_form.cleaned_data["country"])}
    shipping = billing if same else shipping_form.cleaned_data | {
        "country": str(shipping_form.cleaned_data["country"])
    }
    method = data["shipping_method"]
    try:
        placed = order_place(
            token=cart.token, customer_id=review.customer.pk,
            lines=[(line.product_id, line.quantity) for line in review.lines],
            billing_address=billing, shipping_address=shipping, shipping_method_id=method.pk,
            payment_method=data["payment_method"], payment_reference=data["payment_reference"],
            channel=data["channel"], staff_note=data["staff_note"], customer_note=data["customer_note"],
            send_confirmation=data["send_confirmation"], placed_by=request.user,
            expected_total=review.totals(shipping=method.price, tax_rate=rate).total,
            save_addresses=data["save_addresses"],
        )
    except OrderRefused as refused:
        fresh = cart_review(cart) if isinstance(refused, OrderChanged) else review
        return _render_checkout(request, fresh, form=form, billing_form=billing_form,
                                shipping_form=shipping_form, rate=rate, problems=refused.problems)
    cart.discard()
    order = placed.order
    _remember_placed(request, cart, order)
    if placed.created:
        order.refresh_from_db()
        messages.success(request, f"Order #{order.number} placed for {order.customer_name}.")
        _report_email(request, order)
    else:
        messages.info(request, f"Order #{order.number} was already placed; here it is.")
    return redirect(order)


def _render_checkout(request, review, *, form, billing_form, shipping_form, rate, problems=()):
    # A stale form is re-shown with what was typed, but against the current review.
    if form.is_bound:
        form.data = form.data.copy()
        form.data["fingerprint"] = review.fingerprint
        form.data["token"] = review.cart.token
    selected = _selected_method(form, list(form.methods.values()))
    context = {
        "cart": review.cart,
        "review": review,
        "customer": review.customer,
        "form": form,
        "billing_form": billing_form,
        "shipping_form": shipping_form,
        "problems": list(problems) + review.problems,
        "totals": review.totals(shipping=selected.price if selected else Decimal("0"), tax_rate=rate),
        "shipping_method": selected,
    }
    return render(request, "orders/checkout.html", context)


def _selected_method(form, methods):
    chosen = form["shipping_method"].value()
    for method in methods:
        if str(method.pk) == str(chosen):
            return method
    return methods[0] if methods else None
