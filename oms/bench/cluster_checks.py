"""What `make cluster` does to the cluster and what it checks afterwards: the kills, the one-worker email rate,
the reconciliation of orders, stock, emails, webhooks and tasks, and the printed figures."""

import time
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

from django.db import transaction
from django.db.models import Max, Min
from django_tasks import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from oms.webhooks.models import Delivery, EventType
from orders.models import Order
from orders.notifications.tasks import order_email_enqueue

from .cluster import ClusterError, Process, read_access_log
from .http_load import _reconcile, percentile
from .smtp_sink import read_log
from .webhook_receiver import Receiver


@dataclass
class Chaos:
    node: Process
    worker: Process
    node_killed_at: float = 0.0
    node_back_at: float = 0.0
    worker_killed_at: float = 0.0
    killed_task: DBTaskResult | None = None  # the task the killed worker was running
    restarted_node: Process | None = None

    def kill_node(self) -> None:
        self.node_killed_at = time.time()
        self.node.kill()

    def kill_worker(self, worker_id: str, hold: Path, *, wait: float = 5.0) -> None:
        """SIGKILL the worker while it waits for the sink's answer to a message the sink has already taken (the
        sink holds its answers while ``hold`` exists), when it runs a task within ``wait`` seconds."""
        hold.touch()
        try:
            deadline = time.monotonic() + wait
            running = DBTaskResult.objects.running().filter(worker_ids__contains=[worker_id])
            while time.monotonic() < deadline and not running.exists():
                time.sleep(0.01)
            time.sleep(0.5)  # the message is at the sink, which holds its "250" for 2 s
            self.killed_task = running.first()
            self.worker_killed_at = time.time()
            self.worker.kill()
        finally:
            hold.unlink()


def wait_drained(timeout: float = 90) -> float:
    """Seconds until no task is due, scheduled or running."""
    started = time.monotonic()
    pending = DBTaskResult.objects.filter(status__in=[TaskResultStatus.READY, TaskResultStatus.RUNNING])
    while pending.exists():
        if time.monotonic() - started > timeout:
            raise ClusterError(f"{pending.count()} task(s) still waiting or running after {timeout:.0f} s")
        time.sleep(0.1)
    return time.monotonic() - started


def email_rate(processes: dict, count: int) -> tuple:
    """Emails per second through one worker ("worker 1" alone runs) to the SMTP sink."""
    wait_drained()
    orders = list(Order.objects.exclude(customer_email="").order_by("-number")[:count])
    with transaction.atomic():
        keys = [order_email_enqueue(order=order, kind="confirmation") for order in orders]
    wait_drained()
    tasks = DBTaskResult.objects.filter(args_kwargs__args__2__in=keys)
    span = tasks.aggregate(first=Min("started_at"), last=Max("finished_at"))
    seconds = (span["last"] - span["first"]).total_seconds() if keys else 0.0
    return ("emails per second, one worker to the SMTP sink", len(keys), seconds)


def explain_failures(tallies, chaos: Chaos, run, node_address: str) -> tuple[int, list[str]]:
    """Client failures that were requests in flight on the killed node: nginx sent them there and they
    started before the kill. Returns how many, and the rest, described."""
    access = read_access_log(run)
    explained, unexplained = 0, []
    for failure in (failure for tally in tallies for failure in tally.failures):
        line = access.get(failure.request_id)
        if line and node_address in line.upstreams and line.started <= chaos.node_killed_at + 0.05:
            explained += 1
        else:
            unexplained.append(f"{failure.step} {failure.status or 'no answer'} {failure.error} {failure.request_id} "
                               f"{'-> ' + line.upstreams if line else '(not in nginx log)'}")
    return explained, unexplained


def email_figures(problems: list[str], sink_log) -> dict:
    """Every email asked for reached the sink; twice only from a task that ran twice (its worker killed)."""
    tasks = list(DBTaskResult.objects.filter(task_path__endswith=".order_email_send"))
    requested = {task.args_kwargs["args"][2]: task for task in tasks}
    claims = Counter()
    for task in tasks:
        claims[task.args_kwargs["args"][2]] += len(task.worker_ids)
    received = Counter(entry["key"] for entry in read_log(sink_log))
    duplicates = {key: n for key, n in received.items() if n > 1}
    unexplained_duplicates = [key for key in duplicates if claims[key] < 2]
    states = Counter(task.status for task in DBTaskResult.objects.all())  # every task: emails, webhooks
    _check(problems, not (set(requested) - set(received)), f"{len(set(requested) - set(received))} email(s) never "
           "reached the sink")
    _check(problems, not (set(received) - set(requested)), "the sink got emails nobody asked for")
    _check(problems, not unexplained_duplicates, f"{len(unexplained_duplicates)} email(s) received twice from "
           "a task that ran once")
    _check(problems, set(states) <= {TaskResultStatus.SUCCESSFUL}, f"tasks not successful: {dict(states)}")
    unsent = Order.objects.filter(confirmation_state=Order.EmailState.PENDING).count()
    _check(problems, unsent == 0, f"{unsent} order(s) still waiting for their confirmation")
    failed = Order.objects.filter(confirmation_state=Order.EmailState.FAILED).count()
    _check(problems, failed == 0, f"{failed} confirmation(s) failed")
    return {"emails requested": len(requested), "emails received": sum(received.values()),
            "received twice (worker killed after sending, before recording)": len(duplicates),
            "tasks run more than once": sum(1 for key in requested if claims[key] > 1),
            "tasks": ", ".join(f"{status.lower()} {n}" for status, n in states.items())}


