"""Quotes: the quotes list, a quote's page and PDF, `Send quote` and `Withdraw quote`. Saving a quote from the
cart, revising it in the line editor and converting it are the line pipeline's (orders.ordering.views.quotes)."""

from django.contrib import messages
from django.contrib.auth.decorators import permission_required
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from oms.core.forms import SearchBoxForm, parse_id
from oms.core.search import search_query
from orders.lifecycle import OrderRefused
from orders.quotes.documents import quote_filename, quote_html, quote_pdf
from orders.quotes.forms import QuoteFilterForm, WithdrawForm
from orders.quotes.models import Quote
from orders.quotes.selectors import quote_for_page, quote_search_page, quote_timeline, quote_version, quote_versions
from orders.quotes.services import quote_send, quote_withdraw


@permission_required("orders.view_quote", raise_exception=True)
def quote_detail(request, quote_number: int, *, withdraw_form: WithdrawForm | None = None, problems=()):
    quote = quote_for_page(quote_number) or quote_not_found()
    version = quote_version(quote, parse_id(request.GET.get("version", "")))
    context = {"quote": quote, "version": version, "versions": quote_versions(quote),
               "events": quote_timeline(quote), "withdraw_form": withdraw_form or WithdrawForm(),
               "problems": list(problems), "can_place": request.user.has_perm("orders.place_order")}
    return render(request, "orders/quotes/quote_detail.html", context,
                  status=400 if withdraw_form or problems else 200)


@permission_required("orders.view_quote", raise_exception=True)
def quote_document(request, quote_number: int, pdf: bool = False):
    """`Quote PDF` (and its print-ready page): the version asked for (?version=N), else the newest."""
    quote = quote_for_page(quote_number) or quote_not_found()
    version = quote_version(quote, parse_id(request.GET.get("version", "")))
    paper = request.GET.get("paper")
    if not pdf:
        return HttpResponse(quote_html(quote, version, paper=paper))
    response = HttpResponse(quote_pdf(quote, version, paper=paper), content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{quote_filename(quote, version)}"'
    return response


@permission_required("orders.change_quote", raise_exception=True)
@require_POST
def quote_send_view(request, quote_number: int):
    quote = get_object_or_404(Quote, number=quote_number)
    try:
        to = quote_send(quote=quote, actor=request.user)
    except OrderRefused as refused:
        messages.error(request, refused.problems[0])
    else:
        messages.success(request, f"Quote {quote} queued to be emailed to {to}, with its PDF.")
    return redirect(quote)


@permission_required("orders.change_quote", raise_exception=True)
@require_POST
def quote_withdraw_view(request, quote_number: int):
    quote = get_object_or_404(Quote, number=quote_number)
    form = WithdrawForm(request.POST)
    if not form.is_valid():
        return quote_detail(request, quote_number, withdraw_form=form)
    try:
        quote_withdraw(quote=quote, reason=form.cleaned_data["reason"], actor=request.user)
    except OrderRefused as refused:
        messages.error(request, refused.problems[0])
    else:
        messages.info(request, f"Quote {quote} withdrawn; any stock it reserved is free again.")
    return redirect(quote)


@permission_required("orders.view_quote", raise_exception=True)
def quote_list(request):
    form = QuoteFilterForm(request.GET)
    form.is_valid()  # a field with an error filters nothing and shows its message
    query, filters = search_query(request), form.filters()
    page = quote_search_page(query, **filters, after=request.GET.get("after"), before=request.GET.get("before"))
    search_form = SearchBoxForm(query, help_text="Quote number, or the customer's name, company, email or phone.")
    context = {"page": page, "query": query, "form": form, "search_form": search_form,
               "filtered": any(filters.values())}
    return render(request, "orders/quotes/quote_list.html", context, status=400 if form.errors else 200)


def quote_not_found():
    raise Http404("No such quote.")
