"""`make cluster`: the back office on many local processes. nginx round-robin over two gunicorn app nodes,
two task workers, PostgreSQL and an SMTP sink (aiosmtpd); each process in its own process group, so that
SIGKILL takes a whole node (master and workers) as a machine's death would."""

import os
import signal
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import urllib3
from django.conf import settings
from django.urls import reverse

from .http_client import HOST, get_status
from .http_load import free_port, server_environment


class ClusterError(Exception):
    pass


class Process:
    """A local process in a process group of its own, its output in ``log``."""

    def __init__(self, name: str, command: list[str], *, env: dict, log: Path):
        self.name, self.command, self.env, self.log = name, command, env, log
        self.process: subprocess.Popen | None = None

    def start(self) -> "Process":
        with self.log.open("ab") as output:
            self.process = subprocess.Popen(self.command, cwd=settings.BASE_DIR, env=self.env, stdout=output,
                                            stderr=subprocess.STDOUT, start_new_session=True)
        return self

    def kill(self) -> None:
        """SIGKILL, to the whole group: nothing gets to clean up."""
        self._signal(signal.SIGKILL)
        self.process.wait(timeout=10)

    def stop(self) -> None:
        if self.process is None or self.process.poll() is not None:
            return
        self._signal(signal.SIGTERM)
        try:
            self.process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            self.kill()

    def _signal(self, number: int) -> None:
        try:
            os.killpg(self.process.pid, number)
        except ProcessLookupError:
            pass

    def check_running(self) -> None:
        if self.process.poll() is not None:
            raise ClusterError(f"{self.name} exited: {self.log.read_text()[-2000:]}")


def wait_http(process: Process, url: str, *, timeout: float = 40) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        process.check_running()
        try:
            if get_status(url) == 200:
                return
        except urllib3.exceptions.HTTPError:
            pass
        time.sleep(0.2)
    raise ClusterError(f"{process.name} did not answer {url} in time")


@dataclass
class Ports:
    smtp: int
    nodes: tuple[int, int]
    one_node: int  # nginx in front of node 1 alone
    two_nodes: int  # nginx round-robin over both


def cluster_environment(smtp_port: int) -> dict:
    """Production settings on plain-HTTP loopback (http_load's), tasks in the database, mail to the sink; one
    SECRET_KEY for every process, as every node of a deployment shares it."""
    env = server_environment()
    env.update(TASKS_BACKEND="database", EMAIL_BACKEND="django.core.mail.backends.smtp.EmailBackend",
               EMAIL_HOST=HOST, EMAIL_PORT=str(smtp_port), EMAIL_TIMEOUT="5", EMAIL_RETRY_SECONDS="1",
               TASK_STUCK_SECONDS="6", LOG_LEVEL="WARNING", LOG_FORMAT="text",
               WEBHOOKS_ALLOW_PRIVATE="1")  # the webhook receiver is on loopback
    env.pop("REDIS_URL", None)
    return env


def app_node(index: int, port: int, env: dict, run: Path) -> Process:
    command = [sys.executable, "-m", "gunicorn", "oms.wsgi:application", "--workers", "2", "--bind",
               f"{HOST}:{port}", "--log-level", "warning", "--timeout", "60"]
    return Process(f"app node {index} (:{port})", command, env=env, log=run / f"node{index}.log")


def task_worker(worker_id: str, env: dict, run: Path) -> Process:
    command = [sys.executable, "manage.py", "worker", "--no-reload", "--no-startup-delay", "--interval", "0.2",
               "--worker-id", worker_id, "--verbosity", "0"]
    return Process(f"task worker {worker_id}", command, env=env, log=run / f"{worker_id}.log")


def smtp_sink(port: int, run: Path) -> Process:
    command = [sys.executable, "-m", "oms.bench.smtp_sink", str(port), str(run / "sink.jsonl"), str(run / "sink.hold")]
    return Process(f"SMTP sink (:{port})", command, env=dict(os.environ), log=run / "sink.log")


NGINX_CONF = """\
worker_processes 1;
daemon off;
pid {run}/nginx.pid;
error_log {run}/nginx-error.log warn;
events {{ worker_connections 1024; }}
http {{
    map $http_x_request_id $cluster_request_id {{ default $http_x_request_id; "" $request_id; }}
    log_format cluster '$cluster_request_id $status "$upstream_addr" "$upstream_status" $msec $request_time "$request"';
    access_log {run}/nginx-access.log cluster;
    client_body_temp_path {run}/tmp-body;
    proxy_temp_path {run}/tmp-proxy;
    fastcgi_temp_path {run}/tmp-fastcgi;
    uwsgi_temp_path {run}/tmp-uwsgi;
    scgi_temp_path {run}/tmp-scgi;
    upstream one_node {{ server {host}:{node1}; }}
    upstream two_nodes {{
        server {host}:{node1} max_fails=1 fail_timeout=3s;
        server {host}:{node2} max_fails=1 fail_timeout=3s;
    }}
    proxy_set_header Host $host;
    proxy_set_header X-Request-ID $cluster_request_id;
    proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;
    proxy_hide_header X-Request-ID;
    add_header X-Request-ID $cluster_request_id always;
    server {{ listen {host}:{one_node}; location / {{ proxy_pass http://one_node; }} }}
    server {{ listen {host}:{two_nodes}; location / {{ proxy_pass http://two_nodes; }} }}
}}
"""


def nginx(ports: Ports, run: Path) -> Process:
    binary = next((path for path in ("/usr/sbin/nginx", "/usr/bin/nginx") if Path(path).exists()), None)
    if binary is None:
        raise ClusterError("nginx is not installed: apt-get install nginx-light (or nginx)")
    conf = run / "nginx.conf"
    conf.write_text(NGINX_CONF.format(run=run, host=HOST, node1=ports.nodes[0], node2=ports.nodes[1],
                                      one_node=ports.one_node, two_nodes=ports.two_nodes))
    run.chmod(0o777)  # nginx's workers drop to an unprivileged user when started as root
    command = [binary, "-p", str(run), "-c", str(conf), "-e", str(run / "nginx-error.log")]
    return Process("nginx", command, env=dict(os.environ), log=run / "nginx.log")


def new_ports() -> Ports:
    return Ports(smtp=free_port(), nodes=(free_port(), free_port()), one_node=free_port(), two_nodes=free_port())


def login_url(port: int) -> str:
    return f"http://{HOST}:{port}{reverse('login')}"


@dataclass(frozen=True)
class AccessLine:
    request_id: str
    status: int
    upstreams: str
    ended: float  # epoch seconds
    seconds: float

    @property
    def started(self) -> float:
        return self.ended - self.seconds


def read_access_log(run: Path) -> dict[str, AccessLine]:
    lines = {}
    for raw in (run / "nginx-access.log").read_text().splitlines():
        request_id, status, rest = raw.split(" ", 2)
        upstreams, _, rest = rest[1:].partition('" ')
        _, _, rest = rest[1:].partition('" ')
        ended, seconds = rest.split(" ")[:2]
        lines[request_id] = AccessLine(request_id, int(status), upstreams, float(ended), float(seconds))
    return lines
