"""Keyset pages: a page starts where the one before it ended, named by an opaque cursor in the URL
(``?after=...`` or ``?before=...``), so no page counts rows or skips over rows it does not show.

A cursor is the sort keys of a page's last (or first) row, signed so that only cursors this site
made for the same list and search are accepted: anything else (garbage, a forged or foreign token,
one cut short or too long) decodes to None and the caller shows the first page.
"""

import json
import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django.core import signing

CURSOR_MAX_LENGTH = 4096  # the longest sort keys (company, last and first name, in any script) fit
_CURSOR_MAX_VALUES = 8
_VALUE_MAX_LENGTH = 1000
_BIGINT = 2**63
# base64url(JSON) "." base64url(HMAC): ASCII only, so no other digits or separators get through.
_TOKEN = re.compile(r"[A-Za-z0-9_-]+\.[A-Za-z0-9_-]{20,}")
_SALT = "oms.core.paging.cursor"


@dataclass(frozen=True)
class Page:
    """One page of a list and the cursors of its neighbours ("" where there is none)."""

    object_list: list[Any]
    next_cursor: str = ""
    previous_cursor: str = ""

    @property
    def has_next(self) -> bool:
        return bool(self.next_cursor)

    @property
    def has_previous(self) -> bool:
        return bool(self.previous_cursor)

    def __iter__(self):
        return iter(self.object_list)

    def __len__(self) -> int:
        return len(self.object_list)


class _Utf8Json:
    """JSON as UTF-8 (not \\u escapes), so that names in any script make short cursors."""

    def dumps(self, obj) -> bytes:
        return json.dumps(obj, separators=(",", ":"), ensure_ascii=False).encode()

    def loads(self, data: bytes):
        return json.loads(data.decode())


def _signer(scope: str) -> signing.Signer:
    return signing.Signer(salt=f"{_SALT}:{scope}", sep=".")


def cursor_encode(values: Sequence[str | int], *, scope: str) -> str:
    """A URL-safe token for ``values`` (strings and integers), valid only for ``scope``."""
    return _signer(scope).sign_object(list(values), serializer=_Utf8Json)


def cursor_decode(token: str | None, *, scope: str) -> tuple[str | int, ...] | None:
    """The values ``cursor_encode`` was given for this scope, or None for any other token."""
    if not token or len(token) > CURSOR_MAX_LENGTH or not _TOKEN.fullmatch(token):
        return None
    try:
        values = _signer(scope).unsign_object(token, serializer=_Utf8Json)
    except (signing.BadSignature, ValueError):
        return None
    if not isinstance(values, list) or not 0 < len(values) <= _CURSOR_MAX_VALUES:
        return None
    return tuple(values) if all(map(_valid_value, values)) else None


def _valid_value(value: Any) -> bool:
    if isinstance(value, bool):
        return False
    if isinstance(value, int):
        return -_BIGINT < value < _BIGINT
    return isinstance(value, str) and len(value) <= _VALUE_MAX_LENGTH and "\x00" not in value
