"""Bending prices in the cart: `Change price` on a line and the order `Discount` (orders.change_price), and
`Add custom item`. A line's price form is brought on request (in place with htmx, a page of its own without
JavaScript), so a cart of 50 lines does not draw 50 forms."""

from django.contrib import messages
from django.contrib.auth.decorators import permission_required
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST
from django_htmx.http import reswap, retarget

from ..cart import Cart, CartError
from ..forms_pricing import CustomItemForm, DiscountForm, PriceForm
from ..selectors import cart_review, price_reasons
from .cart import render_cart
from .common import with_cart


def price_form_page(request, *, form: PriceForm, line, action: str, back: str, status: int = 200,
                    hx_target: str = ""):
    """A line's `Change price` form: the fragment for htmx (into the line's slot), else a page of its own. With
    ``hx_target`` the form posts in place and that element takes the answer; else it posts as a page."""
    context = {"form": form, "line": line, "action": action, "back": back, "reasons": price_reasons(),
               "hx_target": hx_target}
    if request.htmx:
        response = render(request, "orders/line_price.html#price-form", context)  # htmx swaps only 2xx
        if request.method == "POST":  # the form posts with the cart's body as target; errors go back in its slot
            response = reswap(retarget(response, f"#price-slot-{line.product_id}"), "innerHTML")
        return response
    return render(request, "orders/line_price.html", context, status=status)


@permission_required("orders.change_price", raise_exception=True)
@with_cart
def cart_price(request, cart: Cart, product_id: int):
    line = next((line for line in cart_review(cart).lines if line.product_id == product_id), None)
    if line is None:
        messages.warning(request, "That line is no longer in the order.")
        return redirect("orders:cart", cart_id=cart.id)
    action, back = request.path, reverse("orders:cart", args=[cart.id])
    if request.method != "POST":
        return price_form_page(request, form=PriceForm(initial={"price": line.unit_price}), line=line,
                               action=action, back=back, hx_target="#cart-body")
    form = PriceForm(request.POST)
    if not form.is_valid():
        return price_form_page(request, form=form, line=line, action=action, back=back, status=400,
                               hx_target="#cart-body")
    cart.set_price(product_id, price=form.cleaned_data["price"], reason=form.cleaned_data["reason"],
                   by=request.user.pk)
    messages.success(request, f"{line.sku} now {form.cleaned_data['price']} each: {form.cleaned_data['reason']}.")
    return redirect("orders:cart", cart_id=cart.id)


@permission_required("orders.change_price", raise_exception=True)
@require_POST
@with_cart
def cart_discount(request, cart: Cart):
    form = DiscountForm(request.POST, prefix="discount")
    if not form.is_valid():
        return render_cart(request, cart, discount_form=form, status=400)
    discount = form.cleaned_data["discount"]
    if not discount.value:
        cart.clear_discount()
        messages.info(request, "Discount removed.")
    else:
        cart.set_discount(text=discount.entered, reason=form.cleaned_data["reason"], by=request.user.pk)
        messages.success(request, f"Discount of {discount.entered} applied: {form.cleaned_data['reason']}.")
    return redirect("orders:cart", cart_id=cart.id)


@permission_required("orders.place_order", raise_exception=True)
@require_POST
@with_cart
def cart_custom_add(request, cart: Cart):
    form = CustomItemForm(request.POST, prefix="custom")
    if not form.is_valid():
        return render_cart(request, cart, custom_form=form, status=400)
    data = form.cleaned_data
    try:
        cart.add_custom(description=data["description"], unit_price=data["unit_price"], quantity=data["quantity"],
                        taxable=data["taxable"])
    except CartError as error:
        form.add_error("description", str(error))
        return render_cart(request, cart, custom_form=form, status=400)
    messages.success(request, f"Added {data['quantity']:,} × {data['description']}.")
    return redirect("orders:cart", cart_id=cart.id)


@permission_required("orders.place_order", raise_exception=True)
@require_POST
@with_cart
def cart_custom_line(request, cart: Cart, line_id: str):
    if cart.remove_custom(line_id):
        messages.info(request, "Custom item removed.")
    else:
        messages.warning(request, "That custom item is no longer in the order.")
    return redirect("orders:cart", cart_id=cart.id)