def webhook_figures(problems: list[str], received: list[str]) -> dict:
    """Every order placed produced exactly one order.placed event id, and the receiver got each id; more than
    once only from a delivery whose task ran on two workers (its first worker killed mid-delivery)."""
    rows = list(Delivery.objects.filter(event_type=EventType.ORDER_PLACED)
                .values_list("pk", "event_id", "payload__data__order"))
    placed = Counter(order for _, _, order in rows)
    orders = set(Order.objects.values_list("number", flat=True))
    deliveries = {pk: event_id for pk, event_id, _ in rows}
    claims = Counter()
    for task in DBTaskResult.objects.filter(task_path__endswith=".webhook_deliver"):
        claims[deliveries.get(task.args_kwargs["args"][0])] += len(task.worker_ids)
    got = Counter(received)
    emitted = set(deliveries.values())
    duplicates = {event_id for event_id, n in got.items() if n > 1}
    unexplained = [event_id for event_id in duplicates if claims[event_id] < 2]
    _check(problems, set(placed) == orders, f"{len(orders - set(placed))} order(s) with no order.placed event, "
           f"{len(set(placed) - orders)} event(s) of no order")
    _check(problems, max(placed.values(), default=1) == 1, "an order produced more than one order.placed event")
    _check(problems, emitted <= set(got), f"{len(emitted - set(got))} order.placed event(s) never reached the receiver")
    _check(problems, set(got) <= emitted, "the receiver got events nobody sent")
    _check(problems, not unexplained, f"{len(unexplained)} event(s) received twice from a delivery that ran once")
    undelivered = Delivery.objects.exclude(status=Delivery.Status.SUCCEEDED).count()
    _check(problems, undelivered == 0, f"{undelivered} webhook delivery(ies) not succeeded")
    return {"order.placed events (one per order)": len(emitted), "webhooks received": len(received),
            "webhooks received twice (worker killed mid-delivery)": len(duplicates)}


def _check(problems: list[str], ok: bool, problem: str) -> None:
    if not ok:
        problems.append(problem)


def reconcile(*, before, products, tallies, chaos: Chaos, run, node_address: str,
              webhooks: Receiver) -> tuple[dict, list[str]]:
    problems: list[str] = []
    drained = wait_drained()
    orders = _reconcile(before, products, tallies)
    _check(problems, orders == "exact", f"orders and stock: {orders}")
    chaos_tallies = [tally for tally in tallies if hasattr(tally, "failures")]
    explained, unexplained = explain_failures(chaos_tallies, chaos, run, node_address)
    _check(problems, not unexplained, f"client errors not explained by the killed node: {unexplained[:5]}")
    errors = [error for tally in tallies for error in tally.errors]
    _check(problems, not errors, f"client errors: {errors[:3]}")
    figures = {"orders placed (all phases)": sum(tally.orders for tally in tallies),
               "orders and stock reconcile": orders,
               "client errors, requests in flight on the killed node": explained,
               "client errors otherwise": len(unexplained) + len(errors),
               "checkout submits sent again (same token)": sum(tally.resubmits for tally in chaos_tallies),
               "carts abandoned after a failed step": sum(tally.abandoned for tally in chaos_tallies),
               "node 1 back after the kill": f"{chaos.node_back_at - chaos.node_killed_at:.1f} s",
               "worker killed while sending an email": _killed_task(chaos),
               "queue drained after the load": f"{drained:.1f} s"}
    figures |= email_figures(problems, run / "sink.jsonl")
    with webhooks.lock:  # read once the queue has drained
        figures |= webhook_figures(problems, list(webhooks.ids))
    return figures, problems


def _killed_task(chaos: Chaos) -> str:
    if chaos.killed_task is None:
        return "no (it ran no task in time)"
    chaos.killed_task.refresh_from_db()
    return f"yes: its task ran again on {chaos.killed_task.worker_ids[1:] or 'no other worker'}"


def report(rows, figures: dict, chaos_tallies, elapsed: float) -> str:
    lines = ["", "== Throughput (this 2-core machine runs clients, nginx, nodes, workers and PostgreSQL)"]
    for row in rows:
        if len(row) == 3 and isinstance(row[1], int):
            label, count, seconds = row
            lines.append(f"{label}: {count / seconds if seconds else 0:.0f} emails/s ({count} in {seconds:.1f} s)")
            continue
        label, tallies, seconds = row
        orders = sum(tally.orders for tally in tallies)
        requests = [ms for tally in tallies for ms in tally.request_ms]
        lines.append(f"{label}: {orders / seconds:.1f} orders/s ({orders} orders, {len(requests) / seconds:.0f} "
                     f"requests/s, p50 {percentile(requests, 50):.0f} ms, p95 {percentile(requests, 95):.0f} ms)")
    orders = sum(tally.orders for tally in chaos_tallies)
    lines += ["", f"== Kill run: {orders} orders in {elapsed:.0f} s ({orders / elapsed:.1f}/s), "
              "one app node and one worker SIGKILLed and restarted"]
    lines += [f"{name}: {value}" for name, value in figures.items()]
    return "\n".join(lines)
