"""The order list (search, filters, keyset pages) and its CSV export."""

import csv
from datetime import datetime

from django.contrib.auth.decorators import permission_required
from django.http import StreamingHttpResponse
from django.shortcuts import render
from django.utils import timezone

from orders.forms import _filter_form, _query
from orders.reporting.dashboard import dashboard as dashboard_data
from orders.selectors import order_export_pages


@permission_required("orders.view_dashboard", raise_exception=True)
def dashboard(request):
    return render(request, "orders/reporting/dashboard.html", dashboard_data())


EXPORT_HEADER = ["Order", "Placed at", "Customer", "Company", "Email", "Channel", "Status", "Taken by",
                 "Shipping method", "Payment method", "Subtotal", "Shipping", "Tax", "Total", "Confirmation email",
                 "Credited", "Refunded", "Backordered", "Hold reason"]


# A spreadsheet runs a cell that starts with one of these as a formula (CSV injection): such cells get a quote.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


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
            order.get_confirmation_state_display(), order.amount_credited, order.amount_refunded,
            order.quantity_backordered, order.hold_reason]


def _local(moment: datetime) -> str:
    return timezone.localtime(moment).strftime("%Y-%m-%d %H:%M")


def excel_safe(value) -> str:
    """``value`` as text a spreadsheet shows as it is: text that would start a formula gets a leading quote."""
    text = "" if value is None else str(value)
    return f"'{text}" if text.startswith(FORMULA_STARTS) else text
