"""The cart: lines added, changed and removed, in place with htmx or as whole pages."""

from django.contrib import messages
from django.contrib.auth.decorators import permission_required
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from catalog.models import Product
from catalog.selectors import product_by_sku, product_search_page
from oms.core.forms import parse_id
from oms.core.htmx import render_page
from oms.core.search import search_capped

from ..cart import Cart, CartError
from ..forms import AddLineForm, LineQuantityForm, line_inputs
from ..pricing import totals_problems
from ..selectors import cart_review, last_ordered
from .common import with_cart
from .paste import paste_apply, paste_box, paste_form


def _add_form(cart: Cart, form: AddLineForm | None = None, *, focus: bool = True) -> AddLineForm:
    form = form or AddLineForm()
    form.fields["query"].widget.attrs.update({
        "autofocus": focus,
        "data-hx-get": reverse("orders:product_suggest", args=[cart.id]),
        "data-hx-trigger": "input changed delay:250ms",
        "data-hx-target": "#product-suggestions",
        "data-hx-swap": "innerHTML",
        "data-hx-sync": "this:replace",
    })
    return form


def _line_form(product_id: int, data) -> LineQuantityForm:
    """A line's quantity form; ids carry the product so every line's input is unique."""
    return LineQuantityForm(data, auto_id=f"line-{product_id}-%s")


def render_cart(request, cart: Cart, *, add_form=None, choices=None, refused_line_forms=None, paste=None,
                status: int = 200):
    review = cart_review(cart)
    totals = review.totals()
    paste_context = paste_box(request, f"cart:{cart.id}", paste)
    # A new, empty order starts with Identify; after that the cursor lives in the SKU field.
    focus_identify = (review.customer is None and not review.lines and add_form is None
                      and not paste_context["paste_focus"])
    context = {
        "cart": cart,
        "review": review,
        "customer": review.customer,
        "focus_identify": focus_identify,
        "add_form": _add_form(cart, add_form, focus=not (focus_identify or paste_context["paste_focus"])),
        "choices": choices,
        # A line whose new quantity was refused shows what was typed and why.
        "line_inputs": line_inputs(review.lines, refused_line_forms),
        "totals": totals,
        "amount_problems": totals_problems(totals, review.priced_lines),  # checkout would refuse the order
        "last_ordered": last_ordered(review.customer.pk) if review.customer else [],
        **paste_context,
        "can_change_price": request.user.has_perm("orders.change_price"),
    }
    response = render_page(request, "orders/cart.html", context, partials=("cart-body",))
    response.status_code = 200 if request.htmx else status  # htmx swaps only 2xx answers: the errors are in it
    return response



@permission_required("orders.place_order", raise_exception=True)
@with_cart
def cart_detail(request, cart: Cart):
    return render_cart(request, cart)


@permission_required("orders.place_order", raise_exception=True)
@with_cart
def product_suggest(request, cart: Cart):
    """Type-ahead for the SKU-or-product field: ten active products, one query per search branch it reaches."""
    query, notice = search_capped(request.GET.get("query", ""))
    choices = product_search_page(query, active_only=True, per_page=10).object_list if len(query) >= 2 else []
    context = {"cart": cart, "choices": choices, "searched_for": query if len(query) >= 2 else "", "notice": notice}
    return render(request, "orders/cart.html#suggestions", context)


def product_to_add(form: AddLineForm) -> tuple[Product | None, list[Product] | None]:
    """The one active product a valid add-item form names (by the product_id of a choice, a SKU, or part of a
    name); else (None, the choices) when several match, or (None, None) with the reason on the form."""
    query = form.cleaned_data["query"]
    if form.cleaned_data["product_id"]:
        product = Product.objects.filter(pk=form.cleaned_data["product_id"], is_active=True).first()
        matches = [product] if product else []
    else:
        product = product_by_sku(query)
        if product is not None and not product.is_active:
            form.add_error("query", f"{product.sku} ({product.name}) is no longer sold.")
            return None, None
        matches = [product] if product else product_search_page(query, active_only=True, per_page=21).object_list
    if not matches:
        form.add_error("query", f"No active product matches “{query}”. Check the SKU, or type part of the name.")
        return None, None
    if len(matches) > 1:
        return None, matches[:20]
    return matches[0], None


@permission_required("orders.place_order", raise_exception=True)
@require_POST
@with_cart
def cart_add(request, cart: Cart):
    form = AddLineForm(request.POST)
    if not form.is_valid():
        return render_cart(request, cart, add_form=form)
    product, choices = product_to_add(form)
    if product is None:
        return render_cart(request, cart, add_form=form, choices=choices)
    quantity = form.cleaned_data["quantity"]
    try:
        cart.add(product, quantity)
    except CartError as error:
        form.add_error("quantity", str(error))
        return render_cart(request, cart, add_form=form)
    messages.success(request, f"Added {quantity:,} × {product.sku} {product.name}.")
    return redirect("orders:cart", cart_id=cart.id)


@permission_required("orders.place_order", raise_exception=True)
@require_POST
@with_cart
def cart_line(request, cart: Cart):
    """A line's Update or Remove; the line is the form's ``line`` (one URL for every line: reversing one a line
    cost a 50-line cart 4 ms)."""
    product_id = parse_id(request.POST.get("line"))
    if product_id is None or cart.quantity_of(product_id) == 0:
        messages.warning(request, "That line is no longer in the order.")
    elif "remove" in request.POST:
        cart.remove(product_id)
        messages.info(request, "Line removed.")
    else:
        form = _line_form(product_id, request.POST)
        if not form.is_valid():
            return render_cart(request, cart, refused_line_forms={product_id: form})
        cart.set_quantity(product_id, form.cleaned_data["quantity"])
        messages.success(request, "Quantity updated.")
    return redirect("orders:cart", cart_id=cart.id)


@permission_required("orders.place_order", raise_exception=True)
@require_POST
@with_cart
def cart_paste(request, cart: Cart):
    """Paste lines: every line understood is added in this one request; the rest come back in the box."""
    form = paste_form(request.POST)
    if not form.is_valid():
        return render_cart(request, cart, paste=form)
    existing = {line.product_id: line.quantity for line in cart.lines}
    paste_apply(request, f"cart:{cart.id}", form, cart, existing=existing)
    return redirect("orders:cart", cart_id=cart.id)
