"""Keyset pages: cursors only this site made, pages that chain forwards and backwards without gaps or
repeats, and each page read in the order of the plain query it stands for."""

import pytest
from django.db.models import Q

from customers.models import Customer
from customers.selectors import customer_search_page
from oms.core.paging import cursor_decode, cursor_encode
from tests.factories import CustomerFactory

pytestmark = pytest.mark.django_db


def forged(token: str) -> str:
    """The token with one character of its signature changed."""
    return token[:-1] + ("A" if token[-1] != "A" else "B")


def test_a_cursor_decodes_to_its_values_only_in_its_own_scope():
    token = cursor_encode([2, "SMITH", "PAT", 17], scope="customers:smith")
    assert cursor_decode(token, scope="customers:smith") == (2, "SMITH", "PAT", 17)
    assert cursor_decode(token, scope="customers:jones") is None
    assert cursor_decode(forged(token), scope="customers:smith") is None


def test_a_cursor_of_the_longest_keys_in_any_script_decodes():
    values = [4, "Ж" * 200, "😀" * 100, "ß" * 100, 2**63 - 1]  # company, last and first name, id
    token = cursor_encode(values, scope="customers:ж")
    assert len(token) < 4096 and cursor_decode(token, scope="customers:ж") == tuple(values)


@pytest.mark.parametrize(
    "token",
    ["", "garbage", "abc\x00def", "x" * 10_000, "١٢٣", "٣." + "٣" * 30, "W10." + "A" * 43, "W10." + "A" * 2000],
)
def test_anything_but_a_cursor_decodes_to_none(token):
    assert cursor_decode(token, scope="customers:") is None


@pytest.mark.parametrize("values", [[True], [2**63], ["a\x00b"], ["x" * 1001], [None], [[1]], list(range(9))])
def test_a_signed_cursor_with_values_no_page_makes_decodes_to_none(values):
    assert cursor_decode(cursor_encode(values, scope="s"), scope="s") is None


@pytest.fixture
def smiths():
    names = ["Smith", "smithers", "SMITHSON", "Smith", "Jones"]
    return [CustomerFactory(last_name=names[index % 5], first_name=f"Pat{index % 7}", company="",
                            email=f"p{index}@x.example") for index in range(70)]


def walk(query: str, per_page: int = 25) -> list:
    """Every page of a customer search, following Next from the first."""
    pages = [customer_search_page(query, per_page=per_page)]
    while pages[-1].has_next:
        pages.append(customer_search_page(query, after=pages[-1].next_cursor, per_page=per_page))
    return pages


def test_customer_search_pages_are_the_plain_query_in_slices(smiths, django_assert_num_queries):
    expected = sorted(Customer.objects.filter(last_name__istartswith="smith"),
                      key=lambda customer: (customer.last_name.upper(), customer.first_name.upper(), customer.pk))
    with django_assert_num_queries(2):  # the page's ids along the index, then their rows
        first = customer_search_page("smith")
    pages = walk("smith")
    assert [list(page) for page in pages] == [expected[0:25], expected[25:50], expected[50:]]
    assert list(first) == expected[:25]
    assert [page.has_previous for page in pages] == [False, True, True]


def test_previous_goes_back_page_by_page_to_the_first(smiths):
    pages = walk("smith", per_page=10)
    back = [pages[-1]]
    while back[-1].has_previous:
        back.append(customer_search_page("smith", before=back[-1].previous_cursor, per_page=10))
    assert [list(page) for page in reversed(back)] == [list(page) for page in pages]
    assert not back[-1].has_previous and back[-1].has_next


@pytest.fixture
def lees():
    """Customers matching "lee" in every field, some in two (each is shown once, in its first group)."""
    rows = [("Ann", "Leeds", "", "ann@x.example"), ("Lee", "Adams", "", "adams@x.example"),
            ("Bo", "Brown", "Leeway Ltd", "bo@x.example"), ("Cy", "Cole", "", "lee.cole@x.example"),
            ("Lee", "Leeson", "Lee Supply", "lee@x.example"), ("Di", "Dunn", "Leeward Inc", "lee.d@x.example")]
    rows += [(f"Lee{index}", f"Zed{index}", "", f"z{index}@x.example") for index in range(5)]
    rows += [(f"Eve{index}", f"Leek{index}", "", f"e{index}@x.example") for index in range(5)]
    return [CustomerFactory(first_name=first, last_name=last, company=company, email=email)
            for first, last, company, email in rows]


def test_pages_chain_across_groups_without_gaps_or_repeats(lees):
    def group(customer):
        upper = {field: getattr(customer, field).upper() for field in ("last_name", "first_name", "company", "email")}
        matched = next(index for index, field in enumerate(upper) if upper[field].startswith("LEE"))
        within = {0: ("last_name", "first_name"), 1: ("first_name", "last_name"),
                  2: ("company", "last_name", "first_name"), 3: ("email",)}[matched]
        return matched, *(upper[field] for field in within), customer.pk

    expected = sorted(Customer.objects.filter(
        Q(last_name__istartswith="lee") | Q(first_name__istartswith="lee") | Q(company__istartswith="lee")
        | Q(email__istartswith="lee")), key=group)
    pages = walk("lee", per_page=4)
    shown = [customer for page in pages for customer in page]
    assert shown == expected and len(set(shown)) == len(lees)
    assert [len(page) for page in pages] == [4, 4, 4, 4]
    back = customer_search_page("lee", before=pages[2].previous_cursor, per_page=4)
    assert list(back) == list(pages[1])


def test_a_cursor_past_rows_deleted_since_gives_the_first_page(smiths):
    first, second = walk("smith")[:2]
    shown = {customer.pk for customer in [*first, *second]}
    Customer.objects.filter(last_name__istartswith="smith").exclude(pk__in=shown).delete()
    assert list(customer_search_page("smith", after=second.next_cursor)) == list(first)


@pytest.mark.parametrize("cursor", ["garbage", "abc\x00def", "x" * 10_000, "١٢٣"])
def test_a_bad_cursor_gives_the_first_page(smiths, cursor):
    first = customer_search_page("smith")
    assert list(customer_search_page("smith", after=cursor)) == list(first)
    assert list(customer_search_page("smith", before=cursor)) == list(first)
    assert not customer_search_page("smith", after=cursor).has_previous


def test_a_cursor_of_another_search_gives_the_first_page(smiths):
    jones = customer_search_page("jones", per_page=5)
    assert list(customer_search_page("smith", after=jones.next_cursor)) == list(customer_search_page("smith"))
