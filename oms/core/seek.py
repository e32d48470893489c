"""Searches over big tables, read a page at a time along ordered index ranges ("seek" pagination),
so that a first page costs the same for a term matching ten rows or a million.

A search is a list of branches. A branch is one ordered range of one index: a queryset filtered on a
prefix of the index's first column and read in the index's order (its ``keys``) with a LIMIT. A page
reads the branches in turn, starting where its cursor points, and stops as soon as it holds one row
more than it shows (that row only says a next page exists). A branch leaves out the rows of the
branches before it, so each row is shown once, under the first branch that finds it.

On PostgreSQL a branch is an index range scan whose rows come out already in order, so its LIMIT
stops it early: the index is built on the same expressions as the keys, e.g. ``upper_key``, which is
UPPER(col) COLLATE "C" (the C collation lets one btree serve both LIKE 'SMI%' and the ORDER BY).
SQLite compares text in the same byte order (BINARY), so both databases give the same pages.
"""

import re
from collections.abc import Sequence
from dataclasses import dataclass
from itertools import groupby

from django.db.models import BooleanField, Expression, F, Func, Q, QuerySet
from django.db.models.functions import Upper

from .paging import Page, cursor_decode, cursor_encode


class ByteOrder(Func):
    """``expression`` compared byte by byte: COLLATE "C" on PostgreSQL; SQLite's default, BINARY, is that."""

    template = "%(expressions)s"

    def as_postgresql(self, compiler, connection, **extra_context):
        return self.as_sql(compiler, connection, template='(%(expressions)s COLLATE "C")', **extra_context)


def upper_key(field: str) -> ByteOrder:
    """The search and sort key of a text column: UPPER(col) in byte order (accented capitals after Z)."""
    return ByteOrder(Upper(field))


class _Condition(Expression):
    conditional = True
    output_field = BooleanField()

    def __init__(self, *keys):
        super().__init__()
        self.keys = list(keys)

    def get_source_expressions(self):
        return self.keys

    def set_source_expressions(self, exprs):
        self.keys = list(exprs)

    def _compile_keys(self, compiler) -> tuple[list[str], list]:
        parts, params = [], []
        for key in self.keys:
            sql, key_params = compiler.compile(key)
            parts.append(sql)
            params.extend(key_params)
        return parts, params


class Prefix(_Condition):
    """``key`` starts with ``text`` (``%``, ``_`` and ``\\`` in it match themselves). With ``upper`` the database
    upper-cases the text as it did the key: ``key LIKE UPPER('text%')``, which an index on the key serves."""

    def __init__(self, key, text: str, *, upper: bool = True):
        super().__init__(key)
        self.pattern = re.sub(r"([\\%_])", r"\\\1", text) + "%"
        self.upper = upper

    def as_sql(self, compiler, connection):
        (key,), params = self._compile_keys(compiler)
        pattern = "UPPER(%s)" if self.upper else "%s"
        return f"{key} LIKE {pattern} ESCAPE '\\'", (*params, self.pattern)


class RowCompare(_Condition):
    """``(key, ...) op (value, ...)``: a row comparison, which an index on those keys can start from."""

    def __init__(self, names: Sequence[str], op: str, values: Sequence):
        super().__init__(*(F(name) for name in names))
        self.op = op
        self.values = tuple(values)

    def as_sql(self, compiler, connection):
        keys, params = self._compile_keys(compiler)
        placeholders = ", ".join(["%s"] * len(self.values))
        return f"({', '.join(keys)}) {self.op} ({placeholders})", (*params, *self.values)


@dataclass(frozen=True)
class Branch:
    """The rows of ``queryset`` that match ``where``, in the order of ``keys``: its field or annotation names
    ("-" for descending), together unique, matching an index so that the database reads them in order.
    ``where`` is applied only when the branch is read: a page often needs the first branch alone."""

    queryset: QuerySet
    keys: tuple[str, ...]
    where: Q = Q()

    def position(self, index: int, row) -> tuple:
        return (index, *(getattr(row, key.lstrip("-")) for key in self.keys))


def seek_page(branches: Sequence[Branch], *, scope: str, after: str | None = None, before: str | None = None,
              per_page: int = 25) -> Page:
    """The rows after cursor ``after``, or before cursor ``before``: the first page when neither is a cursor
    this function made for the same ``scope`` (the list and its search) and branches, or when nothing is
    left past it."""
    scope = f"{scope}|" + ";".join(",".join(branch.keys) for branch in branches)
    position = _position(cursor_decode(before or after, scope=scope), branches)
    backwards = bool(before) and position is not None
    hits = _read(branches, position, backwards, per_page + 1)
    if position and not hits:  # nothing left there (rows deleted since): the first page
        position, backwards = None, False
        hits = _read(branches, None, False, per_page + 1)
    more = len(hits) > per_page
    hits = hits[:per_page]
    if backwards:
        hits.reverse()
    first, last = (hits[0][0], hits[-1][0]) if hits else (None, None)
    has_previous = more if backwards else position is not None
    has_next = True if backwards else more
    return Page(
        object_list=[row for _, row in hits],
        next_cursor=cursor_encode(last, scope=scope) if has_next else "",
        previous_cursor=cursor_encode(first, scope=scope) if has_previous else "",
    )


def _position(values: tuple | None, branches: Sequence[Branch]) -> tuple | None:
    """A decoded cursor that fits these branches: the branch's number, then its keys' values."""
    if not values or not isinstance(values[0], int) or not 0 <= values[0] < len(branches):
        return None
    return values if len(values) == 1 + len(branches[values[0]].keys) else None


def _read(branches: Sequence[Branch], position: tuple | None, backwards: bool, limit: int) -> list[tuple]:
    """Up to ``limit`` rows from ``position`` on, in order (reversed going backwards), each with its own position."""
    start = position[0] if position else 0
    hits: list[tuple] = []
    for index in range(start, -1, -1) if backwards else range(start, len(branches)):
        branch = branches[index]
        where = branch.where & _beyond(branch.keys, position[1:], backwards) if position and index == start \
            else branch.where
        rows = branch.queryset.filter(where)
        ordering = [_reverse(key) for key in branch.keys] if backwards else branch.keys
        hits += [(branch.position(index, row), row) for row in rows.order_by(*ordering)[: limit - len(hits)]]
        if len(hits) >= limit:
            break
    return hits


def _reverse(key: str) -> str:
    return key[1:] if key.startswith("-") else f"-{key}"


def _beyond(keys: Sequence[str], values: Sequence, backwards: bool) -> Q:
    """Rows past ``values`` in the order of ``keys`` (before them, going backwards). Keys in one direction make
    one row comparison; a descending key after ascending ones (or the reverse) adds an OR, and the leading
    run then also bounds the range on its own (run >= values), so that the index scan still starts there."""
    pairs = zip(keys, values, strict=True)
    runs = [list(run) for _, run in groupby(pairs, key=lambda pair: pair[0].startswith("-"))]
    return _runs_beyond(runs, backwards)


def _runs_beyond(runs: list[list[tuple]], backwards: bool) -> Q:
    run, *rest = runs
    names = [name.lstrip("-") for name, _ in run]
    values = [value for _, value in run]
    op = "<" if run[0][0].startswith("-") != backwards else ">"
    if not rest:
        return Q(RowCompare(names, op, values))
    # (run > values) written as (run >= values AND run <> values): PostgreSQL estimates an inequality
    # sensibly, where a second range on the same keys would look so selective that it would sort instead.
    return Q(RowCompare(names, f"{op}=", values)) & (Q(RowCompare(names, "<>", values)) | _runs_beyond(rest, backwards))
