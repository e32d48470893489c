"""The line editor (orders.views.lines) on both of its stores: every line action runs against a new order in the
session (``cart``) and a placed order being edited (``edit``), with the same answers, status codes and messages.
What only one store does (checkout, Save changes) is tested beside it: test_ordering.py, test_edit_views.py."""

import html
import re
from dataclasses import dataclass
from decimal import Decimal

import pytest
from django.contrib.auth.models import Permission
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from catalog.models import Product
from customers.models import CustomerType, TypePrice
from oms.accounts.roles import ORDER_ENTRY
from orders.models import Order
from orders.ordering.stores import MAX_QUANTITY, Cart, OrderEdit
from tests.factories import OrderFactory, ProductFactory, UserFactory, customer_with_address
from tests.helpers import add, start_cart

pytestmark = pytest.mark.django_db
D = Decimal
HTMX = {"HTTP_HX_REQUEST": "true", "HTTP_HX_TARGET": "lines-body"}


@dataclass
class Editor:
    """One store's lines as staff see them through the URLs, and the store as kept in the session."""

    kind: str
    client: Client
    args: tuple
    order: Order | None = None

    @property
    def page(self) -> str:
        return reverse(f"orders:{self.kind}", args=self.args)

    def url(self, action: str) -> str:
        return reverse(f"orders:{self.kind}_{action}", args=self.args)

    def post(self, action: str, data: dict, **headers):
        return self.client.post(self.url(action), data, **headers)

    def add(self, query, quantity=1, **extra):
        return self.post("add", {"query": query, "quantity": quantity, **extra})

    def store(self):
        session = self.client.session
        return Cart.get(session, self.args[0]) if self.kind == "cart" else OrderEdit.get(session, self.args[1],
                                                                                          self.order)

    def quantities(self) -> dict[str, int]:
        skus = dict(Product.objects.values_list("pk", "sku"))
        return {skus[pk]: quantity for pk, quantity in self.store().quantities.items()}


def open_editor(kind: str, client, lines, shipping, customer=None) -> Editor:
    """``lines`` ((product, quantity) pairs) in a new cart, or ordered and then opened in Edit order."""
    customer = customer or customer_with_address()
    if kind == "cart":
        cart_id = start_cart(client, customer)
        for product, quantity in lines:
            assert add(client, cart_id, product.sku, quantity).status_code == 302
        return Editor(kind, client, (cart_id,))
    order = OrderFactory(customer=customer, lines=lines, shipping=shipping)
    edit_url = client.post(reverse("orders:edit_start", args=[order.number])).url
    return Editor(kind, client, (order.number, re.search(r"/edit/([^/]+)/$", edit_url).group(1)), order)


@pytest.fixture(params=["cart", "edit"])
def kind(request):
    return request.param


@pytest.fixture
def opened(kind, staff_client, checkout_setup):
    """Open a store holding ``lines`` (default: 3 × KEEP at 10.00), as a Manager."""

    def make(lines=None, customer=None, client=None) -> Editor:
        lines = lines or [(ProductFactory(sku="KEEP", name="Keeper", price=D("10.00"), stock=50), 3)]
        return open_editor(kind, client or staff_client, lines, checkout_setup[0], customer)

    return make


@pytest.fixture
def editor(opened) -> Editor:
    return opened()


def keep() -> Product:
    return Product.objects.get(sku="KEEP")


def field_error(response, form_name: str, field: str) -> str:
    return " ".join(response.context[form_name].errors.get(field, []))


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


# --- Change price, Discount ----------------------------------------------------------------------------------------

def price_url(editor, product) -> str:
    return f"{editor.url('price')}?line={product.pk}"


def test_change_a_lines_price_with_a_reason(editor):
    form_page = editor.client.get(price_url(editor, keep()))
    assert form_page.status_code == 200 and "New unit price" in form_page.content.decode()
    response = editor.client.post(price_url(editor, keep()), {"price": "7.50", "reason": "Price match"}, follow=True)
    page = response.content.decode()
    assert "KEEP now 7.50 each: Price match." in page
    assert "$7.50" in page and "List $10.00: Override: Price match" in page
    assert editor.store().overrides[keep().pk].price == "7.50"


def test_with_htmx_the_price_form_comes_in_place_and_a_refusal_goes_back_into_its_slot(editor):
    form = editor.client.get(price_url(editor, keep()), HTTP_HX_REQUEST="true")
    assert form.status_code == 200 and "<html" not in form.content.decode()
    assert 'data-hx-target="#lines-body"' in form.content.decode()
    refused_price = editor.client.post(price_url(editor, keep()), {"price": "²", "reason": "x"}, **HTMX)
    assert refused_price.status_code == 200 and refused_price["HX-Retarget"] == f"#price-slot-{keep().pk}"
    assert "Enter an amount" in refused_price.content.decode()


