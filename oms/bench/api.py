"""The API and webhooks, as an integration meets them: the order list's first page and a search by a common surname
through the test client with a real token (the pages' way, section 3), orders placed with POST /api/v1/orders/ over
HTTP against gunicorn under the checkout load's clients (section 5-6), and one task worker sending order.placed
deliveries to a receiver on loopback (oms/bench/webhook_receiver.py).

The token is the bench Manager's (past the second factor, as a Manager's token must be), made for the run and
revoked at its end. Each order of the load carries an Idempotency-Key of its own; the orders reconcile as
checkout's do. The load's server runs with the rate limit lifted (API_RATE): one token at 600 a minute would cap
the figure at the limit, not at what the server does."""

import json
import random
import time
import uuid
from pathlib import Path
from urllib.parse import urlencode

import urllib3
from django.db import connection
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice
from django_tasks_db.models import DBTaskResult

from oms.api.models import ApiToken
from oms.api.services import api_token_create, api_token_revoke

from . import http_load, webhook_receiver
from .http_client import HOST, LoadError
from .measure import Row, Stats, at_least
from .pages import PageBench, page_row
from .quotes import common_surname

SECTION = "12. The API and webhooks"
TOKEN_NAME = "bench"
# Whatever the rows: the token and its owner, the second factor (role, authenticator), the permissions (2), the
# filter form's staff, the keyset read and the page's orders with their customers.
LIST_QUERIES = 8
LOAD_RATE = "1000000/min"  # the server's API_RATE during the load


class ApiBench(PageBench):
    """PageBench for JSON answers: a row's ``rows`` are the page's results, not table rows."""

    def measure(self, url: str, headers: dict | None = None, repeats: int | None = None,
                warmup: int = 1) -> tuple[Stats, dict]:
        timing, details = super().measure(url, headers, repeats, warmup)
        details["rows"] = len(self.get(url, headers).json()["results"])
        return timing, details


def bench_token(user) -> str:
    """A new API token of ``user`` (earlier runs' revoked) and its key. A Manager's token works only with a
    confirmed authenticator: the bench's (bench.past_second_factor makes the same one)."""
    TOTPDevice.objects.get_or_create(user=user, name="bench", defaults={"confirmed": True})
    for pk in ApiToken.objects.filter(user=user, name=TOKEN_NAME, revoked_at=None).values_list("pk", flat=True):
        api_token_revoke(user=user, pk=pk)
    return api_token_create(user=user, name=TOKEN_NAME)[1]


def list_rows(key: str, repeats: int) -> list[Row]:
    bench = ApiBench(Client(HTTP_AUTHORIZATION=f"Bearer {key}"), repeats)
    orders = reverse("api:orders")
    bench.get(orders)  # a new token's first request notes its use (a write at most once a minute): not counted
    surname = common_surname()
    first = page_row(SECTION, bench, "API order list, first page", orders, queries=LIST_QUERIES)
    search = page_row(SECTION, bench, "API order list, search by customer name",
                      f"{orders}?{urlencode({'q': surname})}", queries=LIST_QUERIES)
    search.extra = {"q": surname} | search.extra
    return [first, search]


# --- placing orders over HTTP -------------------------------------------------------------------
def api_order(http: urllib3.HTTPConnectionPool, key: str, tally: http_load.Tally, products, customer_id: int,
              rng: random.Random) -> None:
    chosen = rng.sample(products, http_load.LINES)
    body = json.dumps({"customer": customer_id, "lines": [{"sku": product.sku, "quantity": 1} for product in chosen]})
    headers = {"Authorization": f"Bearer {key}", "Idempotency-Key": uuid.uuid4().hex,
               "Content-Type": "application/json"}
    started = time.perf_counter()
    reply = http.request("POST", reverse("api:orders"), body=body, headers=headers, redirect=False)
    tally.request_ms.append((time.perf_counter() - started) * 1000)
    if reply.status != 201:
        raise LoadError(f"POST {reverse('api:orders')} answered {reply.status}: {reply.data[:200]!r}")
    tally.orders += 1
    tally.quantities.update(product.pk for product in chosen)


