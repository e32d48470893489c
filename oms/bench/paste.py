"""Paste lines: 200 pasted lines added to a fresh cart in one request, as staff wait for it with htmx (the Add
lines POST, then the cart body it redirects to)."""

import time
from urllib.parse import urlparse

from django.db import connection
from django.db.models import Q
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from catalog.models import Product
from customers.models import Customer
from orders.ordering.paste import MAX_PASTE_LINES
from orders.ordering.stores import Cart

from .measure import Row, stats, within

SECTION = "3. Order list, customer page, cart and checkout"  # beside the cart's own rows
HTMX = {"HTTP_HX_REQUEST": "true", "HTTP_HX_TARGET": "lines-body"}
FORMATS = ["{sku} {qty}", "{qty} x {sku}", "{sku}\t{qty}", "{sku},{qty}", "{qty} {sku}"]
LIMIT_MS = 150


def paste_text(lines: int) -> str:
    """``lines`` active products in the formats people paste, lower-case SKUs among them."""
    products = (Product.objects.filter(is_active=True).filter(Q(stock__gte=10) | Q(track_inventory=False))
                .order_by("pk").values_list("sku", flat=True)[:lines])
    return "\n".join(FORMATS[index % len(FORMATS)].format(sku=sku.lower() if index % 3 else sku, qty=index % 9 + 1)
                     for index, sku in enumerate(products))


def rows(client: Client, repeats: int) -> list[Row]:
    text = paste_text(MAX_PASTE_LINES)
    lines = text.count("\n") + 1 if text else 0
    if not lines:
        return [Row(SECTION, "Paste lines", "skipped: no active products", unit="")]
    customer_id = Customer.objects.exclude(default_billing_address=None).order_by("pk").values_list("pk", flat=True)
    customer_id = customer_id.first()
    _paste(client, text, customer_id)  # warm-up
    with CaptureQueriesContext(connection) as captured:
        added = _paste(client, text, customer_id)
    queries = len(captured.captured_queries)
    timed = [_paste(client, text, customer_id, timed=True) for _ in range(repeats)]
    post = stats([sample[0] for sample in timed], [sample[2] for sample in timed])
    total = stats([sample[1] for sample in timed], [sample[3] for sample in timed])
    return [Row(SECTION, f"Paste lines: {lines} lines into a cart (Add lines, then the cart body in place)", total,
                target=f"<= {LIMIT_MS} ms", met=within(total, LIMIT_MS) and added == lines,
                extra={"cpu": f"{total.cpu:.1f} ms", "queries": queries,
                       "Add lines POST alone": f"{post} ms (cpu {post.cpu:.1f} ms)", "lines added": added})]


def _paste(client: Client, text: str, customer_id: int | None, *, timed: bool = False):
    """Paste into a new cart; the lines it then has, or (POST ms, POST + cart body ms, and their CPU ms)."""
    session = client.session
    cart = Cart.create(session, customer_id=customer_id)
    session.save()
    started, started_cpu = time.perf_counter(), time.process_time()
    response = client.post(reverse("orders:cart_paste", args=[cart.id]), {"text": text}, **HTMX)
    posted, posted_cpu = time.perf_counter(), time.process_time()
    if response.status_code != 302:
        raise RuntimeError(f"Add lines answered {response.status_code}")
    page = client.get(urlparse(response.url).path, **HTMX)
    ended, ended_cpu = time.perf_counter(), time.process_time()
    if page.status_code != 200:
        raise RuntimeError(f"the cart after a paste answered {page.status_code}")
    session = client.session
    lines = len(Cart.get(session, cart.id))
    Cart.get(session, cart.id).discard()
    session.save()
    if not timed:
        return lines
    return ((posted - started) * 1000, (ended - started) * 1000,
            (posted_cpu - started_cpu) * 1000, (ended_cpu - started_cpu) * 1000)
