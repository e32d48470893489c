"""The line editor (orders.views.lines) on both of its stores: every line action runs against a new order in the
session (``cart``) and a placed order being edited (``edit``), with the same answers, status codes and messages.
What only one store does (checkout, Save changes) is tested beside it: test_ordering.py, test_edit_views.py;
prices, discounts and custom items in test_line_prices.py."""

import html
import re
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from catalog.models import Product
from customers.models import CustomerType, TypePrice
from orders.ordering.stores import MAX_QUANTITY
from tests.factories import ProductFactory, customer_with_address
from tests.orders.ordering.line_editor import HTMX, field_error, keep, open_editor, price_url

pytestmark = pytest.mark.django_db
D = Decimal


# --- Add ---------------------------------------------------------------------------------------------------------

def test_add_a_product_by_sku_raises_a_line_already_there_and_says_so(editor):
    ProductFactory(sku="ADD-1", name="Added thing", price=D("2.00"), stock=9)
    response = editor.add("add-1", 2)
    assert response.status_code == 302 and response.url == editor.page
    editor.add("KEEP", 1)
    assert editor.quantities() == {"KEEP": 4, "ADD-1": 2}
    page = editor.client.get(editor.page).content.decode()
    assert "Added 2 × ADD-1 Added thing." in page and "Added 1 × KEEP Keeper." in page


@pytest.mark.parametrize(
    ("query", "message"),
    [("NOPE-123", "No active product matches"), ("OLD-1", "no longer sold"), ("", "Enter a SKU"),
     ("x" * 10_000, "at most 100")],
)
def test_unknown_inactive_or_missing_sku_is_explained_and_kept(editor, query, message):
    ProductFactory(sku="OLD-1", is_active=False)
    response = editor.add(query, 3)
    assert response.status_code == 400
    assert message in field_error(response, "add_form", "query")
    assert response.context["add_form"]["query"].value() == query
    assert f'value="{query}"' in response.content.decode() or not query
    assert editor.quantities() == {"KEEP": 3}


@pytest.mark.parametrize(
    ("quantity", "message"),
    [("", "Enter a quantity"), ("abc", "whole number"), ("1.5", "whole number"), ("0", "at least 1"),
     ("-4", "at least 1"), ("10000", "at most 9,999"), ("٣", "whole number"), ("３", "whole number"),
     ("²", "whole number"), ("1٣", "whole number")],
)
def test_bad_quantities_to_add_are_explained_and_kept(editor, quantity, message):
    ProductFactory(sku="Q-1")
    response = editor.add("Q-1", quantity)
    assert response.status_code == 400
    assert message in field_error(response, "add_form", "quantity")
    assert response.context["add_form"]["quantity"].value() == quantity
    assert [line.sku for line in response.context["review"].lines] == ["KEEP"]


def test_adding_past_the_line_limit_is_refused(editor):
    response = editor.add("KEEP", MAX_QUANTITY)
    assert response.status_code == 400
    assert "That would make 10,002 of KEEP" in field_error(response, "add_form", "quantity")
    assert editor.quantities() == {"KEEP": 3}


def test_several_matches_are_offered_to_choose_from_and_a_choice_adds_it(editor):
    ProductFactory(sku="BOLT-1", name="Bolt small")
    bolt = ProductFactory(sku="BOLT-2", name="Bolt large")
    response = editor.add("bolt", 2)
    assert response.status_code == 200
    assert "Several products match “bolt”" in response.content.decode()
    assert editor.add("bolt", 2, product_id=bolt.pk).status_code == 302
    assert editor.quantities() == {"KEEP": 3, "BOLT-2": 2}


def test_the_type_ahead_offers_active_products(editor):
    ProductFactory(sku="TYPE-1", name="Typewriter")
    ProductFactory(sku="TYPE-2", name="Typeface", is_active=False)
    response = editor.client.get(editor.url("products"), {"query": "type"})
    page = response.content.decode()
    assert response.status_code == 200 and "TYPE-1" in page and "TYPE-2" not in page and "<html" not in page


def test_the_add_field_asks_for_the_type_ahead_of_its_own_store(editor):
    page = editor.client.get(editor.page).content.decode()
    assert f'data-hx-get="{editor.url("products")}"' in page


# --- A line's Update and Remove --------------------------------------------------------------------------------

