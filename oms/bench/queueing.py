"""The confirmation email's cost to placing an order: queued as a task in the order's transaction (now) beside
sent after commit inside the request (before the task queue), and beside no email at all."""

import random
import uuid
from dataclasses import replace
from functools import partial

from django.test import override_settings
from django_tasks_db.models import DBTaskResult

from orders.models import Order
from orders.ordering.checkout import DraftLine, OrderDraft
from orders.ordering.placing import order_place

from .measure import Row, at_least, stats
from .placing import LINES, Stage, run_serial_with, stage

SETUPS = {
    # the task row is written in the order's transaction; a worker sends it later
    "queued in the transaction (now)": {"TASKS": {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}},
    # the email is built, sent and recorded after commit, before the request answers (as it was)
    "sent after commit in the request (before)": {
        "TASKS": {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}},
    "no email": None,
}
QUIET_MAIL = {"EMAIL_BACKEND": "django.core.mail.backends.dummy.EmailBackend"}


def place_with_confirmation(staged: Stage, rng: random.Random, *, send: bool) -> None:
    customer_id, _, _, address = rng.choice(staged.customers)
    draft = OrderDraft(
        token=uuid.uuid4(), customer_id=customer_id,
        lines=tuple(DraftLine(product.pk, 1) for product in rng.sample(staged.products, LINES)),
        billing_address=address, shipping_address=address, shipping_method_id=staged.shipping.pk,
        payment_method=Order.PaymentMethod.ON_ACCOUNT, send_confirmation=send,
    )
    order_place(draft=draft, placed_by=staged.user)


def confirmation_rows(user, *, orders: int, rounds: int) -> list[Row]:
    section = f"4b. Placing orders ({LINES} lines each) with the confirmation email, one process"
    staged = stage(user, seed=11)
    staged = replace(staged, customers=[customer for customer in staged.customers if customer[2]])
    rates: dict[str, list[float]] = {name: [] for name in SETUPS}
    first_task = set(DBTaskResult.objects.values_list("pk", flat=True))
    for index in range(rounds):
        for name, changes in SETUPS.items():
            with override_settings(**QUIET_MAIL, **(changes or {})):
                place = partial(place_with_confirmation, send=changes is not None)
                rates[name].append(run_serial_with(place, staged, orders, seed=200 + index))
    # The queued emails are the benchmark's: no worker is to send them to the seeded customers.
    DBTaskResult.objects.exclude(pk__in=first_task).delete()
    now, before, none = (stats(rates[name]) for name in SETUPS)
    share = now.median / before.median
    return [
        Row(section, "confirmation queued in the transaction (now)", now, unit="orders/s"),
        Row(section, "confirmation sent after commit in the request (before)", before, unit="orders/s"),
        Row(section, "no confirmation", none, unit="orders/s"),
        Row(section, "now / before", f"{share:.0%}", unit="", target=">= 90%", met=at_least(share, 0.9),
            extra={"now / no confirmation": f"{now.median / none.median:.0%}"}),
    ]
