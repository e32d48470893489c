"""The admin's search box through a selector: its changelist sorts, filters and pages (with OFFSET and a
count) whatever get_search_results returns, so that is kept to the first matches the selector finds."""

import re
from collections.abc import Callable

from django.contrib import messages
from django.db.models import Q

from .forms import parse_id
from .search import search_capped

SEARCH_LIMIT = 200


def search_first_matches(modeladmin, request, queryset, search_term: str,
                         find: Callable[..., list[int]]) -> tuple:
    """``queryset`` narrowed to the first SEARCH_LIMIT matches of ``find(term, limit=...)``; for
    ModelAdmin.get_search_results. The term is capped as every search is (oms.core.search)."""
    term, _ = search_capped(search_term)
    if not term:
        return queryset, False
    ids = find(term, limit=SEARCH_LIMIT)
    if len(ids) == SEARCH_LIMIT:
        modeladmin.message_user(request, f"Showing the first {SEARCH_LIMIT} matches only: type more to narrow "
                                "the search.", messages.INFO)
    return queryset.filter(pk__in=ids), False


NUMBER = re.compile(r"[A-Za-z]{0,2}#?\s*([0-9]+)")  # 12, #12, R12, CM12


def search_by_number(queryset, search_term: str, *fields: str) -> tuple:
    """``queryset`` narrowed to the rows whose ``fields`` (a primary key, an order's number) equal the number typed,
    with or without its prefix ("R12", "CM12", "#12"), along their indexes; a term that is no number finds nothing.
    For ModelAdmin.get_search_results (Django's "=number" would compare text: no index, and "abc" an error)."""
    term = search_term.strip()
    if not term:
        return queryset, False
    match = NUMBER.fullmatch(term)
    number = parse_id(match.group(1)) if match else None
    if number is None:
        return queryset.none(), False
    return queryset.filter(Q.create([(field, number) for field in fields], connector=Q.OR)), False
