"""The order list's search and Identify's results: their order, their pages, their query counts."""

import pytest
from django.db import connection
from django.db.models import Max
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from orders.models import Order
from orders.ordering.selectors import identify_search
from orders.selectors import order_search_numbers, order_search_page
from tests.factories import CustomerFactory, ProductFactory, customer_with_address
from tests.helpers import place

pytestmark = pytest.mark.django_db


def test_identify_search_gives_last_order_dates_in_one_query(checkout_setup, django_assert_num_queries):
    shipping, _ = checkout_setup
    buyer = customer_with_address(last_name="Orderly")
    customer_with_address(last_name="Orderless")
    product = ProductFactory(stock=10)
    place(buyer, [(product.pk, 1)], shipping)
    place(buyer, [(product.pk, 1)], shipping)
    with django_assert_num_queries(1):  # the customers along the last-name index, with addresses and dates
        found = identify_search(last_name="order", company="", email="")
        cities = [customer.default_billing_address.city for customer in found]
    assert {customer.last_name: customer.last_order_at for customer in found} == {
        "Orderly": Order.objects.aggregate(last=Max("created_at"))["last"], "Orderless": None}
    assert cities == ["Portland", "Portland"]


@pytest.mark.parametrize(
    ("fields", "expected"),
    [({"last_name": "a"}, ["Abel", "Acton", "Adams"]),  # by last name, first name
     ({"company": "zeta"}, ["Acton", "Adams", "Abel"]),  # by company, then last name
     ({"email": "a"}, ["Adams", "Abel"]),  # by email
     ({"last_name": "a", "email": "b"}, ["Acton"])],  # every filled field must match
)
def test_identify_orders_by_the_first_filled_field(fields, expected):
    CustomerFactory(last_name="Adams", first_name="Zoe", company="Zeta B", email="a1@x.example")
    CustomerFactory(last_name="Abel", first_name="Ann", company="Zeta C", email="a2@x.example")
    CustomerFactory(last_name="Acton", first_name="Al", company="Zeta A", email="b1@x.example")
    found = identify_search(**({"last_name": "", "company": "", "email": ""} | fields))
    assert [customer.last_name for customer in found] == expected


@pytest.fixture
def orders_of_two_customers(checkout_setup):
    """Ten orders each for Quill and Quayle, placed alternately: numbers interleave."""
    shipping, _ = checkout_setup
    quill, quayle = customer_with_address(last_name="Quill"), customer_with_address(last_name="Quayle")
    product = ProductFactory(stock=100)
    for _ in range(10):
        place(quill, [(product.pk, 1)], shipping)
        place(quayle, [(product.pk, 1)], shipping)
    return quill, quayle


def walk(query: str, per_page: int) -> list:
    pages = [order_search_page(query, per_page=per_page)]
    while pages[-1].has_next:
        pages.append(order_search_page(query, after=pages[-1].next_cursor, per_page=per_page))
    return pages


def test_order_list_pages_newest_first_without_gaps(orders_of_two_customers):
    numbers = list(Order.objects.order_by("-number").values_list("number", flat=True))
    pages = walk("", per_page=6)
    assert [[order.number for order in page] for page in pages] == [numbers[i:i + 6] for i in range(0, 20, 6)]
    back = order_search_page("", before=pages[2].previous_cursor, per_page=6)
    assert [order.number for order in back] == numbers[6:12]


def test_order_search_groups_by_customer_newest_first_within(orders_of_two_customers):
    quill, quayle = orders_of_two_customers
    newest_first = Order.objects.order_by("-number")
    expected = [*newest_first.filter(customer=quayle), *newest_first.filter(customer=quill)]  # QUAYLE < QUILL
    pages = walk("qu", per_page=7)
    assert [order for page in pages for order in page] == expected
    assert [len(page) for page in pages] == [7, 7, 6]
    back = order_search_page("qu", before=pages[2].previous_cursor, per_page=7)
    assert list(back) == list(pages[1])


def test_order_search_by_number_finds_that_order(orders_of_two_customers):
    order = Order.objects.order_by("?").first()
    for query in (str(order.number), f"#{order.number}", f" # {order.number} "):
        assert list(order_search_page(query)) == [order], query
    assert list(order_search_page("9" * 19)) == []
    assert order_search_numbers(f"#{order.number}", limit=5) == [order.number]


def test_order_search_numbers_for_the_admin_follow_the_list(orders_of_two_customers):
    assert order_search_numbers("qu", limit=5) == [order.number for order in order_search_page("qu", per_page=5)]
    assert order_search_numbers("", limit=5) == []


def test_the_order_list_draws_two_orders_or_twenty_in_the_same_queries(checkout_setup, staff_client):
    """A page's rows come with what each shows (the customer's company): a column the list draws but does not
    read with its rows would cost a query per row."""
    shipping, _ = checkout_setup
    buyer = customer_with_address(last_name="Quill", company="Quill & Sons")
    product = ProductFactory(stock=100)

    def counted() -> tuple[int, str]:
        with CaptureQueriesContext(connection) as queries:
            page = staff_client.get(reverse("orders:list"))
        assert page.status_code == 200
        return len(queries), page.content.decode()

    for _ in range(2):
        place(buyer, [(product.pk, 1)], shipping)
    few, _ = counted()
    for _ in range(18):
        place(buyer, [(product.pk, 1)], shipping)
    many, html = counted()
    assert many == few
    assert html.count("Quill &amp; Sons") == 20
