"""A decade of orders: what holds locks on the orders tables at 10M rows. Each migration the bench applies to its
data set, timed with the longest a read and a write of an order waited meanwhile, and sales_rebuild, timed with
the longest an order placed during it took."""

import statistics
import threading
import time
import uuid
from collections import Counter
from dataclasses import dataclass, field

from django.core.management import call_command
from django.db import connection, connections
from django.db.migrations.executor import MigrationExecutor
from django.db.models import F

from catalog.models import Product
from customers.models import Customer
from orders.models import Order, OrderLine
from orders.ordering.checkout import DraftLine, OrderDraft
from orders.ordering.placing import order_place
from orders.pricing.models import ShippingMethod
from orders.reporting.sales import sales_rebuild

from .measure import Row, stats

SECTION = "13. Ten million orders: migrations and rebuilds beside live orders"
WAIT_LIMIT = 1.0  # seconds a read or a write of orders may wait on a migration or a rebuild
PROBE_INTERVAL = 0.02
SLOW = 0.1  # a statement running this long is looked at: what it waits on, and behind which statement


class WaitWatcher:
    """From a connection of its own, every 50 ms: while a watched backend's statement has run longer than SLOW,
    what PostgreSQL says it waits on (pg_stat_activity) and the statement of whoever blocks it, counted. A long
    wait is then a lock (and whose) or I/O, not a guess."""

    def __init__(self):
        self.pid: int | None = None
        self.seen: Counter[str] = Counter()
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def watch(self) -> None:
        """Called on the watched thread: its own connection's backend is the one watched."""
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_backend_pid()")
            self.pid = cursor.fetchone()[0]

    def __enter__(self) -> "WaitWatcher":
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self._stop.set()
        self._thread.join(timeout=10)

    def commonest(self) -> str:
        return "; ".join(f"{what} ({count})" for what, count in self.seen.most_common(2)) or "none"

    def _run(self) -> None:
        try:
            while not self._stop.wait(0.05):
                if self.pid is None:
                    continue
                with connection.cursor() as cursor:
                    cursor.execute(
                        "SELECT a.wait_event_type, a.wait_event, (SELECT left(b.query, 60) FROM pg_stat_activity b"
                        " WHERE b.pid = any(pg_blocking_pids(a.pid)) LIMIT 1) FROM pg_stat_activity a"
                        " WHERE a.pid = %s AND a.state = 'active' AND now() - a.query_start > %s * interval '1 s'",
                        [self.pid, SLOW])
                    for kind, event, blocker in cursor.fetchall():
                        self.seen[f"{kind or 'CPU'}:{event or '-'}" + (f" behind {blocker!r}" if blocker else "")] += 1
        finally:
            connections.close_all()


@dataclass
class Waits:
    """The longest (and every) time a probe's statements took, by kind."""

    samples: dict[str, list[float]] = field(default_factory=lambda: {"read": [], "write": []})

    def longest(self, kind: str) -> float:
        return max(self.samples[kind], default=0.0)


class OrderProbe:
    """From a connection of its own, every 20 ms: read the newest order and its lines, and write it (its version
    set to itself), each statement timed; a lock that blocks orders shows as a long statement."""

    def __init__(self):
        self.number = Order.objects.order_by("-number").values_list("number", flat=True).first()
        self.waits = Waits()
        self.watcher = WaitWatcher()
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def __enter__(self) -> "OrderProbe":
        if self.number is not None:
            self.watcher.__enter__()
            self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self._stop.set()
        if self.number is not None:
            self._thread.join(timeout=120)
            self.watcher.__exit__()

    def _run(self) -> None:
        try:
            self.watcher.watch()
            while not self._stop.is_set():
                self._timed("read", lambda: (list(Order.objects.filter(number=self.number).values_list("number")),
                                             list(OrderLine.objects.filter(order_id=self.number).values_list("pk"))))
                self._timed("write", lambda: Order.objects.filter(number=self.number).update(version=F("version")))
                self._stop.wait(PROBE_INTERVAL)
        finally:
            connections.close_all()

    def _timed(self, kind: str, statement) -> None:
        started = time.perf_counter()
        statement()
        self.waits.samples[kind].append(time.perf_counter() - started)


