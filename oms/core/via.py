"""How a change reached us when it was not through the pages (e.g. "API token Warehouse sync"): set for one
request by whoever authenticated it, read by the order timeline and the audit trail, like requestid.py's id."""

from contextlib import contextmanager
from contextvars import ContextVar

_current: ContextVar[str] = ContextVar("via", default="")


def current_via() -> str:
    """What changes made now came through ("" for the pages and the admin)."""
    return _current.get()


def via_set(text: str) -> None:
    """Say, for the rest of the enclosing ``via_bound`` block, what changes come through."""
    _current.set(text)


@contextmanager
def via_bound(text: str = ""):
    """Changes inside came through ``text``; whatever is set inside is forgotten at the end (the next request
    on this thread starts empty)."""
    token = _current.set(text)
    try:
        yield
    finally:
        _current.reset(token)
