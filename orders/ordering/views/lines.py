"""The line editor's views: add, update or remove a line, paste lines, change a price, the order discount, custom
items and the product type-ahead, on any line store (orders.lines): the cart (``cart/<cart_id>/...``) or a placed
order being edited (``<number>/edit/<edit_id>/...``), named in the URL.

One rule for answers: a change made redirects to the store's page (post/redirect/get); a refusal draws the page
again with the reason beside the field and what was typed, 400 as a whole page and 200 to htmx (which swaps only
2xx answers: the error is in the fragment it swaps)."""

from collections.abc import Callable
from dataclasses import dataclass
from functools import wraps

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse, HttpResponseNotAllowed
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.cache import patch_vary_headers
from django_htmx.http import reswap, retarget

from catalog.models import Product
from catalog.selectors import product_by_sku, product_search_page
from customers.forms import AddressForm
from oms.core.forms import parse_id
from oms.core.htmx import htmx_target
from oms.core.search import search_capped
from orders.models import Order
from orders.ordering.forms import AddLineForm, CustomItemForm, LineQuantityForm, OrderEditForm
from orders.ordering.lines import LinesReview
from orders.ordering.selectors import cart_review, edit_review, last_ordered
from orders.ordering.stores import LineError, LineStore
from orders.ordering.views.carts import cart_or_redirect, edit_or_redirect
from orders.ordering.views.paste import paste_apply, paste_box, paste_form
from orders.payments.selectors import customer_credit
from orders.pricing.forms import DiscountForm, PriceForm
from orders.pricing.selectors import price_reasons, shipping_methods
from orders.pricing.totals import totals_problems
from orders.quotes.forms import quote_terms_form

ACTIONS = ("add", "line", "paste", "price", "discount", "custom", "products")


@dataclass
class Lines:
    """The store a request changes, the placed order it edits (None for a new order), and its kind."""

    store: LineStore
    order: Order | None = None
    quote: object = None  # orders.quotes.models.Quote: the quote a revision changes

    @property
    def kind(self) -> "StoreKind":
        return KINDS[self.store.kind]

    @property
    def page(self) -> str:
        return reverse(f"orders:{self.store.kind}", args=self.store.url_args)

    def url(self, action: str) -> str:
        return reverse(f"orders:{self.store.kind}_{action}", args=self.store.url_args)

    def review(self) -> LinesReview:
        return self.kind.review(self)

    def back(self):
        return redirect(self.page)


@dataclass(frozen=True)
class StoreKind:
    """What the line editor needs to know of a kind of store: who may change its lines, how the URL's ids find it
    (a Lines, or where to go instead), how its lines are priced, and the page around them (a template and its own
    context)."""

    permission: str
    load: Callable[..., "Lines | HttpResponse"]
    review: Callable[[Lines], LinesReview]
    frame: Callable[..., tuple[str, dict]]


def lines_view(*, post: bool = False, permission: str = ""):
    """Check the permission of the store's kind (the URL names it) and ``permission``, then load the store named in
    the URL; a store not found (a cart placed, an edit saved or discarded) goes where its loader sends, with its
    message."""

    def decorate(view):
        @wraps(view)
        def wrapper(request, kind: str, **ids):
            store_kind = KINDS[kind]
            if not request.user.has_perms([store_kind.permission, *([permission] if permission else [])]):
                raise PermissionDenied
            if post and request.method != "POST":
                return HttpResponseNotAllowed(["POST"])
            found = store_kind.load(request, **ids)
            return found if isinstance(found, HttpResponse) else view(request, found)

        return wrapper

    return decorate


def render_lines(request, lines: Lines, *, status: int = 200, add_form=None, choices=None, line_forms=None,
                 paste=None, **frame):
    """The store's page (its own frame around orders/ordering/lines.html) with ``status`` (400 for a change refused), or
    only the lines to htmx, always 200 (htmx swaps only 2xx answers: the reasons are in the lines)."""
    review = lines.review()
    paste_context = paste_box(request, f"{lines.store.kind}:{lines.store.id}", paste)
    template, frame_context = lines.kind.frame(request, lines, review, add_form=add_form,
                                                         paste_focus=paste_context["paste_focus"], **frame)
    forms = {line.product_id: LineQuantityForm(initial={"quantity": line.quantity},
                                               auto_id=f"line-{line.product_id}-%s") for line in review.lines}
    forms |= line_forms or {}  # a refused line shows what was typed and why
    for line in review.lines:
        forms[line.product_id]["quantity"].label = f"Units of {line.sku}"
    totals = review.totals()
    context = {
        "review": review,
        "totals": totals,
        "amount_problems": totals_problems(totals, review.priced_lines),  # the order would be refused: say so now
        "urls": {action: lines.url(action) for action in ACTIONS},
        "add_form": _add_form(lines, add_form, focus=frame_context.pop("focus_add")),
        "choices": choices,
        "line_forms": forms,
        "can_change_price": request.user.has_perm("orders.change_price"),
        **paste_context,
        **frame_context,
    }
    if htmx_target(request) == "lines-body":
        response = render(request, "orders/ordering/lines.html", context)
    else:
        response = render(request, template, context, status=status)
    patch_vary_headers(response, ["HX-Request", "HX-Target"])
    return response


