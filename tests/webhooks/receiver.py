"""A real HTTP receiver for webhook tests: http.server on 127.0.0.1, in a thread, answering each POST with the next
of the statuses it was given (then 200), and keeping what it received."""

import threading
import time
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


@dataclass
class Received:
    method: str
    path: str
    headers: dict[str, str]
    body: bytes
    status: int


@dataclass
class Receiver:
    url: str
    statuses: list[int] = field(default_factory=list)  # the answers to give, in order; then 200
    delay: float = 0.0  # seconds each answer takes
    received: list[Received] = field(default_factory=list)
    in_flight: int = 0
    most_in_flight: int = 0
    lock: threading.Lock = field(default_factory=threading.Lock)

    def answer(self) -> int:
        with self.lock:
            self.in_flight += 1
            self.most_in_flight = max(self.most_in_flight, self.in_flight)
            status = self.statuses.pop(0) if self.statuses else 200
        time.sleep(self.delay)
        with self.lock:
            self.in_flight -= 1
        return status

    @property
    def succeeded(self) -> list[Received]:
        return [request for request in self.received if 200 <= request.status < 300]


@contextmanager
def receiver(**options):
    """A Receiver listening while the block runs."""

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self):  # noqa: N802 (http.server's name)
            self._answer()

        def do_GET(self):  # noqa: N802 (a followed redirect would come back as a GET)
            self._answer()

        def _answer(self):
            body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
            status = state.answer()
            state.received.append(Received(self.command, self.path, dict(self.headers), body, status))
            self.send_response(status)
            if 300 <= status < 400:
                self.send_header("Location", "/elsewhere")
            self.send_header("Content-Length", "0")
            self.end_headers()

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    state = Receiver(url=f"http://127.0.0.1:{server.server_port}/hooks", **options)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield state
    finally:
        server.shutdown()
        server.server_close()
