"""Identify: find the customer and attach them, or create them and attach them."""

from django.contrib import messages
from django.contrib.auth.decorators import permission_required
from django.shortcuts import redirect
from django.views.decorators.http import require_POST

from customers.forms import CustomerForm, NewCustomerAddressForm
from customers.models import Customer
from customers.selectors import customers_with_email
from customers.services import customer_create
from oms.core.forms import parse_id
from oms.core.htmx import htmx_target, render_page
from orders.ordering.forms import DuplicateConfirmForm, IdentifySearchForm
from orders.ordering.selectors import cart_customer, identify_search
from orders.ordering.stores import Cart
from orders.ordering.views.carts import with_cart


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
    # Type-ahead that finds nobody also refreshes the new-customer form, pre-filled; type-ahead that finds
    # someone draws only the results, and builds no new-customer form (the page keeps the one it has).
    type_ahead = htmx_target(request) == "identify-results"
    oob_new_customer = bool(initial) and type_ahead
    draws_new_customer = oob_new_customer or not type_ahead
    context = {
        "cart": cart,
        "customer": cart_customer(cart),
        "search_form": search_form,
        "results": results,
        "searched": searched,
        "new_form": new_form or (CustomerForm(prefix="new", initial=initial) if draws_new_customer else None),
        "new_address_form": new_address_form or (NewCustomerAddressForm(prefix="new") if draws_new_customer
                                                 else None),
        "duplicates": duplicates,
        "confirm_form": confirm_form,
        "oob_new_customer": oob_new_customer,
    }
    return render_page(request, "orders/ordering/identify.html", context, partials=("identify-results",))


@permission_required("orders.place_order", raise_exception=True)
@with_cart
def cart_identify(request, cart: Cart):
    return _render_identify(request, cart)


@permission_required("orders.place_order", raise_exception=True)
@require_POST
@with_cart
def cart_attach(request, cart: Cart):
    if "detach" in request.POST:
        cart.attach(None)
        messages.info(request, "The customer was detached from this order.")
        return redirect("orders:identify", cart_id=cart.id)
    customer_id = parse_id(request.POST.get("customer_id"))
    customer = Customer.objects.filter(pk=customer_id).first() if customer_id else None
    if customer is None:
        messages.warning(request, "That customer no longer exists; search again.")
        return redirect("orders:identify", cart_id=cart.id)
    cart.attach(customer.pk)
    messages.success(request, f"{customer.name} is attached to this order.")
    return redirect("orders:cart", cart_id=cart.id)


@permission_required(("orders.place_order", "customers.add_customer"), raise_exception=True)
@require_POST
@with_cart
def cart_create_customer(request, cart: Cart):
    form = CustomerForm(request.POST, prefix="new")
    address_form = NewCustomerAddressForm(request.POST, prefix="new")
    confirm_form = DuplicateConfirmForm(request.POST, prefix="new")
    if not (form.is_valid() and address_form.is_valid() and confirm_form.is_valid()):
        return _render_identify(request, cart, new_form=form, new_address_form=address_form)
    duplicates = customers_with_email(form.cleaned_data["email"])
    if duplicates and not confirm_form.cleaned_data["create_anyway"]:
        form.add_error("email", "A customer with this email already exists: attach them below, or tick "
                                "“Create a new customer anyway”.")
        return _render_identify(request, cart, new_form=form, new_address_form=address_form,
                                duplicates=duplicates, confirm_form=confirm_form)
    customer = customer_create(customer=form.cleaned_data, address=address_form.cleaned_data)
    cart.attach(customer.pk)
    messages.success(request, f"Customer {customer.name} ({customer.number}) created and attached.")
    return redirect("orders:cart", cart_id=cart.id)
