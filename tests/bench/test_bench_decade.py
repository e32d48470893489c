"""Section 13's instruments: migrations timed beside a probe of orders, and the probe itself seeing a lock and
whose it is."""

import threading
import time

import pytest
from django.db import transaction

from oms.bench import decade
from tests.factories import OrderFactory
from tests.helpers import postgres_only

pytestmark = [pytest.mark.django_db(transaction=True), postgres_only]


def test_the_probe_reports_how_long_a_lock_on_orders_kept_it_waiting():
    OrderFactory()
    locked, release = threading.Event(), threading.Event()

    def hold_the_table() -> None:
        from django.db import connections

        try:
            with transaction.atomic(), connections["default"].cursor() as cursor:
                cursor.execute("LOCK TABLE orders_order IN ACCESS EXCLUSIVE MODE")
                locked.set()
                release.wait(timeout=10)
        finally:
            connections.close_all()

    holder = threading.Thread(target=hold_the_table)
    with decade.OrderProbe() as probe:
        time.sleep(0.1)  # a few unhindered probes first
        holder.start()
        assert locked.wait(timeout=10)
        time.sleep(1.2)
        release.set()
        holder.join(timeout=10)
        time.sleep(0.1)
    assert min(probe.waits.samples["read"][:2]) < 0.5
    assert max(probe.waits.longest("read"), probe.waits.longest("write")) >= 1.0
    assert "Lock:relation behind 'LOCK TABLE orders_order IN ACCESS EXCLUSIVE MODE'" in probe.watcher.commonest()


def test_migrations_applied_again_since_one_are_each_timed_beside_the_probe():
    OrderFactory()
    rows = decade.migrate_timed(since="orders.0018_held_orders_never_ship")
    assert decade.pending_migrations() == []  # applied again, all of them
    cases = [row.case for row in rows]
    assert "migration orders.0019_quotes on 1 orders" in cases
    for row in rows:
        assert row.met and row.extra["probes"] > 0, row
    assert decade.migrate_timed()[0].value == "none to apply: the data set is migrated"
