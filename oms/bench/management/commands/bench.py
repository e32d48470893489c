"""`make bench`: searches, pages, order placing and HTTP checkout at one scale, side by side with a stock admin,
printed as a table and saved as JSON; then the scale curve over every scale that has results."""

import os
import platform
from datetime import UTC, datetime
from pathlib import Path

import django
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import connection
from django.test import Client, override_settings
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.plugins.otp_totp.models import TOTPDevice

from oms.accounts.roles import MANAGER
from oms.bench import (
    api,
    changes,
    datasets,
    decade,
    fulfilment,
    http_load,
    pages,
    paste,
    placing,
    pricing,
    queueing,
    quotes,
    returns,
    stock,
)
from oms.bench.curve import results_path, scale_curve
from oms.bench.measure import report, write_json
from oms.bench.scales import DEFAULT, SCALES, database_bytes, database_name, use_database

FULL = {"repeats": 15, "service_orders": 200, "rounds": 3, "worker_orders": 100, "clients": 8, "seconds": 20.0,
        "deliveries": 200}
QUICK = {"repeats": 3, "service_orders": 10, "rounds": 2, "worker_orders": 5, "clients": 2, "seconds": 2.0,
         "deliveries": 10}
SIZES = ("customers", "products", "orders")
# the table's section numbers, for --sections
SECTIONS = ("1", "2", "3", "4", "4b", "5-6", "7", "8", "9", "10", "11", "12", "13")
PAGE_SECTIONS = {"1", "2", "3", "7"}  # what --pages-only keeps (of 7: the order page and the list's filters)


