"""The README's backup and restore, done for real: pg_dump of a database with orders in it, pg_restore into an
empty database, and the app (gunicorn, production settings) runs on the copy: healthy, the orders there."""

import json
import shutil
import subprocess
import sys
import uuid

import pytest
from django.contrib.auth.models import Group
from django.db import connection
from django.urls import reverse

from oms.accounts.roles import ORDER_ENTRY
from oms.bench.cluster import Process, app_node, cluster_environment, login_url, wait_http
from oms.bench.http_client import HttpClient
from oms.bench.http_load import free_port
from tests.factories import UserFactory
from tests.helpers import ROOT
from tests.queueing import database_url, place_with_confirmation

pytestmark = [
    pytest.mark.skipif(connection.vendor != "postgresql", reason="pg_dump and pg_restore are PostgreSQL's"),
    pytest.mark.skipif(not shutil.which("pg_dump"), reason="needs PostgreSQL's client programs"),
]


def run(*command: str) -> None:
    subprocess.run(command, check=True, capture_output=True, timeout=120)


@pytest.mark.django_db(transaction=True)
def test_a_dump_restores_into_an_empty_database_and_the_app_runs_on_it(checkout_setup, tmp_path):
    # given a database with an order, and a clerk who can log in
    order = place_with_confirmation(checkout_setup, email="restored@example.com")
    clerk = UserFactory(username="clerk")
    clerk.groups.set([Group.objects.get(name=ORDER_ENTRY)])
    source = database_url()
    copy_name = f"{connection.settings_dict['NAME']}_restored_{uuid.uuid4().hex[:6]}"
    copy = source.rsplit("/", 1)[0] + f"/{copy_name}"

    # when it is dumped and restored into an empty database, as the README says
    dump = tmp_path / "oms.dump"
    run("pg_dump", "--format=custom", "--no-owner", f"--file={dump}", source)
    run("createdb", f"--maintenance-db={source}", copy_name)
    node: Process | None = None
    try:
        run("pg_restore", "--no-owner", "--exit-on-error", f"--dbname={copy}", str(dump))
        environment = cluster_environment(free_port()) | {"DATABASE_URL": copy}
        subprocess.run([sys.executable, "manage.py", "migrate", "--check"], cwd=ROOT, env=environment, check=True,
                       capture_output=True, timeout=120)  # nothing pending
        port = free_port()
        node = app_node(9, port, environment, tmp_path).start()
        wait_http(node, login_url(port))

        # then the app runs on the copy: healthy, every migration applied, and the order is there
        client = HttpClient(port)
        health = client.get(reverse("healthz"))
        assert health.status_code == 200 and json.loads(health.text)["migrations"] == "ok", health.text
        client.log_in("clerk", "correct horse battery staple")
        page = client.get(reverse("orders:detail", args=[order.number]))
        assert page.status_code == 200 and "restored@example.com" in page.text
    finally:
        if node:
            node.stop()
        run("dropdb", f"--maintenance-db={source}", "--if-exists", "--force", copy_name)