@pytest.mark.parametrize(("price", "reason", "message"), [
    ("²", "Price match", "Enter an amount"),
    ("1\x00", "Price match", "Enter an amount"),
    ("-3", "Price match", "greater than zero"),
    ("9" * 10_000, "Price match", "Enter an amount"),
    ("5.00", "", "Say why"),
    ("5.00", "x" * 10_000, "at most 200 characters"),
    ("5.00", "a\x00b", "Null characters are not allowed"),
])
def test_bad_prices_and_reasons_are_refused_beside_the_field_and_kept(editor, price, reason, message):
    response = editor.client.post(price_url(editor, keep()), {"price": price, "reason": reason})
    assert response.status_code == 400
    page = response.content.decode()
    assert message in page and 'class="invalid-feedback"' in page
    if "\x00" not in price and len(price) < 100:
        assert f'value="{price}"' in page
    assert editor.store().overrides == {}


def test_a_price_for_a_line_not_there_changes_nothing(editor):
    stranger = ProductFactory(sku="STRANGER")
    response = editor.client.post(price_url(editor, stranger), {"price": "1.00", "reason": "x"}, follow=True)
    assert "That line is no longer in the order." in response.content.decode()
    assert editor.store().overrides == {}


def test_a_discount_needs_a_reason_and_zero_removes_it(editor):
    url = editor.url("discount")
    refused_discount = editor.client.post(url, {"discount-discount": "10%", "discount-reason": ""})
    assert refused_discount.status_code == 400 and "Say why" in refused_discount.content.decode()
    response = editor.client.post(url, {"discount-discount": "10%", "discount-reason": "Loyal customer"}, follow=True)
    page = response.content.decode()
    assert "Discount of 10% applied: Loyal customer." in page
    assert "Discount 10% (Loyal customer)" in page and "−$3.00" in page
    response = editor.client.post(url, {"discount-discount": "0", "discount-reason": ""}, follow=True)
    assert "Discount removed." in response.content.decode()
    assert response.context["review"].discount is None


@pytest.mark.parametrize(("typed", "message"), [
    ("101%", "at most 100%"), ("-5", "cannot be negative"), ("²", "Enter an amount"), ("1\x00", "Null characters"),
    ("9" * 10_000, "at most 20 characters"),
])
def test_bad_discounts_are_refused(editor, typed, message):
    response = editor.client.post(editor.url("discount"),
                                  {"discount-discount": typed, "discount-reason": "Loyal customer"})
    assert response.status_code == 400
    assert message in response.content.decode()
    assert editor.store().discount is None


def test_without_change_price_no_control_shows_and_a_forged_one_is_refused(opened):
    user = UserFactory(username="clerk", role=ORDER_ENTRY)
    user.user_permissions.add(Permission.objects.get(codename="edit_order"))
    client = Client()
    client.force_login(user)  # after the permission is given: permissions are read at login
    editor = opened(client=client)
    page = client.get(editor.page).content.decode()
    assert "Change price" not in page and "Give a discount" not in page
    assert "New custom item" in page  # custom items are anyone's who may change the lines
    assert client.get(price_url(editor, keep())).status_code == 403
    assert client.post(price_url(editor, keep()), {"price": "1.00", "reason": "forged"}).status_code == 403
    assert client.post(editor.url("discount"), {"discount-discount": "50%",
                                                "discount-reason": "forged"}).status_code == 403
    assert editor.store().overrides == {} and editor.store().discount is None


# --- Custom items --------------------------------------------------------------------------------------------------

def test_custom_items_are_added_priced_and_removed(editor):
    response = editor.post("custom", {"custom-description": "Freight", "custom-unit_price": "45.00",
                                      "custom-quantity": "1"}, follow=True)  # the taxable box unticked
    assert "Added 1 × Freight." in response.content.decode()
    [line] = [line for line in editor.store().custom_lines if line.description == "Freight"]
    assert (line.unit_price, line.taxable) == ("45.00", False)
    page = editor.client.get(editor.page).content.decode()
    assert "Freight" in page and "(not taxed)" in page and "$45.00" in page
    response = editor.post("line", {"custom": line.id, "remove": "1"}, follow=True)
    assert "Custom item removed." in response.content.decode()
    assert editor.store().custom_lines == []
    response = editor.post("line", {"custom": "nope", "remove": "1"}, follow=True)
    assert "That custom item is no longer in the order." in response.content.decode()


@pytest.mark.parametrize(("field", "value", "message"), [
    ("custom-description", "", "Describe the item"),
    ("custom-description", "x" * 10_000, "at most 200 characters"),
    ("custom-description", "a\x00b", "Null characters"),
    ("custom-unit_price", "²", "Enter an amount"),
    ("custom-quantity", "²", "Enter a whole number"),
    ("custom-quantity", "0", "at least 1"),
])
def test_bad_custom_items_are_refused(editor, field, value, message):
    data = {"custom-description": "Setup", "custom-unit_price": "10", "custom-quantity": "1", "custom-taxable": "on"}
    response = editor.post("custom", data | {field: value})
    assert response.status_code == 400
    assert message in response.content.decode()
    assert editor.store().custom_lines == []


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
