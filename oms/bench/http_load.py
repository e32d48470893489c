"""Checkout over HTTP under load: gunicorn on 127.0.0.1, clients placing orders through the real
forms (log in, new order, add lines by SKU, attach the customer, read the checkout form, submit).
Loopback only; every loop is bounded by a deadline and an order cap. The clients are http_client's:
urllib3, a third of httpx's CPU per request, which matters when the clients share the machine's cores
with the server they measure."""

import os
import random
import re
import secrets
import signal
import socket
import statistics
import subprocess
import sys
import threading
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import quote

import urllib3
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.db import connection
from django.db.models import Max, Sum
from django.urls import reverse

from catalog.models import Product
from customers.models import Customer
from oms.accounts.roles import ORDER_ENTRY
from orders.models import Order, OrderLine

from .http_client import HOST, HttpClient, LoadError, Response, get_status, read_form, redirected_to
from .measure import Row, at_least, within

LINES = 3
MAX_ORDERS_PER_CLIENT = 100_000
PROCESS_DIR = re.compile(r"[0-9]+")  # /proc/<pid>


# --- the server ---------------------------------------------------------------------------
def free_port() -> int:
    with socket.socket() as probe:
        probe.bind((HOST, 0))
        return probe.getsockname()[1]


def database_url() -> str:
    db = connection.settings_dict
    credentials = quote(db["USER"] or "") + (f":{quote(db['PASSWORD'])}" if db["PASSWORD"] else "")
    return f"postgres://{credentials}@{db['HOST'] or 'localhost'}:{db['PORT'] or 5432}/{db['NAME']}"


def server_environment() -> dict:
    """Production settings, except the plain-HTTP loopback and an email backend that sends nothing."""
    # Without OMS_TOOLING the server runs without the bench app, as production does.
    env = {key: value for key, value in os.environ.items() if not key.startswith("ANYMAIL") and key != "OMS_TOOLING"}
    env.update(
        DATABASE_URL=database_url(), DEBUG="0", SECRET_KEY=os.environ.get("SECRET_KEY") or secrets.token_urlsafe(40),
        SECURE_SSL_REDIRECT="0", STATIC_MANIFEST="0", ALLOWED_HOSTS=HOST, LOG_LEVEL="WARNING",
        EMAIL_BACKEND="django.core.mail.backends.dummy.EmailBackend", DJANGO_SETTINGS_MODULE="oms.settings",
    )
    return env


class Server:
    def __init__(self, *, workers: int, log: Path, env: dict | None = None):
        self.port = free_port()
        self.log = log
        log.parent.mkdir(parents=True, exist_ok=True)
        command = [sys.executable, "-m", "gunicorn", "oms.wsgi:application", "--workers", str(workers),
                   "--bind", f"{HOST}:{self.port}", "--log-level", "warning", "--timeout", "60"]
        with log.open("wb") as output:
            self.process = subprocess.Popen(command, cwd=settings.BASE_DIR, env=env or server_environment(),
                                            stdout=output, stderr=subprocess.STDOUT)

    def wait_ready(self, timeout: float = 30) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise LoadError(f"gunicorn exited: {self.log.read_text()[-2000:]}")
            try:
                if get_status(f"http://{HOST}:{self.port}{reverse('login')}") == 200:
                    return
            except urllib3.exceptions.HTTPError:
                time.sleep(0.2)
        raise LoadError("gunicorn did not answer in time")

    def worker_pids(self) -> list[int]:
        """gunicorn's workers: the processes in /proc whose parent is the master."""
        pids = []
        for entry in Path("/proc").iterdir():
            if PROCESS_DIR.fullmatch(entry.name):
                try:
                    stat = (entry / "stat").read_text()
                except OSError:
                    continue
                if int(stat.rsplit(")", 1)[1].split()[1]) == self.process.pid:
                    pids.append(int(entry.name))
        return pids

    def cpu_seconds(self) -> float:
        """CPU time the workers have used (user + system): per order, a cost that other work on the
        machine does not inflate, unlike the clock."""
        ticks = 0
        for pid in self.worker_pids():
            try:
                fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            ticks += int(fields[11]) + int(fields[12])  # utime, stime (fields 14 and 15 of stat)
        return ticks / os.sysconf("SC_CLK_TCK")

    def peak_rss_mb(self) -> float:
        """The largest peak resident set (VmHWM) among the workers."""
        peaks = []
        for pid in self.worker_pids():
            for line in Path(f"/proc/{pid}/status").read_text().splitlines():
                if line.startswith("VmHWM:"):
                    peaks.append(int(line.split()[1]) / 1024)
        return max(peaks, default=0.0)

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=5)


