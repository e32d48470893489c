import pytest
from django.urls import reverse

from catalog.selectors import product_by_sku, product_search_page
from tests.factories import ProductFactory

pytestmark = pytest.mark.django_db


def product_search(query: str, **options) -> list:
    return list(product_search_page(query, **options))


def test_product_search_by_sku_prefix_and_name_words():
    lamp = ProductFactory(sku="LMP-004", name="Desk lamp, blue")
    mug = ProductFactory(sku="MUG-001", name="Coffee mug")
    assert product_search("lmp") == [lamp]
    assert product_search("desk") == [lamp]
    assert product_search("lamp") == [lamp]  # a word inside the name
    assert product_search("coffee m") == [mug]
    assert product_search("amp") == []


def test_product_search_shows_skus_then_names_then_words():
    # given products matching "cab" by SKU, by name and by a word of the name, out of order
    word = ProductFactory(sku="AAA-1", name="Blue cable")
    name_b = ProductFactory(sku="BBB-1", name="Cabinet, oak")
    sku_2 = ProductFactory(sku="CAB-2", name="Zinc hinge")
    name_a = ProductFactory(sku="AAA-2", name="cab driver")
    sku_1 = ProductFactory(sku="cab-1", name="Zinc screw")
    # then SKU matches come first by SKU, then name starts by name, then words inside names
    assert product_search("cab") == [sku_1, sku_2, name_a, name_b, word]
    pages = [product_search_page("cab", per_page=2)]
    while pages[-1].has_next:
        pages.append(product_search_page("cab", after=pages[-1].next_cursor, per_page=2))
    assert [list(page) for page in pages] == [[sku_1, sku_2], [name_a, name_b], [word]]


def test_words_inside_names_fill_what_the_prefixes_leave_of_a_page():
    ProductFactory.create_batch(3, name="Cable tie")
    blue = ProductFactory(name="Blue cable")
    assert len(product_search_page("cab", per_page=2)) == 2  # and a third for Next: all three "Cable"
    assert blue not in product_search_page("cab", per_page=3)
    assert list(product_search_page("cab", per_page=10))[-1] == blue
    # That the words are not even read when the prefixes fill the page: test_search_plans (PostgreSQL's plans).


def test_no_term_lists_every_product_by_sku():
    second, first = ProductFactory(sku="B-1"), ProductFactory(sku="a-1")
    assert product_search("") == [first, second]


def test_sku_lookup_is_exact_and_case_insensitive():
    product = ProductFactory(sku="WID-001")
    assert product_by_sku(" wid-001 ") == product
    assert product_by_sku("WID-00") is None


def test_inactive_products_are_left_out_when_ordering():
    ProductFactory(sku="OLD-1", is_active=False)
    assert product_search("old", active_only=True) == []
    assert len(product_search("old")) == 1


def test_product_list_shows_stock(staff_client):
    ProductFactory(sku="STK-1", stock=42)
    ProductFactory(sku="STK-2", track_inventory=False)
    response = staff_client.get(reverse("catalog:list"), {"q": "stk"})
    assert b"42" in response.content and b"not tracked" in response.content
