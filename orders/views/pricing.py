"""Bending prices in the cart: `Change price` on a line and the order `Discount` (orders.change_price), and
`Add custom item`. A line's price form is brought on request (in place with htmx, a page of its own without
JavaScript), so a cart of 50 lines does not draw 50 forms."""

from django.contrib import messages
from django.contrib.auth.decorators import permission_required
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST
from django_htmx.http import reswap, retarget

from oms.core.forms import parse_id

from ..cart import Cart, CartError
from ..forms_pricing import CustomItemForm, DiscountForm, PriceForm
from ..pricing import totals_problems
from ..selectors import cart_review, price_reasons
from .common import with_cart


def price_form_page(request, *, form, action: str, back: str, heading: str, button: str, slot: str, intro: str = "",
                    hx_target: str = "", status: int = 200):
    """A price or discount form brought on request: the fragment for htmx (into ``slot``), else a page of its own.
    With ``hx_target`` the form posts in place and that element takes the answer; else it posts as a page."""
    context = {"form": form, "action": action, "back": back, "heading": heading, "intro": intro, "button": button,
               "hx_target": hx_target, "slot": slot}
    if "reason" in form.fields:
        form.fields["reason"].widget.attrs["list"] = f"{slot}-reasons"  # unique if several forms are open at once
        context["reasons"] = price_reasons()
    if request.htmx:
        response = render(request, "orders/price_form.html#price-form", context)  # htmx swaps only 2xx
        if request.method == "POST":  # the form posts with the cart's body as target; errors go back in its slot
            response = reswap(retarget(response, f"#{slot}"), "innerHTML")
        return response
    return render(request, "orders/price_form.html", context, status=status)


def line_price_page(request, *, form, line, back: str, hx_target: str = "", status: int = 200):
    return price_form_page(
        request, form=form, action=request.get_full_path(), back=back,
        heading=f"Change price of {line.sku} {line.name}",
        intro=f"List price {line.list_price}; now {line.unit_price}" + (f" ({line.reason})." if line.reason else "."),
        button="Save price", slot=f"price-slot-{line.product_id}", hx_target=hx_target, status=status)


@permission_required("orders.change_price", raise_exception=True)
@with_cart
def cart_price(request, cart: Cart):
    product_id = parse_id(request.GET.get("line"))  # in the query, so that a cart reverses one URL for every line
    line = next((line for line in cart_review(cart).lines if line.product_id == product_id), None)
    if line is None:
        messages.warning(request, "That line is no longer in the order.")
        return redirect("orders:cart", cart_id=cart.id)
    back = reverse("orders:cart", args=[cart.id])
    if request.method != "POST":
        return line_price_page(request, form=PriceForm(initial={"price": line.unit_price}), line=line, back=back,
                               hx_target="#cart-body")
    form = PriceForm(request.POST)
    if not form.is_valid():
        return line_price_page(request, form=form, line=line, back=back, hx_target="#cart-body", status=400)
    cart.set_price(product_id, price=form.cleaned_data["price"], reason=form.cleaned_data["reason"],
                   by=request.user.pk)
    messages.success(request, f"{line.sku} now {form.cleaned_data['price']} each: {form.cleaned_data['reason']}.")
    return redirect("orders:cart", cart_id=cart.id)


def discount_page(request, *, form, back: str, hx_target: str = "", status: int = 200):
    return price_form_page(request, form=form, action=request.path, back=back, heading="Order discount",
                           intro="An amount such as 15.00 or a percent such as 10% off the items; 0 removes it.",
                           button="Apply discount", slot="discount-slot", hx_target=hx_target, status=status)


@permission_required("orders.change_price", raise_exception=True)
@with_cart
def cart_discount(request, cart: Cart):
    back = reverse("orders:cart", args=[cart.id])
    if request.method != "POST":
        stored = cart.discount
        initial = {"discount": stored.text, "reason": stored.reason} if stored else None
        return discount_page(request, form=DiscountForm(prefix="discount", initial=initial), back=back,
                             hx_target="#cart-body")
    form = DiscountForm(request.POST, prefix="discount")
    if not form.is_valid():
        return discount_page(request, form=form, back=back, hx_target="#cart-body", status=400)
    discount = form.cleaned_data["discount"]
    if not discount.value:
        cart.clear_discount()
        messages.info(request, "Discount removed.")
    else:
        cart.set_discount(text=discount.entered, reason=form.cleaned_data["reason"], by=request.user.pk)
        messages.success(request, f"Discount of {discount.entered} applied: {form.cleaned_data['reason']}.")
    return redirect("orders:cart", cart_id=cart.id)


def custom_item_page(request, *, form, back: str, status: int = 200):
    return price_form_page(request, form=form, action=request.path, back=back, heading="Custom item",
                           intro="A line that is no product: freight, a setup fee, a special order. No stock is taken.",
                           button="Add custom item", slot="custom-slot", hx_target="#cart-body", status=status)


@permission_required("orders.place_order", raise_exception=True)
@with_cart
def cart_custom_add(request, cart: Cart):
    """`Add custom item`: its form is brought on request (a cart page draws no second Quantity field)."""
    back = reverse("orders:cart", args=[cart.id])
    if request.method != "POST":
        return custom_item_page(request, form=CustomItemForm(prefix="custom"), back=back)
    form = CustomItemForm(request.POST, prefix="custom")
    if not form.is_valid():
        return custom_item_page(request, form=form, back=back, status=400)
    data = form.cleaned_data
    try:
        line_id = cart.add_custom(description=data["description"], unit_price=data["unit_price"],
                                  quantity=data["quantity"], taxable=data["taxable"])
    except CartError as error:
        form.add_error("description", str(error))
        return custom_item_page(request, form=form, back=back, status=400)
    review = cart_review(cart)
    if problems := totals_problems(review.totals(), review.priced_lines):  # checkout would refuse it: say so now
        cart.remove_custom(line_id)
        form.add_error("unit_price", problems[0])
        return custom_item_page(request, form=form, back=back, status=400)
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