# --- the load -----------------------------------------------------------------------------
@dataclass
class Tally:
    orders: int = 0
    errors: list[str] = field(default_factory=list)
    request_ms: list[float] = field(default_factory=list)
    order_ms: list[float] = field(default_factory=list)
    step_ms: dict[str, list[float]] = field(default_factory=dict)
    client_cpu: float = 0.0  # cores used by all the clients together (set on the first tally)
    server_cpu: float = 0.0  # CPU seconds the gunicorn workers used during the load (set on the first tally)
    quantities: Counter = field(default_factory=Counter)


def place_order(client: HttpClient, tally: Tally, products: list[Product], customer_id: int, rng) -> None:
    started = time.perf_counter()

    def step(name: str, method: str, path: str, form=None, expect: int = 302) -> Response:
        begun = time.perf_counter()
        response = client.post(path, form) if method == "POST" else client.get(path)
        tally.request_ms.append((time.perf_counter() - begun) * 1000)
        tally.step_ms.setdefault(name, []).append(tally.request_ms[-1])
        if response.status_code != expect:
            raise LoadError(f"{method} {path} answered {response.status_code}, expected {expect}")
        return response

    view, arguments = redirected_to(step("new", "POST", reverse("orders:new"), {}))
    if view != "orders:cart":
        raise LoadError(f"a new order went to {view}, not to its cart")
    cart = arguments["cart_id"]
    chosen = rng.sample(products, LINES)
    for product in chosen:
        step("add line", "POST", reverse("orders:cart_add", args=[cart]), {"query": product.sku, "quantity": "1"})
    step("attach", "POST", reverse("orders:attach", args=[cart]), {"customer_id": str(customer_id)})
    checkout = read_form(step("checkout page", "GET", reverse("orders:checkout", args=[cart]), expect=200),
                         "[name=fingerprint]")
    placed = step("submit", "POST", checkout.action, checkout.fields)
    if redirected_to(placed)[0] != "orders:detail":
        raise LoadError(f"checkout went to {placed.headers.get('location')!r}, not to an order")
    tally.orders += 1
    tally.quantities.update(product.pk for product in chosen)
    tally.order_ms.append((time.perf_counter() - started) * 1000)


def client_loop(port, credentials, products, customers, seconds, start, tally, seed) -> None:
    rng = random.Random(seed)
    client = HttpClient(port)
    try:
        client.log_in(*credentials)
    except Exception as error:  # counted as an error; the run fails on any
        tally.errors.append(f"login: {error!r}")
    start.wait(timeout=120)
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline and tally.orders < MAX_ORDERS_PER_CLIENT and not tally.errors:
        try:
            place_order(client, tally, products, rng.choice(customers), rng)
        except Exception as error:  # counted, reported, and the run fails
            tally.errors.append(repr(error))
    client.close()


def percentile(samples: list[float], share: float) -> float:
    if len(samples) < 2:
        return samples[0] if samples else 0.0
    return statistics.quantiles(samples, n=100, method="inclusive")[int(share) - 1]


def load_catalogue() -> tuple[list[Product], list[int]]:
    """What the load's clients order: 200 well-stocked products, for 500 customers with an address."""
    products = list(Product.objects.filter(is_active=True, track_inventory=True, stock__gte=100)
                    .order_by("-stock", "pk")[:200])
    customers = list(Customer.objects.exclude(default_billing_address=None).order_by("-pk")
                     .values_list("pk", flat=True)[:500])
    return products, customers


def load_rows(*, clients: int, seconds: float, workers: int, log: Path) -> list[Row]:
    section = f"5-6. Checkout over HTTP: gunicorn ({workers} workers), {clients} clients, {seconds:g} s"
    products, customers = load_catalogue()
    credentials = _http_user()
    before = _snapshot(products)
    server = Server(workers=workers, log=log)
    try:
        server.wait_ready()
        cpu_before = server.cpu_seconds()
        tallies, elapsed = _run_clients(server.port, credentials, products, customers, clients, seconds)
        tallies[0].server_cpu = server.cpu_seconds() - cpu_before
        peak = server.peak_rss_mb()
    finally:
        server.stop()
    return _load_report(section, tallies, elapsed, peak, _reconcile(before, products, tallies))


