"""Integers in our URLs are bounded: one beyond any key answers 404 on every database, not a 500 (SQLite cannot
take an integer past 2^63-1 as a query parameter)."""

import pytest
from django.urls import URLPattern, URLResolver, get_resolver
from django.urls.converters import IntConverter

from oms.core.converters import ID_MAX, IdConverter
from tests.helpers import SAMPLE_ARGUMENTS


def our_patterns(resolver=None, prefix=""):
    """(route, converters) of every URL pattern of ours, the admin's aside."""
    for entry in (resolver or get_resolver()).url_patterns:
        if isinstance(entry, URLResolver):
            if entry.app_name != "admin":
                yield from our_patterns(entry, prefix + str(entry.pattern))
        elif isinstance(entry, URLPattern):
            yield prefix + str(entry.pattern), entry.pattern.converters


def url_with(route: str, converters: dict, number: int) -> str:
    path = route
    for name, converter in converters.items():
        value = number if isinstance(converter, (IdConverter, IntConverter)) else SAMPLE_ARGUMENTS[name]
        path = path.replace(f"<{type_name(converter)}:{name}>", str(value))
    return "/" + path


def type_name(converter) -> str:
    return {IdConverter: "id", IntConverter: "int"}.get(type(converter), "str")


ID_ROUTES = [(route, converters) for route, converters in our_patterns()  # int ones too: they must not be there
             if any(isinstance(converter, (IdConverter, IntConverter)) for converter in converters.values())]


def test_no_url_of_ours_takes_an_unbounded_integer():
    unbounded = [route for route, converters in our_patterns()
                 if any(isinstance(converter, IntConverter) for converter in converters.values())]
    assert unbounded == []
    assert len(ID_ROUTES) >= 25  # orders, their documents and edits, customers


@pytest.mark.django_db
@pytest.mark.parametrize(("route", "converters"), ID_ROUTES, ids=[route for route, _ in ID_ROUTES])
def test_an_id_beyond_any_key_is_not_found(staff_client, route, converters):
    for number in (ID_MAX + 1, 10**19 - 1):
        url = url_with(route, converters, number)
        for method in (staff_client.get, staff_client.post):
            assert method(url).status_code == 404, f"{method.__name__} {url}"


@pytest.mark.django_db
def test_the_largest_key_still_reaches_the_view(staff_client):
    assert staff_client.get(f"/orders/{ID_MAX}/").status_code == 404  # the view's own "no such order"
    assert staff_client.get(f"/orders/{ID_MAX}/").resolver_match.url_name == "detail"


def test_the_converter_reads_and_writes_plain_numbers():
    converter = IdConverter()
    assert converter.to_python("0042") == 42 and converter.to_url(42) == "42"
    with pytest.raises(ValueError):
        converter.to_python(str(ID_MAX + 1))