def api_client_loop(port, key, products, customers, seconds, start, tally, seed) -> None:
    rng = random.Random(seed)
    http = urllib3.HTTPConnectionPool(HOST, port, maxsize=1, timeout=30, retries=False)
    start.wait(timeout=120)
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline and tally.orders < http_load.MAX_ORDERS_PER_CLIENT and not tally.errors:
        try:
            api_order(http, key, tally, products, rng.choice(customers), rng)
        except Exception as error:  # counted, reported, and the run fails
            tally.errors.append(repr(error))
    http.close()


def create_load_rows(key: str, *, clients: int, seconds: float, workers: int, log: Path,
                     checkout: str | None = None) -> list[Row]:
    """POST /api/v1/orders/ from ``clients`` threads for ``seconds``, the products and customers checkout's load
    uses (3 lines an order); beside it, the browser checkout's orders/s when section 5-6 ran in the same run."""
    case = f"API order create over HTTP: gunicorn ({workers} workers), {clients} clients, {seconds:g} s"
    if connection.vendor != "postgresql":
        return [Row(SECTION, case, "skipped: needs PostgreSQL (SQLite test databases live in memory)", unit="")]
    products, customers = http_load.load_catalogue()
    before = http_load._snapshot(products)
    since = timezone.now()
    server = http_load.Server(workers=workers, log=log, env=http_load.server_environment() | {"API_RATE": LOAD_RATE})
    try:
        server.wait_ready()
        cpu_before = server.cpu_seconds()
        tallies, elapsed = http_load._run_clients(server.port, key, products, customers, clients, seconds,
                                                  loop=api_client_loop)
        client_cpu = tallies[0].client_cpu
        server_cpu = server.cpu_seconds() - cpu_before
    finally:
        server.stop()
    reconciled = http_load._reconcile(before, products, tallies)
    # The confirmation emails the orders queued are the benchmark's: no worker is to send them to seeded customers.
    DBTaskResult.objects.filter(task_path__endswith=".order_email_send", enqueued_at__gte=since).delete()
    orders = sum(tally.orders for tally in tallies)
    requests = [ms for tally in tallies for ms in tally.request_ms]
    errors = [error for tally in tallies for error in tally.errors]
    rate = orders / elapsed if elapsed else 0.0
    beside = {"browser checkout": f"{checkout} orders/s"} if checkout else {}
    return [
        Row(SECTION, case, f"{rate:.1f}", unit="orders/s", target=">= 100", met=at_least(rate, 100),
            extra=beside | {"orders": orders, "client CPU": f"{client_cpu:.2f} cores",
                            "server CPU": f"{server_cpu * 1000 / max(orders, 1):.0f} ms/order"}),
        Row(SECTION, "API order create: request latency",
            ", ".join(f"p{p} {http_load.percentile(requests, p):.0f}" for p in (50, 95, 99)), unit="ms"),
        Row(SECTION, "API order create: errors", str(len(errors)), unit="", target="0", met=not errors,
            extra={"first": errors[0][:200]} if errors else {}),
        Row(SECTION, "API order create: stock and order counts reconcile", reconciled, unit="", target="exact",
            met=reconciled == "exact"),
    ]


def rows(user, *, repeats: int, clients: int, seconds: float, deliveries: int, log_dir: Path,
         checkout: str | None = None) -> list[Row]:
    key = bench_token(user)
    try:
        result = list_rows(key, repeats)
        result += create_load_rows(key, clients=clients, seconds=seconds, workers=2,
                                   log=log_dir / "bench-api-gunicorn.log", checkout=checkout)
    finally:
        api_token_revoke(user=user, pk=ApiToken.objects.get(prefix=key[:12], user=user).pk)
    return result + webhook_receiver.drain_rows(SECTION, deliveries=deliveries, log=log_dir / "bench-webhooks.log")