def _add_form(lines: Lines, form: AddLineForm | None, *, focus: bool) -> AddLineForm:
    form = form or AddLineForm()
    form.fields["query"].widget.attrs.update({
        "autofocus": focus,
        "data-hx-get": lines.url("products"),
        "data-hx-trigger": "input changed delay:250ms",
        "data-hx-target": "#product-suggestions",
        "data-hx-swap": "innerHTML",
        "data-hx-sync": "this:replace",
    })
    return form


def cart_frame(request, lines: Lines, review: LinesReview, *, add_form, paste_focus, quote_form=None,
               quote_problems=()) -> tuple[str, dict]:
    """The cart's page: the customer panel and Identify, Last ordered, Checkout, and `Save as quote` (with what
    was typed in its terms when it was refused). A new, empty order starts with Identify; after that the cursor
    lives in the SKU field."""

    focus_identify = review.customer is None and not review.lines and add_form is None and not paste_focus
    return "orders/ordering/cart.html", {
        "cart": lines.store, "customer": review.customer, "focus_identify": focus_identify,
        "focus_add": not (focus_identify or paste_focus), "lines_footer": "orders/ordering/_cart_footer.html",
        "last_ordered": last_ordered(review.customer.pk) if review.customer else [],
        "credit": customer_credit(review.customer),
        "quote_form": quote_form or quote_terms_form(), "quote_problems": list(quote_problems),
    }


def edit_frame(request, lines: Lines, review: LinesReview, *, add_form, paste_focus, form=None, billing_form=None,
               shipping_form=None, problems=()) -> tuple[str, dict]:
    """The edit's page: the order, its addresses and shipping, and Save changes (orders.views.editing.order_edit),
    with what was typed in them when a save was refused."""
    order = lines.order
    return "orders/changes/order_edit.html", {
        "order": order, "edit": lines.store, "problems": list(problems), "order_totals": True,
        "focus_add": not paste_focus,
        "form": form or OrderEditForm(order=order, methods=shipping_methods()),
        "billing_form": billing_form or AddressForm(prefix="billing", initial=order.billing_address),
        "shipping_form": shipping_form or AddressForm(prefix="shipping", initial=order.shipping_address),
    }


def _load_cart(request, cart_id: str) -> Lines | HttpResponse:
    found = cart_or_redirect(request, cart_id)
    return found if isinstance(found, HttpResponse) else Lines(found)


def _load_edit(request, number: int, edit_id: str) -> Lines | HttpResponse:
    found = edit_or_redirect(request, number, edit_id)
    return found if isinstance(found, HttpResponse) else Lines(found[1], found[0])


# The kinds of line store, by the name their URLs give (orders.urls) and the store's own ``kind``.
KINDS = {
    "cart": StoreKind("orders.place_order", _load_cart, lambda lines: cart_review(lines.store), cart_frame),
    "edit": StoreKind("orders.edit_order", _load_edit, lambda lines: edit_review(lines.order, lines.store),
                      edit_frame),
}


@lines_view()
def lines_page(request, lines: Lines):
    return render_lines(request, lines)


@lines_view()
def product_suggest(request, lines: Lines):
    """Type-ahead for the SKU-or-product field: ten active products, one query per search branch it reaches."""
    query, notice = search_capped(request.GET.get("query", ""))
    choices = product_search_page(query, active_only=True, per_page=10).object_list if len(query) >= 2 else []
    context = {"choices": choices, "searched_for": query if len(query) >= 2 else "", "notice": notice}
    return render(request, "orders/ordering/lines.html#suggestions", context)


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


@lines_view(post=True)
def lines_add(request, lines: Lines):
    form = AddLineForm(request.POST)
    if not form.is_valid():
        return render_lines(request, lines, add_form=form, status=400)
    product, choices = product_to_add(form)
    if product is None:  # several match: a choice to make, not a refusal
        return render_lines(request, lines, add_form=form, choices=choices, status=200 if choices else 400)
    quantity = form.cleaned_data["quantity"]
    try:
        lines.store.add(product, quantity)
    except LineError as error:
        form.add_error("quantity", str(error))
        return render_lines(request, lines, add_form=form, status=400)
    messages.success(request, f"Added {quantity:,} × {product.sku} {product.name}.")
    return lines.back()


@lines_view(post=True)
def lines_line(request, lines: Lines):
    """A line's Update or Remove: a product line is the form's ``line``, a custom item its ``custom`` (one URL
    for every line)."""
    store = lines.store
    if "custom" in request.POST:
        if store.remove_custom(request.POST["custom"]):
            messages.info(request, "Custom item removed.")
        else:
            messages.warning(request, "That custom item is no longer in the order.")
        return lines.back()
    product_id = parse_id(request.POST.get("line"))
    if product_id is None or store.quantity_of(product_id) == 0:
        messages.warning(request, "That line is no longer in the order.")
    elif "remove" in request.POST:
        store.remove(product_id)
        messages.info(request, "Line removed.")
    else:
        form = LineQuantityForm(request.POST, auto_id=f"line-{product_id}-%s")
        if not form.is_valid():
            return render_lines(request, lines, line_forms={product_id: form}, status=400)
        store.set_quantity(product_id, form.cleaned_data["quantity"])
        messages.success(request, "Quantity updated.")
    return lines.back()