def test_update_and_remove_a_line(editor):
    ProductFactory(sku="GONE", stock=5)
    editor.add("GONE", 1)
    response = editor.post("line", {"line": keep().pk, "quantity": "5"}, follow=True)
    assert "Quantity updated." in response.content.decode()
    response = editor.post("line", {"line": Product.objects.get(sku="GONE").pk, "remove": "1"}, follow=True)
    assert "Line removed." in response.content.decode()
    assert editor.quantities() == {"KEEP": 5}


@pytest.mark.parametrize(
    ("quantity", "message"),
    [("²", "Enter a whole number"), ("0", "at least 1"), ("10000", "at most 9,999"), ("x" * 10_000, "whole number")],
)
def test_a_bad_quantity_is_refused_next_to_the_line_with_what_was_typed(editor, quantity, message):
    response = editor.post("line", {"line": keep().pk, "quantity": quantity})
    assert response.status_code == 400
    form = response.context["line_forms"][keep().pk]
    assert message in form.errors["quantity"][0] and f'value="{quantity}"' in response.content.decode()
    assert editor.quantities() == {"KEEP": 3}


def test_a_bad_quantity_is_shown_beside_that_line_only(editor):
    from selectolax.lexbor import LexborHTMLParser

    other = ProductFactory(sku="L-2")
    editor.add("L-2", 5)
    response = editor.post("line", {"line": other.pk, "quantity": "12000"})
    page = LexborHTMLParser(response.content.decode())
    inputs = {node.attributes["id"]: node.attributes for node in page.css("#order-lines input[name=quantity]")}
    assert len(inputs) == 2  # one input per line, each with an id of its own
    good, bad = inputs[f"line-{keep().pk}-quantity"], inputs[f"line-{other.pk}-quantity"]
    assert (good["value"], good["max"], good["min"]) == ("3", str(MAX_QUANTITY), "1")
    assert "aria-invalid" not in good
    assert (bad["value"], bad["aria-invalid"]) == ("12000", "true")
    rows = {row.css_first("td").text(): row for row in page.css("#order-lines tbody tr")}
    assert "at most 9,999" in rows["L-2"].css_first(f"#{bad['aria-describedby']}").text()
    assert rows["KEEP"].css_first(".invalid-feedback") is None
    assert page.css_first(f"label[for=line-{other.pk}-quantity]").text() == "Units of L-2"


def test_a_line_of_another_order_or_no_line_changes_nothing(editor):
    stranger = ProductFactory(sku="STRANGER")
    for data in ({"line": stranger.pk, "quantity": "2"}, {"line": "x" * 50, "remove": "1"}, {}):
        response = editor.post("line", data, follow=True)
        assert "That line is no longer in the order." in response.content.decode()
    assert editor.quantities() == {"KEEP": 3}


# --- Paste lines ---------------------------------------------------------------------------------------------------

def box(response) -> str:
    match = re.search(r'<textarea name="text"[^>]*>\n?(.*?)</textarea>', response.content.decode(), re.S)
    return html.unescape(match.group(1))


def refused(response) -> list[str]:
    found = re.search(r'<div id="paste-refused".*?</div>', response.content.decode(), re.S)
    return [html.unescape(re.sub(r"<[^>]+>", "", item)).strip()
            for item in re.findall(r"<li>(.*?)</li>", found.group(0), re.S)] if found else []


def test_a_paste_adds_what_it_understands_and_keeps_the_rest_in_the_box(editor):
    ProductFactory(sku="NEW-1")
    response = editor.post("paste", {"text": "KEEP 2\n4 x new-1\nNOPE 1"}, follow=True)
    assert response.redirect_chain == [(editor.page, 302)]
    assert editor.quantities() == {"KEEP": 5, "NEW-1": 4}
    assert "Added 2 products from the paste: 2 × KEEP, 4 × NEW-1." in response.content.decode()
    assert refused(response) == ["NOPE 1: Unknown SKU “NOPE”: no product has it."]
    assert box(response) == "NOPE 1"
    again = editor.client.get(editor.page)  # shown once
    assert box(again) == "" and refused(again) == []


