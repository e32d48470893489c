"""The order list (search, filters, keyset pages) and its CSV export."""

import csv
from datetime import datetime

from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import permission_required
from django.http import StreamingHttpResponse
from django.shortcuts import render
from django.utils import timezone

from customers.models import Customer
from oms.core.forms import SearchBoxForm
from oms.core.search import search_query

from ..forms import OrderFilterForm
from ..lines import Cart
from ..selectors import OrderFilters, order_export_pages, order_search_page

EXPORT_HEADER = ["Order", "Placed at", "Customer", "Company", "Email", "Channel", "Status", "Taken by",
                 "Shipping method", "Payment method", "Subtotal", "Shipping", "Tax", "Total", "Confirmation email"]
# A spreadsheet runs a cell that starts with one of these as a formula (CSV injection): such cells get a quote.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def _filter_form(request) -> OrderFilterForm:
    staff = get_user_model().objects.filter(is_staff=True).order_by("username").values_list("pk", "username")
    form = OrderFilterForm(request.GET, staff=list(staff))
    form.is_valid()  # a field with an error filters nothing and shows its message
    return form


def _query(request) -> str:
    return search_query(request)  # capped, with a message when cut


@permission_required("orders.view_order", raise_exception=True)
def order_list(request):
    form, query = _filter_form(request), _query(request)
    page = order_search_page(query, filters=form.filters(), after=request.GET.get("after"),
                             before=request.GET.get("before"))
    carts = Cart.all(request.session)
    customers = Customer.objects.in_bulk([cart.customer_id for cart in carts if cart.customer_id])
    in_progress = [(cart, customers.get(cart.customer_id)) for cart in carts]
    search_form = SearchBoxForm(query, help_text="Order number, or the customer's name, company, email or phone.")
    context = {"page": page, "query": query, "form": form, "search_form": search_form,
               "filtered": form.filters() != OrderFilters(),
               "in_progress": in_progress}
    return render(request, "orders/order_list.html", context, status=400 if form.errors else 200)


@permission_required("orders.view_order", raise_exception=True)
def order_export(request):
    """Export CSV: the orders the list shows with these filters, one row per order, streamed a page at a time."""
    form = _filter_form(request)
    pages = order_export_pages(_query(request), filters=form.filters())
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
    return StreamingHttpResponse(
        _csv_rows(pages), content_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="orders-{stamp}.csv"'},
    )


class _Line:
    """csv.writer's file: hands back each line it writes."""

    def write(self, text: str) -> str:
        return text


def _csv_rows(pages):
    writer = csv.writer(_Line())
    yield "\ufeff" + writer.writerow(EXPORT_HEADER)  # the BOM tells Excel the file is UTF-8
    for orders in pages:
        yield "".join(writer.writerow([excel_safe(cell) for cell in _row(order)]) for order in orders)


def _row(order) -> list:
    return [order.number, _local(order.created_at), order.customer_name, order.customer.company,
            order.customer_email, order.get_channel_display(), order.get_status_display(),
            order.placed_by.get_username() if order.placed_by else "", order.shipping_method,
            order.get_payment_method_display(),
            order.subtotal, order.shipping, order.tax, order.total,
            order.get_confirmation_state_display()]


def _local(moment: datetime) -> str:
    return timezone.localtime(moment).strftime("%Y-%m-%d %H:%M")


def excel_safe(value) -> str:
    """``value`` as text a spreadsheet shows as it is: text that would start a formula gets a leading quote."""
    text = "" if value is None else str(value)
    return f"'{text}" if text.startswith(FORMULA_STARTS) else text