class Command(BaseCommand):
    help = ("Seed (or reuse) a scale's data in its own database and measure searches, pages, order placing and "
            "HTTP checkout; then print the scale curve.")

    def add_arguments(self, parser):
        parser.add_argument("--scale", choices=list(SCALES),
                            help=f"Sizes and database (default {DEFAULT}); see oms/bench/scales.py.")
        for size in SIZES:
            parser.add_argument(f"--{size}", type=int,
                                help="Custom sizes instead of a scale, in DATABASE_URL's database as it is.")
        parser.add_argument("--seed", type=int, default=1)
        parser.add_argument("--force", action="store_true", help="Let seed_scale replace non-seed data.")
        parser.add_argument("--quick", action="store_true", help="Few repeats and a short load: a smoke run.")
        parser.add_argument("--repeats", type=int, help="Timed repeats per page (after one warm-up).")
        parser.add_argument("--peer-repeats", type=int,
                            help="Timed repeats of the stock admin's searches (default: as --repeats; 1 at 10m, "
                                 "where each takes 20-110 s; 0 leaves the stock admin out).")
        parser.add_argument("--pages-only", action="store_true",
                            help="Only the pages (sections 1-3; the scale curve needs no more): no order placing, "
                                 "edits, export or HTTP load.")
        parser.add_argument("--sections", nargs="+", choices=SECTIONS, metavar="N",
                            help="Only these sections of the table (e.g. --sections 7 8); default: all of them "
                                 f"({' '.join(SECTIONS)}), or those --pages-only keeps.")
        parser.add_argument("--http-clients", type=int)
        parser.add_argument("--http-seconds", type=float)
        parser.add_argument("--migrations-since", metavar="APP.NAME",
                            help="Take the scale's database back to this migration first, so that every migration "
                                 "after it is applied again and timed (section 13).")
        parser.add_argument("--results", type=Path, default=settings.BASE_DIR / "var",
                            help="Folder of the bench-<scale>.json files (written and read for the curve).")

    def handle(self, *args, **options):
        plan = dict(QUICK if options["quick"] else FULL)
        for key, option in (("repeats", "repeats"), ("clients", "http_clients"), ("seconds", "http_seconds")):
            if options[option] is not None:
                plan[key] = options[option]
        scale, sizes = self.scale_and_sizes(options)
        migration_rows = []
        if scale != "custom":
            migration_rows = self.use_scale_database(scale, since=options["migrations_since"])
        dataset = self.ensure_data(sizes | {"seed": options["seed"]}, options)
        size_bytes = database_bytes()
        user = self.bench_user()
        default_peer = 1 if scale == "10m" else plan["repeats"]
        peer_repeats = default_peer if options["peer_repeats"] is None else options["peer_repeats"]
        plan["peer_repeats"] = min(peer_repeats, plan["repeats"])
        sections = set(options["sections"] or SECTIONS) & (PAGE_SECTIONS if options["pages_only"] else set(SECTIONS))
        rows = self.page_rows(user, plan["repeats"], plan["peer_repeats"], sections)
        if not options["pages_only"]:
            rows += self.other_rows(user, plan, sections)
            if "13" in sections:
                self.stdout.write("sales_rebuild beside placing ...")
                rows += migration_rows + decade.rebuild_rows(user)
        meta = self.meta(scale, plan, dataset, size_bytes)
        self.stdout.write(report(rows, self.header(meta)))
        # Some sections only: saved beside the whole table's file (which the scale curve reads), and no curve.
        part = f"-sections-{'-'.join(sorted(sections))}" if options["sections"] else ""
        path = options["results"] / f"{results_path(options['results'], scale).stem}{part}.json"
        write_json(path, rows, meta)
        self.stdout.write(f"\nJSON: {path}")
        if not part:
            self.stdout.write(scale_curve(options["results"], list(SCALES)))

    def other_rows(self, user, plan, sections: set[str]) -> list:
        rows = []
        if "4" in sections:
            self.stdout.write("Placing orders ...")
            rows += placing.service_rows(user, orders=plan["service_orders"], rounds=plan["rounds"], workers=4,
                                         worker_orders=plan["worker_orders"])
            rows += pricing.service_rows(user, orders=plan["service_orders"], rounds=plan["rounds"])
        if "4b" in sections:
            rows += queueing.confirmation_rows(user, orders=plan["service_orders"], rounds=plan["rounds"])
        if "7" in sections:
            rows += changes.service_rows(user, repeats=plan["repeats"])
            self.stdout.write("Export CSV ...")
            rows += changes.export_rows()
        if "8" in sections:
            rows += self.fulfilment_rows(user, plan["repeats"])
        if "9" in sections:
            rows += self.returns_rows(user, plan["repeats"])
        if "10" in sections:
            rows += self.stock_rows(user, plan["repeats"])
        if "11" in sections:
            rows += self.quote_rows(user, plan["repeats"])
        if "5-6" in sections:
            rows += self.load_rows(plan)
        if "12" in sections:  # after 5-6: its HTTP load is set beside the browser checkout's
            rows += self.api_rows(user, plan, rows)
        return rows

    @staticmethod
    def scale_and_sizes(options) -> tuple[str, dict[str, int]]:
        custom = {size: options[size] for size in SIZES if options[size] is not None}
        if custom and options["scale"]:
            raise CommandError("Give a --scale or custom sizes, not both.")
        if custom:
            defaults = SCALES[DEFAULT].sizes()
            return "custom", defaults | custom
        scale = options["scale"] or DEFAULT
        return scale, SCALES[scale].sizes()

    def use_scale_database(self, scale: str, *, since: str | None) -> list:
        """Switch to the scale's database; a new one is migrated at once, an existing one (its data set) one
        migration at a time beside a probe of orders (section 13's rows)."""
        name = database_name(connection.settings_dict["NAME"], scale)
        created = use_database(name, migrate=False)
        self.stdout.write(f"Scale {scale}: database {name}{' (created)' if created else ''}.")
        if created:
            call_command("migrate", interactive=False, verbosity=0)
            return []
        self.stdout.write("Migrating, each migration timed beside reads and writes of orders ...")
        return decade.migrate_timed(since)

    def ensure_data(self, sizes: dict[str, int], options) -> datasets.Dataset:
        description = datasets.describe(**sizes)
        dataset = datasets.current()
        if dataset is not None and dataset.description == description:
            self.stdout.write(f"Reusing the scale data ({description}).")
            return dataset
        call_command("seed_scale", force=options["force"], verbosity=options["verbosity"], stdout=self.stdout,
                     **sizes)
        return datasets.current()

    @staticmethod
    def bench_user():
        # A Manager, not a superuser: pages pay for permission checks and the second factor as staff do.
        user, _ = get_user_model().objects.get_or_create(username="bench")
        user.is_staff = user.is_active = True
        user.is_superuser = False
        user.set_unusable_password()  # the test client logs in without one
        user.save()
        user.groups.set([Group.objects.get(name=MANAGER)])
        return user

    @staticmethod
    def past_second_factor(client: Client, user) -> None:
        """Managers enter a code after their password; the bench's session counts as having done so."""
        device, _ = TOTPDevice.objects.get_or_create(user=user, name="bench", defaults={"confirmed": True})
        session = client.session
        session[DEVICE_ID_SESSION_KEY] = device.persistent_id
        session.save()

    @staticmethod
    def page_settings():
        # The peer admin is mounted for the run only; the test client speaks plain HTTP as 'testserver'.
        return override_settings(ROOT_URLCONF="oms.bench.urls", SECURE_SSL_REDIRECT=False,
                                 ALLOWED_HOSTS=[*settings.ALLOWED_HOSTS, "testserver"])

    def page_client(self, user) -> Client:
        client = Client()
        client.force_login(user)
        self.past_second_factor(client, user)
        return client

    def page_rows(self, user, repeats: int, peer_repeats: int | None, sections: set[str]) -> list:
        if not sections & PAGE_SECTIONS:
            return []
        self.stdout.write("Timing pages ...")
        with self.page_settings():
            client = self.page_client(user)
            bench = pages.PageBench(client, repeats, peer_repeats)
            rows = []
            if sections & {"1", "2", "3"}:
                cart_ids = pages.carts(client, lines=50)
                terms = pages.pick_terms()
                rows += pages.customer_search_rows(bench, terms, cart_ids["empty"]) if "1" in sections else []
                rows += pages.product_rows(bench, cart_ids["empty"]) if "2" in sections else []
                if "3" in sections:
                    rows += (pages.order_page_rows(bench, terms, cart_ids) + paste.rows(client, repeats)
                             + pricing.page_rows(bench, client))
            return rows + (changes.page_rows(bench, user) if "7" in sections else [])

    def fulfilment_rows(self, user, repeats: int) -> list:
        self.stdout.write("Documents and the dashboard ...")
        with self.page_settings():
            client = self.page_client(user)
            return fulfilment.rows(client, pages.PageBench(client, repeats), user)

    def returns_rows(self, user, repeats: int) -> list:
        self.stdout.write("Returns, credit memos and refunds ...")
        with self.page_settings():
            client = self.page_client(user)
            return returns.rows(client, pages.PageBench(client, repeats), user)

    def stock_rows(self, user, repeats: int) -> list:
        self.stdout.write("Backorders and holds ...")
        with self.page_settings():
            client = self.page_client(user)
            return stock.rows(client, pages.PageBench(client, repeats), user)

    def quote_rows(self, user, repeats: int) -> list:
        self.stdout.write("Quotes (written on first use) ...")
        with self.page_settings():
            client = self.page_client(user)
            return quotes.rows(client, pages.PageBench(client, repeats), user)

    def api_rows(self, user, plan, rows: list) -> list:
        self.stdout.write(f"The API and webhooks (orders over HTTP for {plan['seconds']:g} s) ...")
        checkout = next((row.value for row in rows if row.section.startswith("5-6.")
                         and row.case == "orders placed per second"), None)
        with self.page_settings():
            return api.rows(user, repeats=plan["repeats"], clients=plan["clients"], seconds=plan["seconds"],
                            deliveries=plan["deliveries"], log_dir=settings.BASE_DIR / "var", checkout=checkout)

    def load_rows(self, plan) -> list:
        if connection.vendor != "postgresql":
            return http_load.skipped_rows("needs PostgreSQL (SQLite test databases live in memory)")
        self.stdout.write(f"Checkout over HTTP for {plan['seconds']:g} s ...")
        return http_load.load_rows(clients=plan["clients"], seconds=plan["seconds"], workers=2,
                                   log=settings.BASE_DIR / "var" / "bench-gunicorn.log")

    @staticmethod
    def meta(scale: str, plan, dataset: datasets.Dataset, size_bytes: int) -> dict:
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
            "scale": scale, "data": dataset.description, "seeded_at": dataset.seeded_at.isoformat(),
            "load_seconds": dataset.load_seconds, "database_bytes": size_bytes,
            "plan": plan, "debug": settings.DEBUG,
        }

    @staticmethod
    def header(meta) -> str:
        warning = "\nWARNING: DEBUG is on; Django keeps every query, so figures are slower." if meta["debug"] else ""
        load = f"{meta['load_seconds']:.0f} s" if meta["load_seconds"] is not None else "time not recorded"
        return (f"\nBenchmark {meta['when']} on {meta['machine']}, {meta['database']}\n"
                f"Scale {meta['scale']}: {meta['data']}; seeded {meta['seeded_at'][:10]} ({load}); "
                f"database {meta['database_bytes'] / 2**30:.2f} GiB\n"
                f"Medians [min-max] over {meta['plan']['repeats']} repeats "
                f"(the stock admin: {meta['plan'].get('peer_repeats', meta['plan']['repeats'])}){warning}")