def test_a_paste_refused_whole_keeps_the_text_and_changes_nothing(editor):
    text = "\n".join(f"KEEP {index}" for index in range(1, 202))
    response = editor.post("paste", {"text": text})
    assert response.status_code == 400
    assert "This paste has 201 lines" in response.content.decode()
    assert box(response) == text
    assert re.search(r'<textarea name="text"[^>]*autofocus', response.content.decode())
    assert editor.quantities() == {"KEEP": 3}


def test_a_paste_past_the_line_limit_is_refused_for_that_line(editor):
    ProductFactory(sku="CD-200")
    response = editor.post("paste", {"text": "KEEP 9996\nKEEP 1\nCD-200 3"}, follow=True)
    assert editor.quantities() == {"KEEP": MAX_QUANTITY, "CD-200": 3}
    assert refused(response) == ["KEEP 1: That would make 10,000 of KEEP (9,999 already in the order or earlier in "
                                 "the paste); one line holds at most 9,999."]


# --- In place with htmx: the same answers, 200 with the reasons in the fragment -------------------------------

def test_with_htmx_a_change_answers_the_lines_alone_with_its_message(editor):
    ProductFactory(sku="HX-1")
    response = editor.post("add", {"query": "HX-1", "quantity": 2}, follow=True, **HTMX)
    page = response.content.decode()
    assert response.status_code == 200 and page.lstrip().startswith('<div id="lines-body"') and "<h1" not in page
    assert "Added 2 × HX-1" in page
    assert re.search(r'<input[^>]*autofocus[^>]*id="id_query"|<input[^>]*id="id_query"[^>]*autofocus', page)


@pytest.mark.parametrize(("action", "data", "message"), [
    ("add", {"query": "", "quantity": "1"}, "Enter a SKU"),
    ("line", {"line": "KEEP", "quantity": "0"}, "at least 1"),
    ("paste", {"text": ""}, "Paste at least one line"),
])
def test_with_htmx_a_refusal_answers_200_with_the_reason_in_the_lines(editor, action, data, message):
    data = {key: keep().pk if value == "KEEP" else value for key, value in data.items()}
    response = editor.post(action, data, **HTMX)
    page = response.content.decode()
    assert response.status_code == 200 and page.lstrip().startswith('<div id="lines-body"')
    assert message in page
    assert editor.client.post(editor.url(action), data).status_code == 400  # the same, as a whole page


# --- What a page costs -----------------------------------------------------------------------------------------

def test_the_page_queries_do_not_grow_with_lines_for_a_priced_customer(kind, staff_client, checkout_setup):
    dealer = CustomerType.objects.create(name="Dealer", percent_off=D("5"))
    counts = []
    for size in (1, 50):
        products = ProductFactory.create_batch(size, stock=100)
        for product in products:
            TypePrice.objects.create(customer_type=dealer, product=product, price=D("1.00"))
        editor = open_editor(kind, staff_client, [(product, 1) for product in products], checkout_setup[0],
                             customer_with_address(customer_type=dealer))
        staff_client.post(price_url(editor, products[-1]), {"price": "0.50", "reason": "x"})
        editor.add(ProductFactory(stock=5).sku, 2)  # a line new to the order (priced from the catalogue)
        with CaptureQueriesContext(connection) as queries:
            assert staff_client.get(editor.page).status_code == 200
        counts.append(len(queries))
    assert counts[0] == counts[1]


def test_a_paste_of_two_hundred_lines_costs_what_a_paste_of_one_does(kind, staff_client, checkout_setup):
    products = ProductFactory.create_batch(198)
    counts = []
    for pasted in (products[:1], products):  # with the two refused lines: 3 lines, then 200
        editor = open_editor(kind, staff_client, [(ProductFactory(), 1)], checkout_setup[0])
        staff_client.get(editor.page)
        text = "\n".join(f"{product.sku} 2" for product in pasted) + "\nNOPE 1\nOLD 0"
        with CaptureQueriesContext(connection) as post:
            staff_client.post(editor.url("paste"), {"text": text})
        with CaptureQueriesContext(connection) as page:
            staff_client.get(editor.page)
        counts.append((len(post), len(page)))
        assert len(editor.quantities()) == len(pasted) + 1
    assert counts[0] == counts[1]
    product_reads = [query["sql"] for query in post.captured_queries if '"catalog_product"' in query["sql"]]
    assert len(product_reads) == 1
