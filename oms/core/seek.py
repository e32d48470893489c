"""Searches over big tables, read a page at a time along ordered index ranges ("seek" pagination),
so that a first page costs the same for a term matching ten rows or a million.

A search is a list of branches. A branch is one ordered range of one index: rows whose first index
column starts with the term, read in the index's order (its ``keys``) with a LIMIT of a page and one
row. The branches of a page run as one statement (UNION ALL of the LIMITed ranges, each starting
where the page's cursor points); the page is their rows in branch order. Rows of a model alone are read
in that same statement (each branch selects the model's columns too); rows with related rows or
annotations are read by a second query, by key. A branch leaves out the rows of the branches before
it, so each row is shown once, under the first branch that finds it.

On PostgreSQL each range is an index range scan whose rows come out already in order, so its LIMIT
stops it early: the index is built on the same expressions as the keys, e.g. ``upper_key``, which
is UPPER(col) COLLATE "C" (the C collation lets one btree serve both LIKE 'SMI%' and the ORDER BY).
SQLite compares text in the same byte order (BINARY), as Python compares str, so both databases
and the merge in Python agree on the order.
"""

import re
from collections.abc import Sequence
from dataclasses import dataclass
from itertools import groupby, takewhile

from django.db import connection
from django.db.models import BooleanField, CharField, IntegerField, Model, QuerySet
from django.db.models.expressions import RawSQL

from .paging import Page, cursor_decode, cursor_encode


@dataclass(frozen=True)
class Sql:
    """A condition: SQL with %s placeholders, and its parameters. ``&``, ``|`` and ``~`` combine them."""

    text: str
    params: tuple = ()

    def __and__(self, other: "Sql") -> "Sql":
        return Sql(f"({self.text} AND {other.text})", self.params + other.params)

    def __or__(self, other: "Sql") -> "Sql":
        return Sql(f"({self.text} OR {other.text})", self.params + other.params)

    def __invert__(self) -> "Sql":
        return Sql(f"NOT ({self.text})", self.params)


def byte_order(sql: str) -> str:
    """``sql`` compared byte by byte: COLLATE "C" on PostgreSQL; SQLite's default, BINARY, is that."""
    return f'({sql} COLLATE "C")' if connection.vendor == "postgresql" else sql


def upper_key(column: str) -> str:
    """The search and sort key of a text column: UPPER(col) in byte order (accented capitals after Z)."""
    return byte_order(f"UPPER({column})")


def like_escape(text: str) -> str:
    """``text`` for a LIKE pattern with ESCAPE '\\': its %, _ and \\ match themselves."""
    return re.sub(r"([\\%_])", r"\\\1", text)


def starts_with(key: str, text: str, *, upper: bool = True) -> Sql:
    """``key`` starts with ``text``. With ``upper`` the database upper-cases the text as it did the key:
    ``key LIKE UPPER('text%')``, a range of an index on the key."""
    pattern = "UPPER(%s)" if upper else "%s"
    return Sql(f"{key} LIKE {pattern} ESCAPE '\\'", (like_escape(text) + "%",))


@dataclass(frozen=True)
class Key:
    """One sort key of a branch: an SQL expression, its Python type (str or int), its direction."""

    sql: str
    type: type = str
    descending: bool = False


@dataclass(frozen=True)
class Branch:
    """The rows of ``source`` where ``where`` holds, in the order of ``keys`` (an index's columns, together
    unique), each standing for the row ``row_id`` names. A ``lazy`` branch, one no index reads in order,
    is read only when the branches before it leave room on the page."""

    source: str
    where: Sql | None
    keys: tuple[Key, ...]
    row_id: str
    lazy: bool = False


@dataclass(frozen=True)
class _Hit:
    position: tuple  # the branch's number, then its keys' values: what a cursor holds
    row_id: int
    row: Model | None = None  # read with the position when the page's rows are a model's