def pending_migrations() -> list[tuple[str, str]]:
    """(app, migration) of every migration not yet applied to this database, in the order migrate applies them."""
    executor = MigrationExecutor(connection)
    plan = executor.migration_plan(executor.loader.graph.leaf_nodes())
    return [(migration.app_label, migration.name) for migration, _ in plan]


def migrate_timed(since: str | None = None) -> list[Row]:
    """Apply the pending migrations one at a time beside an OrderProbe; with ``since`` ("app.name"), first take the
    data set back to that migration, so that every one after it is timed again. A row per migration."""
    if since:
        app, name = since.split(".", 1)
        call_command("migrate", app, name, interactive=False, verbosity=0)
    rows, orders = [], Order.objects.count()
    for app, name in pending_migrations():
        with OrderProbe() as probe:
            started = time.perf_counter()
            call_command("migrate", app, name, interactive=False, verbosity=0)
            seconds = time.perf_counter() - started
        rows.append(_wait_row(f"migration {app}.{name} on {orders:,} orders", seconds, probe))
    return rows or [Row(SECTION, "migrations", "none to apply: the data set is migrated", unit="",
                        extra={"to time again": "manage.py bench --migrations-since APP.NAME"})]


def rebuild_rows(user) -> list[Row]:
    """sales_rebuild of every order, while a second thread places an order (one line) every 100 ms."""
    customer = Customer.objects.exclude(default_billing_address=None).order_by("pk").first()
    product = Product.objects.filter(is_active=True, track_inventory=False).order_by("pk").first()
    shipping = ShippingMethod.objects.order_by("pk").first()
    if not (customer and product and shipping):
        return [Row(SECTION, "sales_rebuild beside placing", "skipped: no scale data", unit="")]
    if connection.vendor != "postgresql":  # one writer at a time: placing would wait for each month by design
        started = time.perf_counter()
        sales_rebuild()
        return [Row(SECTION, f"sales_rebuild of {Order.objects.count():,} orders",
                    f"{time.perf_counter() - started:.1f}", unit="s", extra={"placing beside it": "PostgreSQL only"})]
    address = customer.default_billing_address.as_snapshot()
    placing: list[float] = []
    done = threading.Event()
    watcher = WaitWatcher()

    def place_orders() -> None:
        try:
            watcher.watch()
            while not done.is_set():
                draft = OrderDraft(token=uuid.uuid4(), customer_id=customer.pk, lines=(DraftLine(product.pk, 1),),
                                   billing_address=address, shipping_address=address,
                                   shipping_method_id=shipping.pk, payment_method="check")
                started = time.perf_counter()
                order_place(draft=draft, placed_by=user)
                placing.append(time.perf_counter() - started)
                done.wait(0.1)
        finally:
            connections.close_all()

    placer = threading.Thread(target=place_orders, daemon=True)
    with watcher:
        placer.start()
        started = time.perf_counter()
        try:
            sales_rebuild()
        finally:
            seconds = time.perf_counter() - started
            done.set()
            placer.join(timeout=120)
    timing = stats([second * 1000 for second in placing]) if placing else None
    slowest = max(placing, default=0.0)
    return [
        Row(SECTION, f"sales_rebuild of {Order.objects.count():,} orders", f"{seconds:.1f}", unit="s"),
        Row(SECTION, "placing an order during sales_rebuild: the slowest", f"{slowest * 1000:.0f}", unit="ms",
            target=f"<= {WAIT_LIMIT * 1000:.0f} ms", met=bool(placing) and slowest <= WAIT_LIMIT,
            extra={"orders placed": len(placing),
                   "median": f"{timing.median:.1f} ms" if timing else "none",
                   "slow statements waited on": watcher.commonest()}),
    ]


def _wait_row(case: str, seconds: float, probe: OrderProbe) -> Row:
    waits = probe.waits
    read, write = waits.longest("read"), waits.longest("write")
    reads = waits.samples["read"]
    return Row(SECTION, case, f"{max(read, write) * 1000:.0f}", unit="ms longest wait",
               target=f"<= {WAIT_LIMIT * 1000:.0f} ms", met=max(read, write) <= WAIT_LIMIT,
               extra={"migration": f"{seconds:.1f} s", "longest read": f"{read * 1000:.0f} ms",
                      "longest write": f"{write * 1000:.0f} ms", "probes": len(reads),
                      "median read": f"{statistics.median(reads) * 1000:.1f} ms" if reads else "none",
                      "slow statements waited on": probe.watcher.commonest()})
