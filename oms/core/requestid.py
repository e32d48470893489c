"""The request id: one per web request (or taken from the proxy's X-Request-ID), on every log line the
request writes, and passed to the tasks it enqueues so that their log lines carry it too."""

import logging
import re
import uuid
from contextlib import contextmanager
from contextvars import ContextVar

_current: ContextVar[str] = ContextVar("request_id", default="")
SANE_ID = re.compile(r"[A-Za-z0-9._-]{1,64}")


def current_request_id() -> str:
    return _current.get()


@contextmanager
def request_id_bound(request_id: str | None = None):
    """Log lines inside carry ``request_id`` (a new one when None)."""
    token = _current.set(request_id if request_id is not None else uuid.uuid4().hex)
    try:
        yield _current.get()
    finally:
        _current.reset(token)


class RequestIdFilter(logging.Filter):
    """Gives every log record a ``request_id`` (empty outside a request or task): LOGGING's formatters print it."""

    def filter(self, record: logging.LogRecord) -> bool:
        record.request_id = _current.get()
        return True


class RequestIdMiddleware:
    """First in MIDDLEWARE: the proxy's X-Request-ID when it sent a sane one (so its log and ours share
    the id), else a new one; bound while the request runs and sent back as X-Request-ID."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        given = request.headers.get("X-Request-ID", "")
        with request_id_bound(given if SANE_ID.fullmatch(given) else None) as request_id:
            response = self.get_response(request)
        response["X-Request-ID"] = request_id
        return response