def seek_page(branches: Sequence[Branch], rows: QuerySet | type[Model], *, scope: str, after: str | None = None,
              before: str | None = None, per_page: int = 25) -> Page:
    """The rows the branches find after cursor ``after`` (or before cursor ``before``), in branch order: the
    first page when neither is a cursor this function made for the same ``scope`` (the list and its search)
    and branches, or when nothing is left past it. ``rows`` is a model, whose rows the branches read as they
    find them (one query), or a queryset, from which the page's rows are read by key (a second query)."""
    scope = f"{scope}|" + ";".join(",".join(key.sql for key in branch.keys) for branch in branches)
    position = _position(cursor_decode(before or after, scope=scope), branches)
    backwards = bool(before) and position is not None
    model = None if isinstance(rows, QuerySet) else rows
    hits = _read(branches, position, backwards, per_page + 1, model)
    if position and not hits:  # nothing left there (rows deleted since): the first page
        position, backwards = None, False
        hits = _read(branches, None, False, per_page + 1, model)
    more = len(hits) > per_page
    hits = hits[:per_page][::-1] if backwards else hits[:per_page]
    if model is not None:
        found = {hit.row_id: hit.row for hit in hits}
    else:
        found = rows.in_bulk([hit.row_id for hit in hits]) if hits else {}
    has_previous = more if backwards else position is not None
    has_next = True if backwards else more
    return Page(
        object_list=[found[hit.row_id] for hit in hits if hit.row_id in found],
        next_cursor=cursor_encode(hits[-1].position, scope=scope) if has_next and hits else "",
        previous_cursor=cursor_encode(hits[0].position, scope=scope) if has_previous and hits else "",
    )


def first_rows(rows: QuerySet, where: Sql, keys: Sequence[Key], *, limit: int) -> list:
    """The first ``limit`` rows of ``rows`` where ``where`` holds, in the order of ``keys``: one range read from
    its start, in one statement that brings the queryset's related rows and annotations along (a list with no
    pages, so no cursor). ``where`` and ``keys`` name ``rows``' table by its name, the ORM's alias for it."""
    ordering = []
    for key in keys:  # RawSQL: the keys are the index expressions themselves (tests/core/test_search_plans.py)
        expression = RawSQL(key.sql, (), output_field=CharField() if key.type is str else IntegerField())
        ordering.append(expression.desc() if key.descending else expression.asc())
    condition = RawSQL(where.text, where.params, output_field=BooleanField())
    return list(rows.filter(condition).order_by(*ordering)[:limit])


def seek_ids(branches: Sequence[Branch], *, limit: int) -> list[int]:
    """The ids (``row_id``) of the first ``limit`` rows the branches find, in order."""
    return [hit.row_id for hit in _read(branches, None, False, limit)]


def _position(values: tuple | None, branches: Sequence[Branch]) -> tuple | None:
    """A decoded cursor that fits these branches: a branch's number, then values of its keys' types."""
    if not values or not isinstance(values[0], int) or not 0 <= values[0] < len(branches):
        return None
    keys = branches[values[0]].keys
    if len(values) != 1 + len(keys):
        return None
    return values if all(isinstance(value, key.type) for value, key in zip(values[1:], keys, strict=True)) else None


def _read(branches: Sequence[Branch], position: tuple | None, backwards: bool, limit: int,
          model: type[Model] | None = None) -> list[_Hit]:
    """Up to ``limit`` hits from ``position`` on, in order (reversed going backwards), each with its row of
    ``model`` if given, in one statement: the branches from the position's on, but a lazy one only if those
    before it left the page room."""
    start = position[0] if position else 0
    order = range(start, -1, -1) if backwards else range(start, len(branches))
    batches = [list(batch) for _, batch in groupby(order, key=lambda index: index if branches[index].lazy else -1)]
    texts = max(sum(key.type is str for key in branch.keys) for branch in branches)
    numbers = max(sum(key.type is int for key in branch.keys) for branch in branches)
    unions, params = [], []
    for batch in batches:
        parts = []
        for index in batch:
            seek = position[1:] if position and index == position[0] else None
            sql, branch_params = _branch_sql(index, branches[index], seek, backwards, limit, (texts, numbers),
                                             model)
            parts.append(f"SELECT * FROM ({sql}) AS branch{index}")
            params += branch_params
        unions.append(" UNION ALL ".join(parts))
    sql, width = _guarded(unions, limit), 2 + texts + numbers
    # Raw SQL: a UNION ALL of LIMITed index ranges is a plan the ORM cannot write (tests/core/test_search_plans.py).
    if model is None:
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            hits = [_hit(branches, row, texts) for row in cursor.fetchall()]
    else:
        hits = [_hit(branches, tuple(getattr(row, f"seek_{n}") for n in range(width)), texts, row)
                for row in model._default_manager.raw(sql, params)]
    return sorted(hits, key=lambda hit: _order(branches, hit), reverse=backwards)[:limit]


