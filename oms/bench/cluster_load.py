"""The HTTP checkout load of `make bench` (oms/bench/http_load.py), as clerks keep working while an app node
dies under them: a step that fails (502 from nginx, the request in flight on the killed node) abandons that
cart, which holds no stock; a failed submit is sent again with the same checkout token until it answers, as a
clerk would press Submit again, so the order is placed once either way. Every failure, answered or not, is
kept with the request id the client sent, to be matched with nginx's access log."""

import random
import threading
import time
from collections import Counter
from dataclasses import dataclass, field

import urllib3
from django.urls import reverse

from .http_client import HttpClient, LoadError, Response, read_form, redirected_to
from .http_load import LINES

SUBMIT_TRIES = 20


@dataclass(frozen=True)
class Failure:
    at: float  # epoch seconds
    step: str
    status: int | None  # None: no answer at all
    request_id: str  # the client's X-Request-ID, which nginx logs
    error: str = ""  # what the client saw when there was no answer


@dataclass
class ChaosTally:
    orders: int = 0
    quantities: Counter = field(default_factory=Counter)
    failures: list[Failure] = field(default_factory=list)  # 5xx or no answer: to be explained
    errors: list[str] = field(default_factory=list)  # anything else: a defect
    resubmits: int = 0
    abandoned: int = 0


class StepFailed(Exception):
    pass


def _step(client: HttpClient, tally: ChaosTally, name: str, path: str, form=None, expect: int = 302):
    try:
        response = client.get(path) if form is None else client.post(path, form)
    except urllib3.exceptions.HTTPError as error:
        tally.failures.append(Failure(time.time(), name, None, client.last_request_id, repr(error)))
        raise StepFailed from None
    if response.status_code >= 500:
        tally.failures.append(Failure(time.time(), name, response.status_code, client.last_request_id))
        raise StepFailed
    if response.status_code != expect:
        raise LoadError(f"{name}: {path} answered {response.status_code}, expected {expect}")
    return response


def _submit(client: HttpClient, tally: ChaosTally, action: str, fields) -> Response:
    for attempt in range(SUBMIT_TRIES):
        try:
            return _step(client, tally, "submit", action, fields)
        except StepFailed:
            tally.resubmits += 1
            time.sleep(0.2 * (attempt + 1))
    raise LoadError(f"the checkout submit failed {SUBMIT_TRIES} times")


def chaos_order(client: HttpClient, tally: ChaosTally, products, customer_id: int, rng: random.Random) -> None:
    view, arguments = redirected_to(_step(client, tally, "new", reverse("orders:new"), {}))
    if view != "orders:cart":
        raise LoadError(f"a new order went to {view}, not to its cart")
    cart = arguments["cart_id"]
    chosen = rng.sample(products, LINES)
    for product in chosen:
        _step(client, tally, "add line", reverse("orders:cart_add", args=[cart]),
              {"query": product.sku, "quantity": "1"})
    _step(client, tally, "attach", reverse("orders:attach", args=[cart]), {"customer_id": str(customer_id)})
    checkout = read_form(_step(client, tally, "checkout page", reverse("orders:checkout", args=[cart]), expect=200),
                         "[name=fingerprint]")
    placed = _submit(client, tally, checkout.action, checkout.fields)
    if redirected_to(placed)[0] != "orders:detail":
        raise LoadError(f"checkout went to {placed.headers.get('location')!r}, not to an order")
    tally.orders += 1
    tally.quantities.update(product.pk for product in chosen)


def chaos_client(port, credentials, products, customers, seconds, start, tally: ChaosTally, seed: int) -> None:
    rng = random.Random(seed)
    client = HttpClient(port)
    try:
        client.log_in(*credentials)
    except Exception as error:  # a defect: reported, the run fails
        tally.errors.append(f"login: {error!r}")
    start.wait(timeout=120)
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline and len(tally.errors) < 5:
        try:
            chaos_order(client, tally, products, rng.choice(customers), rng)
        except StepFailed:
            tally.abandoned += 1
            time.sleep(0.2)
        except Exception as error:  # a defect: reported, the run fails
            tally.errors.append(repr(error))
    client.close()


def run_chaos_clients(port, credentials, products, customers, *, clients: int, seconds: float,
                      during=None) -> tuple[list[ChaosTally], float]:
    """``clients`` clients for ``seconds``; ``during(started_at)`` runs in this thread meanwhile (the kills)."""
    tallies = [ChaosTally() for _ in range(clients)]
    start = threading.Barrier(clients + 1)
    threads = [threading.Thread(target=chaos_client, daemon=True,
                                args=(port, credentials, products, customers, seconds, start, tally, 100 + index))
               for index, tally in enumerate(tallies)]
    for thread in threads:
        thread.start()
    start.wait(timeout=120)
    began = time.perf_counter()
    if during is not None:
        during(time.monotonic())
    for thread in threads:
        thread.join(timeout=seconds + 180)
    return tallies, time.perf_counter() - began