@lines_view(post=True)
def lines_paste(request, lines: Lines):
    """Paste lines: every line understood is added in this one request; the rest come back in the box."""
    form = paste_form(request.POST)
    if not form.is_valid():
        return render_lines(request, lines, paste=form, status=400)
    paste_apply(request, f"{lines.store.kind}:{lines.store.id}", form, lines.store,
                existing=lines.store.quantities)
    return lines.back()


def price_form_page(request, lines: Lines, *, form, heading: str, button: str, slot: str, intro: str = ""):
    """A price, discount or custom item form brought on request: the fragment for htmx (into ``slot``), else a
    page of its own. It posts in place, the lines taking the answer; a refusal goes back into its slot (htmx), or
    is the page again with 400."""
    context = {"form": form, "action": request.get_full_path(), "back": lines.page, "heading": heading,
               "intro": intro, "button": button, "hx_target": "#lines-body", "slot": slot}
    if "reason" in form.fields:
        form.fields["reason"].widget.attrs["list"] = f"{slot}-reasons"  # unique if several forms are open at once
        context["reasons"] = price_reasons()
    if request.htmx:
        response = render(request, "orders/ordering/price_form.html#price-form", context)
        if request.method == "POST":  # posted with the lines as target: the errors go back in the form's slot
            response = reswap(retarget(response, f"#{slot}"), "innerHTML")
        return response
    return render(request, "orders/ordering/price_form.html", context, status=400 if form.is_bound else 200)


@lines_view(permission="orders.change_price")
def lines_price(request, lines: Lines):
    """`Change price` on a line (?line=<product>, so that a page reverses one URL for every line)."""
    product_id = parse_id(request.GET.get("line"))
    line = next((line for line in lines.review().lines if line.product_id == product_id), None)
    if line is None:
        messages.warning(request, "That line is no longer in the order.")
        return lines.back()
    form = PriceForm(request.POST) if request.method == "POST" else PriceForm(initial={"price": line.unit_price})
    if not form.is_bound or not form.is_valid():
        return price_form_page(
            request, lines, form=form, heading=f"Change price of {line.sku} {line.name}", button="Save price",
            slot=f"price-slot-{line.product_id}",
            intro=f"List price {line.list_price}; now {line.unit_price}" + (f" ({line.reason})." if line.reason
                                                                            else "."))
    data = form.cleaned_data
    lines.store.set_price(product_id, price=data["price"], reason=data["reason"], by=request.user.pk)
    messages.success(request, f"{line.sku} now {data['price']} each: {data['reason']}.")
    return lines.back()


@lines_view(permission="orders.change_price")
def lines_discount(request, lines: Lines):
    """The order discount: an amount or a percent off the items, with its reason; 0 removes it."""
    if request.method == "POST":
        form = DiscountForm(request.POST, prefix="discount")
    else:
        shown = lines.review().discount
        form = DiscountForm(prefix="discount", initial={"discount": shown.entered, "reason": shown.reason}
                            if shown else None)
    if not form.is_bound or not form.is_valid():
        return price_form_page(request, lines, form=form, heading="Order discount", button="Apply discount",
                               slot="discount-slot",
                               intro="An amount such as 15.00 or a percent such as 10% off the items; 0 removes it.")
    discount, reason = form.cleaned_data["discount"], form.cleaned_data["reason"]
    lines.store.set_discount(text=discount.entered if discount.value else "", reason=reason, by=request.user.pk)
    if discount.value:
        messages.success(request, f"Discount of {discount.entered} applied: {reason}.")
    else:
        messages.info(request, "Discount removed.")
    return lines.back()


CUSTOM_INTRO = "A line that is no product: freight, a setup fee, a special order. No stock is taken."


@lines_view()
def lines_custom(request, lines: Lines):
    """`Add custom item`: its form is brought on request (a page draws no second Quantity field)."""
    form = CustomItemForm(request.POST if request.method == "POST" else None, prefix="custom")
    if form.is_bound and form.is_valid():
        data = form.cleaned_data
        try:
            line_id = lines.store.add_custom(description=data["description"], unit_price=data["unit_price"],
                                             quantity=data["quantity"], taxable=data["taxable"])
        except LineError as error:
            form.add_error("description", str(error))
        else:
            review = lines.review()
            if problems := totals_problems(review.totals(), review.priced_lines):  # the order would be refused
                lines.store.remove_custom(line_id)
                form.add_error("unit_price", problems[0])
                return price_form_page(request, lines, form=form, heading="Custom item", button="Add custom item",
                                       slot="custom-slot", intro=CUSTOM_INTRO)
            messages.success(request, f"Added {data['quantity']:,} × {data['description']}.")
            return lines.back()
    return price_form_page(request, lines, form=form, heading="Custom item", button="Add custom item",
                           slot="custom-slot", intro=CUSTOM_INTRO)
