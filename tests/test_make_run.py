"""`make run` is one command for the development server and a task worker, and Ctrl-C stops both."""

import os
import signal
import subprocess
import time
from pathlib import Path

import pytest
import urllib3
from django.urls import reverse

from oms.bench.http_client import get_status
from oms.bench.http_load import free_port
from orders.models import Order
from tests.helpers import ROOT
from tests.queueing import DATABASE_TASKS, database_url, place_with_confirmation, wait_for


def alive(pid: int) -> bool:
    """Running (a zombie has stopped: only its exit status waits to be read)."""
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0] != "Z"
    except OSError:
        return False


def descendants(pid: int) -> set[int]:
    children = set()
    for entry in Path("/proc").iterdir():
        if entry.name.isascii() and entry.name.isdecimal():
            try:
                parent = int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1])
            except OSError:
                continue
            if parent == pid:
                children |= {int(entry.name)} | descendants(int(entry.name))
    return children


@pytest.mark.django_db(transaction=True)
def test_make_run_serves_pages_and_sends_emails_and_ctrl_c_stops_both(settings, checkout_setup, tmp_path):
    settings.TASKS = DATABASE_TASKS
    order = place_with_confirmation(checkout_setup)
    port = free_port()
    env = os.environ | {"DATABASE_URL": database_url(), "DEBUG": "1", "TASKS_BACKEND": "database",
                        "EMAIL_BACKEND": "django.core.mail.backends.filebased.EmailBackend",
                        "EMAIL_FILE_PATH": str(tmp_path)}
    env.pop("OMS_TOOLING", None)
    # -o: the venv, the front-end packages and the .env are taken as made (the checkout keeps no test .env).
    run = subprocess.Popen(["make", "--no-print-directory", "-o", ".venv/.installed", "-o", "node_modules/.installed",
                            "-o", ".env", "run", f"PORT={port}"], cwd=ROOT, env=env, stdout=subprocess.PIPE,
                           stderr=subprocess.STDOUT, text=True, start_new_session=True)
    try:
        login = f"http://127.0.0.1:{port}{reverse('login')}"

        def page_served():
            try:
                return get_status(login) == 200
            except urllib3.exceptions.HTTPError:
                return False

        wait_for(page_served, timeout=90, worker=run)
        wait_for(lambda: Order.objects.get(pk=order.pk).confirmation_state == Order.EmailState.SENT,
                 timeout=30, worker=run)
        assert len(list(tmp_path.iterdir())) == 1  # the worker wrote the email
        processes = descendants(run.pid)
        os.killpg(run.pid, signal.SIGINT)  # what Ctrl-C in the terminal does
        output, _ = run.communicate(timeout=30)
    finally:
        if run.poll() is None:
            os.killpg(run.pid, signal.SIGKILL)
    assert "web.1" in output and "worker.1" in output
    deadline = time.monotonic() + 10
    while any(alive(pid) for pid in processes) and time.monotonic() < deadline:
        time.sleep(0.2)
    assert not [pid for pid in processes if alive(pid)], output[-2000:]
    with pytest.raises(urllib3.exceptions.HTTPError):  # nothing listens on the port any more
        get_status(login)
