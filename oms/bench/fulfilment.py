"""After placing, as a Manager gets it: the invoice PDF of a 50-line order, a batch PDF of 100 packing slips
(time and the process's peak resident set), the sales dashboard, and an order page with shipments and payments."""

import uuid
from decimal import Decimal
from functools import partial
from pathlib import Path
from types import SimpleNamespace
from unittest import mock

from django.db.models import Q
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from catalog.models import Product
from customers.models import Customer
from orders.fulfilment.models import Carrier
from orders.fulfilment.services import ShipmentRequest, shipment_record
from orders.models import Order
from orders.ordering.checkout import DraftLine, OrderDraft
from orders.ordering.placing import order_place
from orders.payments.services import payment_record
from orders.pricing.models import ShippingMethod
from orders.reporting import dashboard
from orders.reporting.models import DailySales
from orders.reporting.sales import sales_rebuild

from .measure import Row, Stats, time_ms
from .pages import PageBench, page_row

SECTION = "8. Documents, dashboard, fulfilled order page"
_page = partial(page_row, SECTION)  # a page of this section: _page(bench, case, url, limit)


def fulfilled_order(user, lines: int = 50) -> Order:
    """A new order of ``lines`` lines with two payments and two shipments (a partial one, then the rest)."""
    products = list(Product.objects.filter(is_active=True).filter(Q(stock__gte=10) | Q(track_inventory=False))
                    .order_by("pk")[:lines])
    customer = Customer.objects.exclude(default_billing_address=None).order_by("pk").first()
    address = customer.default_billing_address.as_snapshot()
    draft = OrderDraft(token=uuid.uuid4(), customer_id=customer.pk, billing_address=address, shipping_address=address,
                       lines=tuple(DraftLine(product.pk, 1) for product in products),
                       shipping_method_id=ShippingMethod.objects.filter(is_active=True).first().pk,
                       payment_method="check")
    order = order_place(draft=draft, placed_by=user).order
    today = timezone.localdate()
    for amount in (Decimal("10.00"), Decimal("5.00")):
        payment_record(order=order, amount=amount, method="check", reference="Check 1042", received_on=today,
                       actor=user)
    carrier, _ = Carrier.objects.get_or_create(name="Bench Parcel")
    first = {line.pk: 1 for line in order.lines.order_by("pk")[: lines // 2]}
    for quantities in (first, None):
        shipment_record(order=order, actor=user, request=ShipmentRequest(
            carrier=carrier, tracking_numbers=["1Z999AA10123456784"], shipped_on=today, quantities=quantities))
    return order


def rows(client: Client, bench: PageBench, user) -> list[Row]:
    if Order.objects.exists() and not DailySales.objects.exists():
        sales_rebuild()  # scale data loaded before the summary existed
    order = fulfilled_order(user)
    results = [_page(bench, "invoice PDF, 50-line order", reverse("orders:invoice_pdf", args=[order.number]), 300)]
    results += _batch(client, bench.repeats)
    results.append(_page(bench, "sales dashboard", reverse("orders:dashboard"), 25))
    results.append(_last_seeded_month(bench))
    results.append(_page(bench, "order page with 2 shipments and 2 payments, 50 lines", order.get_absolute_url(), 25))
    return results


def _last_seeded_month(bench: PageBench) -> Row:
    """The dashboard as it is on the last day of sales (the scale data ends before this month, whose charts hold
    only the bench's own orders): a whole month of every product's sales to rank."""
    before = DailySales.objects.filter(orders__gt=0, day__lt=timezone.localdate().replace(day=1))
    last = before.order_by("-day").values_list("day", flat=True).first()
    if last is None:
        return Row(SECTION, "sales dashboard, a month of sales", "skipped: no sales", unit="")
    with mock.patch.object(dashboard, "timezone", SimpleNamespace(localdate=lambda: last)):
        return _page(bench, f"sales dashboard on {last:%d %B %Y}, a month of sales", reverse("orders:dashboard"), 25)


def _batch(client: Client, repeats: int) -> list[Row]:
    numbers = list(Order.objects.order_by("-number").values_list("number", flat=True)[:100])
    data = {"kind": "packing_slip", "order": [str(number) for number in numbers]}

    def post():
        response = client.post(reverse("orders:documents_batch"), data)
        if response.status_code != 200 or response["Content-Type"] != "application/pdf":
            raise RuntimeError(f"batch PDF answered {response.status_code}")

    post()  # warm: fonts and stylesheets loaded once per process
    reset = _reset_peak()
    timing = time_ms(post, repeats=min(repeats, 3), warmup=0)
    peak = _peak_mb()
    return [
        Row(SECTION, f"batch PDF of {len(numbers)} packing slips", timing),
        Row(SECTION, "peak RSS of this process during the batches (VmHWM)", f"{peak:.0f}", unit="MB",
            extra={} if reset else {"note": "peak not reset: includes the run before"}),
    ]


def _reset_peak() -> bool:
    """Linux resets a process's VmHWM when 5 is written to its clear_refs."""
    try:
        Path("/proc/self/clear_refs").write_text("5")
    except OSError:
        return False
    return True


def _peak_mb() -> float:
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    import resource

    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


__all__ = ["Stats", "rows"]
