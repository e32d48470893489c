"""`make cluster`: nginx over two gunicorn app nodes, two task workers, PostgreSQL and an SMTP sink, all local.
Measures HTTP checkout through nginx on one node and on two (with and without REDIS_URL) and emails per second
through one worker; then runs the checkout load while one app node and one worker are SIGKILLed and restarted,
and checks that every order was placed once, stock moved exactly, every confirmation reached the sink (twice
only where the README says it can), every order's signed order.placed webhook reached a receiver (twice only from
a killed worker), no task was lost or stuck, and the only client errors were requests in flight on the killed
node. Prints the figures; exits non-zero when anything does not reconcile."""

import logging
import time

import redis
from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import connection

from catalog.models import Product
from customers.models import Customer
from oms.bench import http_load
from oms.bench.cluster import (
    ClusterError,
    app_node,
    cluster_environment,
    login_url,
    new_ports,
    nginx,
    smtp_sink,
    task_worker,
    wait_http,
)
from oms.bench.cluster_checks import Chaos, email_rate, reconcile, report
from oms.bench.cluster_load import run_chaos_clients
from oms.bench.scales import use_database
from oms.bench.webhook_receiver import Receiver
from oms.webhooks.models import Endpoint, EventType, new_secret

REDIS_URL = "redis://127.0.0.1:6379/13"


