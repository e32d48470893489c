"""Pagination that never counts the whole table: fetch one row more than a page to know if
there is a next one. Lists of a million rows stay as fast on page 1 as on an empty table.

Searches over big tables also rank before they read: ``ranked()`` gives a queryset whose
slices are picked by a narrow query over covering indexes (primary key and sort keys only),
so page N reads the full rows of page N and no others.
"""

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django.db import connections
from django.db.models import QuerySet
from django.db.models.expressions import RawSQL


@dataclass(frozen=True)
class Page:
    object_list: list[Any]
    number: int
    has_next: bool

    @property
    def has_previous(self) -> bool:
        return self.number > 1

    @property
    def next_page_number(self) -> int:
        return self.number + 1

    @property
    def previous_page_number(self) -> int:
        return self.number - 1

    def __iter__(self):
        return iter(self.object_list)

    def __len__(self) -> int:
        return len(self.object_list)


MAX_PAGE = 10_000


def page_of(queryset, page: str | int | None, per_page: int = 25) -> Page:
    try:
        number = min(max(int(page or 1), 1), MAX_PAGE)
    except (TypeError, ValueError):
        number = 1
    start = (number - 1) * per_page
    rows = list(queryset[start : start + per_page + 1])
    return Page(object_list=rows[:per_page], number=number, has_next=len(rows) > per_page)


@dataclass(frozen=True)
class Ranking:
    keys: QuerySet  # values_list("pk", *sort fields), unordered; may be a union of branches
    order: tuple[str, ...]  # the queryset's ordering in the names of ``keys``: ("last_name", "-pk")
    fence: bool  # plan the keys for all matches (see RankedQuerySet.window)
    where: Any  # the filter the keys stand for: a later filter() makes them stale
    order_by: tuple


class RankedQuerySet(QuerySet):
    """A queryset whose slices come from its ranking: one SQL statement that sorts and windows
    the narrow keys first, then joins the window's full rows (and any select_related)."""

    ranking: Ranking | None = None

    def _clone(self):
        clone = super()._clone()
        clone.ranking = self.ranking
        return clone

    def __getitem__(self, k):
        if not isinstance(k, slice) or k.step is not None or not self._ranking_holds():
            return super().__getitem__(k)
        start = k.start or 0
        if k.stop is not None and k.stop <= start:
            return self.none()
        return self.filter(pk__in=self.window(start, k.stop))

    def _ranking_holds(self) -> bool:
        ranking, query = self.ranking, self.query
        return (ranking is not None and not query.is_sliced and query.combinator is None
                and query.where == ranking.where and _ordering(query) == ranking.order_by)

    def window(self, start: int, stop: int | None) -> RawSQL:
        """The primary keys of rows start..stop, in order.

        With ``fence`` the keys query is planned for all its rows (LIMIT ALL OFFSET 0 keeps
        PostgreSQL from pulling it up): otherwise, for a common name, it would walk the whole
        alphabetical index hoping to meet 26 matches early, which takes a second.
        """
        connection = connections[self.db]
        sql, params = self.ranking.keys.query.sql_with_params()
        if self.ranking.fence and connection.vendor == "postgresql":
            sql += " LIMIT ALL OFFSET 0"
        quote = connection.ops.quote_name
        order = ", ".join(f"{quote(key.lstrip('-'))}{' DESC' if key.startswith('-') else ''}"
                          for key in self.ranking.order)
        limit = connection.ops.limit_offset_sql(start, stop)
        return RawSQL(f"SELECT {quote('pk')} FROM ({sql}) ranked ORDER BY {order} {limit}", params,
                      output_field=self.model._meta.pk)


def ranked(queryset: QuerySet, keys: QuerySet, order: Sequence[str], *, fence: bool = True) -> RankedQuerySet:
    """``queryset`` whose slices are picked by ``keys`` (see Ranking); ``keys`` must select
    exactly the rows of ``queryset``."""
    result = RankedQuerySet(model=queryset.model, query=queryset.query.chain(), using=queryset._db,
                            hints=queryset._hints)
    result._prefetch_related_lookups = queryset._prefetch_related_lookups
    result.ranking = Ranking(keys=keys.order_by(), order=tuple(order), fence=fence,
                             where=result.query.where, order_by=_ordering(result.query))
    return result


def _ordering(query) -> tuple:
    """The ordering in force, explicit or the model's default (the admin spells the default out)."""
    if query.order_by:
        return tuple(query.order_by)
    return tuple(query.get_meta().ordering) if query.default_ordering else ()
