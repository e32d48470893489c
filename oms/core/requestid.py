"""The request id: one per web request (or taken from the proxy's X-Request-ID), on every log line the
request writes, and passed to the tasks it enqueues so that their log lines carry it too."""

import uuid
from contextlib import contextmanager
from contextvars import ContextVar

_current: ContextVar[str] = ContextVar("request_id", default="")


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