class Command(BaseCommand):
    help = "Run the back office on many local processes, kill some, and reconcile (PostgreSQL; needs nginx)."

    def add_arguments(self, parser):
        parser.add_argument("--seconds", type=float, default=30.0, help="Length of the run with the kills.")
        parser.add_argument("--phase-seconds", type=float, default=8.0, help="Length of each throughput phase.")
        parser.add_argument("--clients", type=int, default=4)
        parser.add_argument("--emails", type=int, default=300, help="Emails for the one-worker rate.")
        parser.add_argument("--keep", action="store_true", help="Keep the cluster's database afterwards.")

    def handle(self, *args, **options):
        logging.getLogger("urllib3").setLevel(logging.WARNING)  # not a line per connection
        if connection.vendor != "postgresql":
            raise CommandError("make cluster needs PostgreSQL (it sets its own DATABASE_URL).")
        name = connection.settings_dict["NAME"]
        if "cluster" not in name:
            raise CommandError(f"Refusing to drop and recreate {name!r}: name the cluster's database *cluster*.")
        self.run = settings.BASE_DIR / "var" / "cluster" / time.strftime("%Y%m%d-%H%M%S")
        self.run.mkdir(parents=True)
        self.processes, self.receiver = {}, None
        started = time.monotonic()
        self.fresh_database(name)
        try:
            problems = self.exercise(options)
        finally:
            for process in self.processes.values():
                process.stop()
            if self.receiver is not None:
                self.receiver.close()
            if not options["keep"]:
                connection.close()
                with connection._nodb_cursor() as cursor:
                    cursor.execute(f"DROP DATABASE IF EXISTS {connection.ops.quote_name(name)} WITH (FORCE)")
        self.stdout.write(f"\nWhole run: {time.monotonic() - started:.0f} s; logs in {self.run}")
        if problems:
            raise CommandError("make cluster: " + "; ".join(problems))
        self.stdout.write("make cluster: everything reconciles.")

    def fresh_database(self, name: str) -> None:
        self.stdout.write(f"Database {name}: created afresh, migrated, seeded ...")
        connection.close()
        with connection._nodb_cursor() as cursor:
            cursor.execute(f"DROP DATABASE IF EXISTS {connection.ops.quote_name(name)} WITH (FORCE)")
        use_database(name)
        call_command("seed_scale", customers=400, products=300, orders=0, verbosity=0)

    def exercise(self, options) -> list[str]:
        self.ports = new_ports()
        self.env = cluster_environment(self.ports.smtp)
        products = list(Product.objects.filter(is_active=True, track_inventory=True, stock__gte=1000)
                        .order_by("-stock", "pk")[:100])
        customers = list(Customer.objects.exclude(email="").exclude(default_billing_address=None)
                         .values_list("pk", flat=True))
        self.credentials = http_load._http_user()
        before = http_load._snapshot(products)
        secret = new_secret()
        self.receiver = Receiver(secret)  # closed with the processes
        # Registered as an Administrator would, over http (the admin asks for https unless DEBUG).
        Endpoint.objects.create(url=self.receiver.url, secret=secret, events=[EventType.ORDER_PLACED],
                                description="make cluster's receiver")
        self.start_cluster()
        rows = self.throughput(products, customers, options)
        rows.append(email_rate(self.processes, options["emails"]))
        self.processes["worker 2"] = task_worker("worker-2", self.env, self.run).start()
        chaos = Chaos(node=self.processes["node 1"], worker=self.processes["worker 1"])
        tallies, elapsed = run_chaos_clients(self.ports.two_nodes, self.credentials, products, customers,
                                             clients=options["clients"], seconds=options["seconds"],
                                             during=lambda began: self.kill_and_restart(chaos, began, options))
        figures, problems = reconcile(before=before, products=products, tallies=self.calm_tallies + tallies,
                                      chaos=chaos, run=self.run, node_address=f"127.0.0.1:{self.ports.nodes[0]}",
                                      webhooks=self.receiver)
        if self.receiver.bad_signatures:
            problems.append(f"{self.receiver.bad_signatures} webhook(s) whose signature did not verify")
        self.stdout.write(report(rows, figures, tallies, elapsed))
        return problems

    def start_cluster(self) -> None:
        self.processes["sink"] = smtp_sink(self.ports.smtp, self.run).start()
        for index, port in enumerate(self.ports.nodes, start=1):
            self.processes[f"node {index}"] = app_node(index, port, self.env, self.run).start()
        self.processes["worker 1"] = task_worker("worker-1", self.env, self.run).start()
        self.processes["nginx"] = nginx(self.ports, self.run).start()
        for index, port in enumerate(self.ports.nodes, start=1):
            wait_http(self.processes[f"node {index}"], login_url(port))
        wait_http(self.processes["nginx"], login_url(self.ports.two_nodes))
        self.stdout.write(f"Cluster up: nginx :{self.ports.two_nodes} (:{self.ports.one_node} for node 1 alone), "
                          f"nodes :{self.ports.nodes[0]} :{self.ports.nodes[1]}, SMTP sink :{self.ports.smtp}")

    def restart_nodes(self, env: dict) -> None:
        for index, port in enumerate(self.ports.nodes, start=1):
            self.processes[f"node {index}"].stop()
            self.processes[f"node {index}"] = app_node(index, port, env, self.run).start()
        for index, port in enumerate(self.ports.nodes, start=1):
            wait_http(self.processes[f"node {index}"], login_url(port))

    def throughput(self, products, customers, options) -> list:
        """HTTP checkout through nginx: one node, then two; without REDIS_URL and, when Redis answers, with it."""
        self.calm_tallies, rows = [], []
        try:
            redis.Redis.from_url(REDIS_URL).ping()
            setups = [("", self.env), (" with REDIS_URL", self.env | {"REDIS_URL": REDIS_URL})]
        except redis.ConnectionError:
            setups = [("", self.env)]
            self.stdout.write(f"No Redis at {REDIS_URL}: measuring without it only.")
        for label, env in setups:
            if env is not self.env:
                self.restart_nodes(env)
            for nodes, port in ((1, self.ports.one_node), (2, self.ports.two_nodes)):
                tallies, elapsed = http_load._run_clients(port, self.credentials, products, customers,
                                                          options["clients"], options["phase_seconds"])
                self.calm_tallies += tallies
                rows.append((f"HTTP checkout, {nodes} node{'s' * (nodes > 1)} behind nginx{label}", tallies, elapsed))
        if len(setups) > 1:
            self.restart_nodes(self.env)
        return rows

    def kill_and_restart(self, chaos: Chaos, began: float, options) -> None:
        seconds = options["seconds"]
        time.sleep(max(0.0, began + seconds * 0.25 - time.monotonic()))
        chaos.kill_node()
        time.sleep(2)
        port = self.ports.nodes[0]
        self.processes["node 1"] = chaos.restarted_node = app_node(1, port, self.env, self.run).start()
        wait_http(self.processes["node 1"], login_url(port))
        chaos.node_back_at = time.time()
        time.sleep(max(0.0, began + seconds * 0.55 - time.monotonic()))
        chaos.kill_worker("worker-1", self.run / "sink.hold")
        time.sleep(1)
        self.processes["worker 1"] = task_worker("worker-1b", self.env, self.run).start()
        if not chaos.node_back_at:
            raise ClusterError("node 1 did not come back")
