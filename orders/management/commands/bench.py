"""`make bench`: issue 5's benchmark in one run, side by side, printed as a table and saved as JSON."""

import os
import platform
from datetime import UTC, datetime
from pathlib import Path

import django
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.core.management.base import BaseCommand
from django.db import connection
from django.test import Client, override_settings
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.plugins.otp_totp.models import TOTPDevice

from orders.benchmark import http_load, pages, placing
from orders.benchmark.measure import report, write_json
from orders.management.commands.seed_scale import seed_description, seeded_with

FULL = {"repeats": 15, "service_orders": 200, "rounds": 3, "worker_orders": 100, "clients": 8, "seconds": 20.0}
QUICK = {"repeats": 3, "service_orders": 10, "rounds": 2, "worker_orders": 5, "clients": 2, "seconds": 2.0}


class Command(BaseCommand):
    help = "Seed (or reuse) the scale data and measure searches, pages, order placing and HTTP checkout."

    def add_arguments(self, parser):
        parser.add_argument("--customers", type=int, default=1_000_000)
        parser.add_argument("--products", type=int, default=100_000)
        parser.add_argument("--orders", type=int, default=1_000_000)
        parser.add_argument("--seed", type=int, default=1)
        parser.add_argument("--force", action="store_true", help="Let seed_scale replace non-seed data.")
        parser.add_argument("--quick", action="store_true", help="Few repeats and a short load: a smoke run.")
        parser.add_argument("--repeats", type=int, help="Timed repeats per page (after one warm-up).")
        parser.add_argument("--http-clients", type=int)
        parser.add_argument("--http-seconds", type=float)
        parser.add_argument("--json", type=Path, default=settings.BASE_DIR / "var" / "bench.json")

    def handle(self, *args, **options):
        plan = dict(QUICK if options["quick"] else FULL)
        for key, option in (("repeats", "repeats"), ("clients", "http_clients"), ("seconds", "http_seconds")):
            if options[option] is not None:
                plan[key] = options[option]
        self.ensure_data(options)
        user = self.bench_user()
        rows = self.page_rows(user, plan["repeats"])
        self.stdout.write("Placing orders ...")
        rows += placing.service_rows(user, orders=plan["service_orders"], rounds=plan["rounds"], workers=4,
                                     worker_orders=plan["worker_orders"])
        rows += self.load_rows(plan)
        meta = self.meta(options, plan)
        self.stdout.write(report(rows, self.header(meta)))
        write_json(options["json"], rows, meta)
        self.stdout.write(f"\nJSON: {options['json']}")

    def ensure_data(self, options) -> None:
        sizes = {key: options[key] for key in ("customers", "products", "orders", "seed")}
        if seeded_with() == seed_description(**sizes):
            self.stdout.write(f"Reusing the scale data ({seed_description(**sizes)}).")
            return
        call_command("seed_scale", force=options["force"], verbosity=options["verbosity"], stdout=self.stdout,
                     **sizes)

    @staticmethod
    def bench_user():
        user, _ = get_user_model().objects.get_or_create(username="bench")
        user.is_staff = user.is_superuser = user.is_active = True
        user.set_unusable_password()  # the test client logs in without one
        user.save()
        return user

    @staticmethod
    def past_second_factor(client: Client, user) -> None:
        """Superusers enter a code after their password; the bench's session counts as having done so."""
        device, _ = TOTPDevice.objects.get_or_create(user=user, name="bench", defaults={"confirmed": True})
        session = client.session
        session[DEVICE_ID_SESSION_KEY] = device.persistent_id
        session.save()

    def page_rows(self, user, repeats: int) -> list:
        self.stdout.write("Timing pages ...")
        # The peer admin is mounted for this run only; the test client speaks plain HTTP as 'testserver'.
        with override_settings(ROOT_URLCONF="orders.benchmark.urls", SECURE_SSL_REDIRECT=False,
                               ALLOWED_HOSTS=[*settings.ALLOWED_HOSTS, "testserver"]):
            client = Client()
            client.force_login(user)
            self.past_second_factor(client, user)
            cart_ids = pages.carts(client, lines=50)
            bench = pages.PageBench(client, repeats)
            terms = pages.pick_terms()
            return (pages.customer_search_rows(bench, terms, cart_ids["empty"])
                    + pages.product_rows(bench, cart_ids["empty"])
                    + pages.order_page_rows(bench, terms, cart_ids))

    def load_rows(self, plan) -> list:
        if connection.vendor != "postgresql":
            return http_load.skipped_rows("needs PostgreSQL (SQLite test databases live in memory)")
        self.stdout.write(f"Checkout over HTTP for {plan['seconds']:g} s ...")
        return http_load.load_rows(clients=plan["clients"], seconds=plan["seconds"], workers=2,
                                   log=settings.BASE_DIR / "var" / "bench-gunicorn.log")

    @staticmethod
    def meta(options, plan) -> dict:
        with connection.cursor() as cursor:
            cursor.execute("SELECT version()" if connection.vendor == "postgresql" else "SELECT sqlite_version()")
            database = cursor.fetchone()[0]
        memory = next((line.split()[1] for line in Path("/proc/meminfo").read_text().splitlines()
                       if line.startswith("MemTotal")), "0")
        return {
            "when": datetime.now(UTC).isoformat(timespec="seconds"),
            "machine": f"{os.cpu_count()} cores, {int(memory) / 1024 / 1024:.0f} GiB, {platform.machine()}",
            "database": database.split(" on ")[0],
            "python": platform.python_version(), "django": django.get_version(),
            "data": seeded_with(), "plan": plan, "debug": settings.DEBUG,
        }

    @staticmethod
    def header(meta) -> str:
        warning = "\nWARNING: DEBUG is on; Django keeps every query, so figures are slower." if meta["debug"] else ""
        return (f"\nBenchmark {meta['when']} on {meta['machine']}, {meta['database']}\n"
                f"Data: {meta['data']}; medians [min-max] over {meta['plan']['repeats']} repeats{warning}")