def _guarded(unions: list[str], limit: int) -> str:
    """The batches' rows in one statement, each batch after the first read only while those before it found
    fewer than ``limit`` rows: a condition without a column, which PostgreSQL checks once before reading the
    batch (a One-Time Filter) and SQLite before its loop."""
    if len(unions) == 1:
        return unions[0]
    ctes = []
    for number, union in enumerate(unions):
        found = " + ".join(f"(SELECT count(*) FROM seek_batch{earlier})" for earlier in range(number))
        guard = f" WHERE {found} < {int(limit)}" if number else ""
        ctes.append(f"seek_batch{number} AS (SELECT * FROM ({union}) AS batch{guard})")
    rows = " UNION ALL ".join(f"SELECT * FROM seek_batch{number}" for number in range(len(unions)))
    return f"WITH {', '.join(ctes)} {rows}"


def _branch_sql(index: int, branch: Branch, seek: tuple | None, backwards: bool, limit: int,
                widths: tuple[int, int], model: type[Model] | None = None) -> tuple[str, tuple]:
    """One LIMITed range: SELECT number, row id, text keys, integer keys (NULL-padded to ``widths``), and the
    columns of ``model`` (of the row id's table alias) when given."""
    where = branch.where
    if seek is not None:
        beyond = _beyond(branch.keys, seek, backwards)
        where = beyond if where is None else where & beyond
    texts = [key.sql for key in branch.keys if key.type is str]
    numbers = [key.sql for key in branch.keys if key.type is int]
    columns = [str(index), branch.row_id, *texts, *["NULL"] * (widths[0] - len(texts)),
               *numbers, *["NULL"] * (widths[1] - len(numbers))]
    select = ", ".join(f"{column} AS seek_{number}" for number, column in enumerate(columns))
    if model is not None:
        alias, quote = branch.row_id.split(".")[0], connection.ops.quote_name
        select += "".join(f", {alias}.{quote(field.column)}" for field in model._meta.concrete_fields)
    order = ", ".join(f"{key.sql} {'DESC' if key.descending != backwards else 'ASC'}" for key in branch.keys)
    condition = f" WHERE {where.text}" if where else ""
    sql = f"SELECT {select} FROM {branch.source}{condition} ORDER BY {order} LIMIT {int(limit)}"
    return sql, where.params if where else ()


def _hit(branches: Sequence[Branch], row: tuple, texts: int, found: Model | None = None) -> _Hit:
    index, row_id = row[0], row[1]
    text_values, number_values = iter(row[2:2 + texts]), iter(row[2 + texts:])
    values = [next(text_values) if key.type is str else next(number_values) for key in branches[index].keys]
    return _Hit(position=(index, *values), row_id=row_id, row=found)


def _order(branches: Sequence[Branch], hit: _Hit) -> tuple:
    index, *values = hit.position
    keys = branches[index].keys
    return index, *(-value if key.descending else value for value, key in zip(values, keys, strict=True))


def _beyond(keys: Sequence[Key], values: Sequence, backwards: bool) -> Sql:
    """Rows past ``values`` in the order of ``keys`` (before them, going backwards). Keys in one direction make
    one row comparison, which an index on them can start from; a run in the other direction after them adds
    (run >= values AND (run <> values OR what follows)): the first part still bounds the index range, and
    PostgreSQL estimates an inequality sensibly, where a second range on the same keys looks so selective
    that it would sort instead."""
    run = list(takewhile(lambda key: key.descending == keys[0].descending, keys))
    row = f"({', '.join(key.sql for key in run)})"
    placeholders = f"({', '.join(['%s'] * len(run))})"
    run_values = tuple(values[: len(run)])
    op = "<" if keys[0].descending != backwards else ">"
    if len(run) == len(keys):
        return Sql(f"{row} {op} {placeholders}", run_values)
    following = _beyond(keys[len(run):], values[len(run):], backwards)
    return Sql(f"{row} {op}= {placeholders}", run_values) & (Sql(f"{row} <> {placeholders}", run_values) | following)
