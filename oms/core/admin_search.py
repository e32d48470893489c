"""The admin's search box through a selector: its changelist sorts, filters and pages (with OFFSET and a
count) whatever get_search_results returns, so that is kept to the first matches the selector finds."""

from collections.abc import Callable

from django.contrib import messages

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
