"""The quote as the line pipeline's third store: `Save as quote` from the cart, `Revise quote` in the line editor
(a ``QuoteEdit``; `Save quote` makes the next version) and `Convert to order` (a cart of the quote's lines, at its
prices while it is valid, straight to checkout)."""

from django.contrib import messages
from django.contrib.auth.decorators import permission_required
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.views.decorators.http import require_POST

from orders.lifecycle import OrderRefused
from orders.ordering.lines import LinesReview
from orders.ordering.selectors import cart_review, customer_for_lines, new_lines_review
from orders.ordering.stores import Cart, QuoteEdit
from orders.ordering.views.carts import NOT_FOUND
from orders.ordering.views.lines import KINDS, Lines, StoreKind, render_lines
from orders.quotes.forms import QuoteTermsForm, quote_terms_form
from orders.quotes.models import Quote
from orders.quotes.selectors import quote_cart_lines, quote_for_page, quote_version
from orders.quotes.services import QuoteTerms, quote_create, quote_revise, store_of
from orders.quotes.views import quote_not_found


def quote_review(edit: QuoteEdit, quote: Quote) -> LinesReview:
    """A quote's lines being revised, priced from today's catalogue for its customer; its own reservation counts
    as free stock (the new version's replaces it)."""
    return new_lines_review(edit, customer_for_lines(quote.customer_id), holder=quote.holder)


@permission_required("orders.add_quote", raise_exception=True)
@require_POST
def cart_save_quote(request, cart_id: str):
    """`Save as quote`: the cart becomes quote Q<n> (the cart is emptied); a second submit of the same cart finds
    the quote the first made."""
    cart = Cart.get(request.session, cart_id)
    if cart is None:
        if made := Quote.objects.filter(submission_token=request.POST.get("token", "")[:64]).first():
            messages.info(request, f"Quote {made} was already saved; here it is.")
            return redirect(made)
        messages.warning(request, NOT_FOUND)
        return redirect("orders:list")
    form = QuoteTermsForm(request.POST, prefix="quote")
    if not form.is_valid():
        return render_lines(request, Lines(cart), status=400, quote_form=form)
    try:
        quote, created = quote_create(review=cart_review(cart), terms=_terms(form), actor=request.user,
                                      token=cart.token)
    except OrderRefused as refused:
        return render_lines(request, Lines(cart), status=400, quote_form=form, quote_problems=refused.problems)
    cart.discard()
    if created:
        held = " Its stock is reserved until then." if quote.reserve_stock else ""
        messages.success(request, f"Quote {quote} saved for {quote.customer.name}, valid until "
                                  f"{quote.valid_until:%b} {quote.valid_until.day}.{held}")
    return redirect(quote)

def _terms(form: QuoteTermsForm) -> QuoteTerms:
    return QuoteTerms(valid_until=form.cleaned_data["valid_until"], reserve_stock=form.cleaned_data["reserve_stock"])

@permission_required("orders.place_order", raise_exception=True)
@permission_required("orders.view_quote", raise_exception=True)
@require_POST
def quote_convert(request, quote_number: int):
    """`Convert to order`: checkout opens with the quote's lines, for its customer (a double click opens the same
    cart; placing it twice places one order)."""
    quote = quote_for_page(quote_number) or quote_not_found()
    if quote.order_id:
        messages.info(request, f"Quote {quote} was converted to order #{quote.order_id}; here it is.")
        return redirect(quote.order)
    if not quote.can_change:
        messages.error(request, f"Quote {quote} is {quote.get_state_display().lower()}: it cannot be converted.")
        return redirect(quote)
    store, token = quote_cart_lines(quote, quote_version(quote))
    cart = Cart.from_quote(request.session, quote_number=quote.number, customer_id=quote.customer_id, store=store,
                           token=token)
    if quote.expired:
        messages.warning(request, f"Quote {quote} expired on {quote.valid_until:%b} {quote.valid_until.day}: "
                                  "today's prices and stock apply. Changed prices are marked below.")
    return redirect("orders:checkout", cart_id=cart.id)

@permission_required("orders.change_quote", raise_exception=True)
@require_POST
def quote_revise_start(request, quote_number: int):
    """`Revise quote`: the line editor opens on the newest version's lines."""
    quote = get_object_or_404(Quote, number=quote_number)
    if not quote.can_change:
        messages.error(request, f"Quote {quote} is {quote.get_state_display().lower()}: it cannot be revised.")
        return redirect(quote)
    version = quote_version(quote)
    edit = QuoteEdit.create(request.session, quote_number=quote.number, version=quote.version,
                            store=store_of(version.store))
    return redirect("orders:quote_edit", quote_number=quote.number, revision_id=edit.id)

@permission_required("orders.change_quote", raise_exception=True)
@require_POST
def quote_edit_save(request, quote_number: int, revision_id: str):
    """`Save quote`: the revised lines become the quote's next version."""
    found = _load_quote_edit(request, quote_number, revision_id)
    if isinstance(found, HttpResponse):
        return found
    form = QuoteTermsForm(request.POST, prefix="quote")
    if not form.is_valid():
        return render_lines(request, found, status=400, quote_form=form)
    edit, quote = found.store, found.quote
    try:
        saved = quote_revise(quote=quote, version=edit.version, review=quote_review(edit, quote), terms=_terms(form),
                             actor=request.user)
    except OrderRefused as refused:
        return render_lines(request, found, status=400, quote_form=form, quote_problems=refused.problems)
    edit.discard()
    messages.success(request, f"Quote {saved} saved as version {saved.version}.")
    return redirect(saved)

@permission_required("orders.change_quote", raise_exception=True)
@require_POST
def quote_edit_discard(request, quote_number: int, revision_id: str):
    if edit := QuoteEdit.get(request.session, revision_id, quote_number):
        edit.discard()
    messages.info(request, "The changes to the quote were discarded.")
    return redirect("orders:quote", quote_number=quote_number)

def _load_quote_edit(request, quote_number: int, revision_id: str) -> Lines | HttpResponse:
    """The quote and this session's revision of it named in the URL; else, with a message, the quote's page."""
    quote = get_object_or_404(Quote.objects.select_related("customer"), number=quote_number)
    edit = QuoteEdit.get(request.session, revision_id, quote_number)
    if edit is None or not quote.can_change:
        if edit is not None:
            edit.discard()
        messages.info(request, "That revision was not found: it was saved or discarded. Press Revise quote to start "
                               "again." if edit is None else f"Quote {quote} can no longer be revised.")
        return redirect(quote)
    return Lines(edit, quote=quote)

def quote_frame(request, lines: Lines, review, *, add_form, paste_focus, quote_form=None,
                quote_problems=()) -> tuple[str, dict]:
    """The revision's page: the quote, its lines in the line editor, and `Save quote` with its terms."""
    quote = lines.quote
    return "orders/quotes/quote_edit.html", {
        "quote": quote, "edit": lines.store, "customer": review.customer, "focus_add": not paste_focus,
        "quote_form": quote_form or quote_terms_form(quote), "quote_problems": list(quote_problems),
        "order_totals": False,
    }


KINDS["quote_edit"] = StoreKind("orders.change_quote", _load_quote_edit,
                                lambda lines: quote_review(lines.store, lines.quote), quote_frame)