def _run_clients(port, credentials, products, customers, clients, seconds, loop=client_loop):
    """``clients`` threads running ``loop`` (checkout's client_loop, or another with its arguments) together for
    ``seconds``; their tallies and the time they took."""
    tallies = [Tally() for _ in range(clients)]
    start = threading.Barrier(clients + 1)
    threads = [threading.Thread(target=loop, daemon=True,
                                args=(port, credentials, products, customers, seconds, start, tally, index))
               for index, tally in enumerate(tallies)]
    for thread in threads:
        thread.start()
    start.wait(timeout=120)
    began, cpu = time.perf_counter(), time.process_time()
    for thread in threads:
        thread.join(timeout=seconds + 120)
    elapsed = time.perf_counter() - began
    # The clients share the two cores with the server and the database: say how much they took.
    tallies[0].client_cpu = (time.process_time() - cpu) / elapsed
    return tallies, elapsed


def _http_user() -> tuple[str, str]:
    password = secrets.token_urlsafe(16)
    user, _ = get_user_model().objects.get_or_create(username="bench_http", defaults={"is_staff": True})
    user.is_staff = user.is_active = True
    user.set_password(password)
    user.save()
    user.groups.set([Group.objects.get(name=ORDER_ENTRY)])  # a clerk: no second factor
    return user.username, password


def _snapshot(products) -> dict:
    return {
        "last_order": Order.objects.aggregate(last=Max("number"))["last"] or 0,
        "stock": dict(Product.objects.filter(pk__in=[p.pk for p in products]).values_list("pk", "stock")),
    }


def _reconcile(before: dict, products, tallies: list[Tally]) -> str:
    """'exact' when the database holds exactly what the clients saw placed, else what differs."""
    placed = sum(tally.orders for tally in tallies)
    sold = sum((tally.quantities for tally in tallies), Counter())
    new_orders = Order.objects.filter(number__gt=before["last_order"])
    lines = dict(OrderLine.objects.filter(order__in=new_orders).values("product_id")
                 .annotate(units=Sum("quantity")).values_list("product_id", "units"))
    stock = dict(Product.objects.filter(pk__in=[p.pk for p in products]).values_list("pk", "stock"))
    problems = []
    if new_orders.count() != placed:
        problems.append(f"{new_orders.count()} orders in the database, {placed} placed")
    if lines != {pk: units for pk, units in sold.items()}:
        problems.append("order lines differ from what was ordered")
    moved = {pk: before["stock"][pk] - stock[pk] for pk in stock if before["stock"][pk] != stock[pk]}
    if moved != dict(sold):
        problems.append("stock moved differently from what was ordered")
    return "exact" if not problems else "; ".join(problems)


def _load_report(section, tallies, elapsed, peak_mb, reconciled) -> list[Row]:
    orders = sum(tally.orders for tally in tallies)
    requests = [ms for tally in tallies for ms in tally.request_ms]
    whole = [ms for tally in tallies for ms in tally.order_ms]
    errors = [error for tally in tallies for error in tally.errors]
    rate = orders / elapsed if elapsed else 0.0
    latency = ", ".join(f"p{p} {percentile(requests, p):.0f}" for p in (50, 95, 99))
    order_latency = ", ".join(f"p{p} {percentile(whole, p):.0f}" for p in (50, 95, 99))
    return [
        Row(section, "orders placed per second", f"{rate:.1f}", unit="orders/s", target=">= 100",
            met=at_least(rate, 100), extra={"orders": orders, "requests/s": f"{len(requests) / elapsed:.0f}",
                   "client CPU": f"{tallies[0].client_cpu:.2f} cores",
                   "server CPU": f"{tallies[0].server_cpu * 1000 / max(orders, 1):.0f} ms/order"}),
        Row(section, "request latency (7 requests per order)", latency, unit="ms"),
        Row(section, "whole-order latency", order_latency, unit="ms"),
        Row(section, "median per request", _per_step(tallies), unit="ms"),
        Row(section, "errors", str(len(errors)), unit="", target="0", met=not errors,
            extra={"first": errors[0][:200]} if errors else {}),
        Row(section, "stock and order counts reconcile", reconciled, unit="", target="exact",
            met=reconciled == "exact"),
        Row(section, "peak RSS of a gunicorn worker (VmHWM)", f"{peak_mb:.0f}", unit="MB", target="<= 150",
            met=within(peak_mb, 150)),
    ]


def _per_step(tallies: list[Tally]) -> str:
    steps: dict[str, list[float]] = {}
    for tally in tallies:
        for name, samples in tally.step_ms.items():
            steps.setdefault(name, []).extend(samples)
    return ", ".join(f"{name} {statistics.median(samples):.0f}" for name, samples in steps.items())


def skipped_rows(reason: str) -> list[Row]:
    return [Row("5-6. Checkout over HTTP", "gunicorn load", f"skipped: {reason}", unit="")]

