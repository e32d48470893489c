import pytest
from django.urls import reverse

from catalog.selectors import product_by_sku, product_search
from tests.factories import ProductFactory

pytestmark = pytest.mark.django_db


def test_product_search_by_sku_prefix_and_name_words():
    lamp = ProductFactory(sku="LMP-004", name="Desk lamp, blue")
    mug = ProductFactory(sku="MUG-001", name="Coffee mug")
    assert list(product_search("lmp")) == [lamp]
    assert list(product_search("desk")) == [lamp]
    assert list(product_search("lamp")) == [lamp]  # a word inside the name
    assert list(product_search("coffee m")) == [mug]
    assert list(product_search("amp")) == []


def test_sku_lookup_is_exact_and_case_insensitive():
    product = ProductFactory(sku="WID-001")
    assert product_by_sku(" wid-001 ") == product
    assert product_by_sku("WID-00") is None


def test_inactive_products_are_left_out_when_ordering():
    ProductFactory(sku="OLD-1", is_active=False)
    assert list(product_search("old", active_only=True)) == []
    assert len(product_search("old")) == 1


def test_product_list_shows_stock(staff_client):
    ProductFactory(sku="STK-1", stock=42)
    ProductFactory(sku="STK-2", track_inventory=False)
    response = staff_client.get(reverse("catalog:list"), {"q": "stk"})
    assert b"42" in response.content and b"not tracked" in response.content
