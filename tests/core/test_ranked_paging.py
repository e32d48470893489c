"""Ranked searches page exactly like the plain queries they replace, in one query per page."""

import pytest
from django.db.models import Max

from customers.models import Customer
from customers.selectors import customer_search
from oms.core.paging import page_of
from orders.models import Order
from orders.selectors import identify_search, order_search
from tests.factories import CustomerFactory, ProductFactory, customer_with_address
from tests.helpers import place

pytestmark = pytest.mark.django_db


@pytest.fixture
def smiths():
    names = ["Smith", "smithers", "SMITHSON", "Smith", "Jones"]
    return [CustomerFactory(last_name=names[index % 5], first_name=f"Pat{index % 7}", company="",
                            email=f"p{index}@x.example") for index in range(70)]


@pytest.mark.parametrize("page", [1, 2, 3])
def test_customer_search_pages_match_the_plain_alphabetical_query(smiths, page, django_assert_num_queries):
    expected = list(Customer.objects.filter(last_name__istartswith="smith"))[(page - 1) * 25 : page * 25]
    with django_assert_num_queries(1):
        found = page_of(customer_search("smith").select_related("default_billing_address"), page)
    assert list(found) == expected
    assert found.has_next == (page < 3)


def test_customer_search_keeps_a_customer_matching_two_fields_once():
    both = CustomerFactory(first_name="Lee", last_name="Leeson", company="Lee Supply", email="lee@x.example")
    assert list(customer_search("lee")) == [both]
    assert list(customer_search("lee")[0:25]) == [both]


def test_a_filter_after_the_search_still_applies_to_its_pages(smiths):
    narrowed = customer_search("smith").filter(first_name="Pat1")
    assert list(narrowed[0:25]) == list(Customer.objects.filter(last_name__istartswith="smith", first_name="Pat1"))


def test_identify_search_gives_last_order_dates_in_one_query(checkout_setup, django_assert_num_queries):
    shipping, _ = checkout_setup
    buyer = customer_with_address(last_name="Orderly")
    customer_with_address(last_name="Orderless")
    product = ProductFactory(stock=10)
    place(buyer, [(product.pk, 1)], shipping)
    place(buyer, [(product.pk, 1)], shipping)
    with django_assert_num_queries(1):
        found = {customer.last_name: customer.last_order_at for customer in identify_search(
            last_name="order", company="", email="")}
    assert found == {"Orderly": Order.objects.aggregate(last=Max("created_at"))["last"], "Orderless": None}


def test_order_list_deep_pages_are_the_plain_newest_first_pages(checkout_setup):
    shipping, _ = checkout_setup
    customer = customer_with_address()
    product = ProductFactory(stock=100)
    for _ in range(60):
        place(customer, [(product.pk, 1)], shipping)
    numbers = list(Order.objects.order_by("-number").values_list("number", flat=True))
    assert [order.number for order in page_of(order_search(""), 3)] == numbers[50:75]
    assert [order.number for order in page_of(order_search(customer.last_name), 2)] == numbers[25:50]
