"""Orders that move: the order page with a long timeline, the order list's filters, editing a 20-line order beside
placing one, and Export CSV (rows/s and the exporting process's peak memory)."""

import json
import subprocess
import sys
import time
import uuid
from datetime import timedelta
from functools import partial
from urllib.parse import urlencode

from django.conf import settings
from django.db import connection, transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from catalog.models import Product
from customers.models import Customer
from orders.changes.editing import OrderChange, order_edit_save
from orders.models import Order, OrderEvent
from orders.ordering.checkout import DraftLine, OrderDraft
from orders.ordering.placing import order_place
from orders.pricing.models import ShippingMethod
from orders.selectors import order_timeline_page

from .measure import Row, stats
from .pages import page_row

SECTION = "7. Orders that move: timeline, filters, editing, export"
_page = partial(page_row, SECTION)  # a page of this section: _page(bench, case, url, limit)
TIMELINE_EVENTS = 200
EDIT_LINES = 20


def page_rows(bench, user) -> list[Row]:
    """The order page with a 200-event timeline, and the order list's first page under each filter."""
    order = Order.objects.order_by("-number").first()
    if order is None:
        return [Row(SECTION, "order page, timeline", "skipped: no orders", unit="")]
    missing = TIMELINE_EVENTS - order.events.count()
    if missing > 0:
        OrderEvent.objects.bulk_create(
            OrderEvent(order=order, kind=OrderEvent.Kind.NOTE_ADDED, actor=user,
                       data={"text": f"bench {index}", "visible_to_customer": False}) for index in range(missing))
    rows = [_page(bench, f"order page, {order.events.count()}-event timeline", order.get_absolute_url())]
    page, before = order_timeline_page(order), None
    while page.earlier:  # the order page shows the newest events; Show earlier events leads to these
        before, page = page.earlier, order_timeline_page(order, before=page.earlier)
    if before:
        earliest = f"{order.get_absolute_url()}?before={before}"
        rows.append(_page(bench, "order page, the timeline's earliest events", earliest))
    orders = reverse("orders:list")
    year_ago = timezone.localdate() - timedelta(days=365)
    cases = [("Status cancelled", {"status": "cancelled"}), ("Channel fax", {"channel": "fax"}),
             ("Taken by the bench user", {"taken_by": user.pk}),
             ("From a year ago", {"date_from": year_ago}),
             ("From-To a month a year ago", {"date_from": year_ago, "date_to": year_ago + timedelta(days=30)}),
             ("To a year ago", {"date_to": year_ago}),
             ("Status completed, Channel email", {"status": "completed", "channel": "email"})]
    rows += [_page(bench, f"order list, {label}", f"{orders}?{urlencode(params)}") for label, params in cases]
    return rows


def service_rows(user, *, repeats: int) -> list[Row]:
    """Save an edit of a 20-line order (every quantity up or down by one) beside placing a 20-line order."""
    products = list(Product.objects.filter(is_active=True).filter(Q(stock__gte=1000) | Q(track_inventory=False))
                    .order_by("pk")[:EDIT_LINES])
    customer = Customer.objects.exclude(default_billing_address=None).select_related("default_billing_address").first()
    shipping = ShippingMethod.objects.filter(is_active=True).first()
    if len(products) < 2 or customer is None or shipping is None:
        return [Row(SECTION, "edit and save vs place", "skipped: needs products with stock and a customer", unit="")]
    address = customer.default_billing_address.as_snapshot()

    def place() -> Order:
        draft = OrderDraft(token=uuid.uuid4(), customer_id=customer.pk,
                           lines=tuple(DraftLine(product.pk, 2) for product in products),
                           billing_address=address, shipping_address=address, shipping_method_id=shipping.pk,
                           payment_method=Order.PaymentMethod.ON_ACCOUNT)
        return order_place(draft=draft, placed_by=user).order

    placing = _timed(place, repeats)
    order = place()
    edits = []
    for index in range(repeats):
        order.refresh_from_db(fields=["version"])
        quantities = {product.pk: 3 if (index + rank) % 2 else 1 for rank, product in enumerate(products)}
        change = OrderChange(version=order.version, token=uuid.uuid4().hex, quantities=quantities)
        edits.append(_seconds(lambda change=change: order_edit_save(order=order, change=change, actor=user)))
    label = f"{len(products)} lines"
    return [_rate_row(f"edit and save, {label}", edits), _rate_row(f"place a new order, {label}", placing)]


def _seconds(call) -> float:
    started = time.perf_counter()
    with transaction.atomic():  # as a request does (ATOMIC_REQUESTS aside): one commit per call
        call()
    return time.perf_counter() - started


def _timed(call, repeats: int) -> list[float]:
    return [_seconds(call) for _ in range(repeats)]


def _rate_row(case: str, seconds: list[float]) -> Row:
    timing = stats([second * 1000 for second in seconds])
    return Row(SECTION, case, timing, extra={"orders/s": f"{1000 / timing.median:.0f}"})


def export_rows() -> list[Row]:
    """Export CSV of every order, in a fresh process as a server worker would run it: rows/s and its peak RSS."""
    if connection.vendor != "postgresql":
        return [Row(SECTION, "Export CSV, every order", "skipped: needs PostgreSQL (a second process)", unit="")]
    from .http_load import server_environment

    result = subprocess.run([sys.executable, "-m", "oms.bench.export_probe"], cwd=settings.BASE_DIR,
                            env=server_environment(),
                            capture_output=True, text=True, timeout=3600, check=False)
    if result.returncode:
        raise RuntimeError(f"the export probe failed: {result.stderr[-2000:]}")
    probe = json.loads(result.stdout.strip().splitlines()[-1])
    rate = probe["rows"] / probe["seconds"] if probe["seconds"] else 0
    return [
        Row(SECTION, f"Export CSV, {probe['rows']:,} orders", f"{rate:,.0f}", unit="rows/s",
            extra={"seconds": f"{probe['seconds']:.1f}", "MB": f"{probe['bytes'] / 2**20:.1f}"}),
        Row(SECTION, "Export CSV, peak RSS of the exporting process", f"{probe['peak_mb']:.0f}", unit="MB",
            target="<= 150 MB", met=probe["peak_mb"] <= 150,
            extra={"before export": f"{probe['start_mb']:.0f} MB"}),
    ]
