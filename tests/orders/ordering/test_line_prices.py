"""The line editor's prices on both of its stores (a new order, an order being edited): Change price, Discount and
custom items, with the same answers, status codes and messages (the other line actions: test_lines.py)."""

from decimal import Decimal

import pytest
from django.contrib.auth.models import Permission
from django.test import Client

from oms.accounts.roles import ORDER_ENTRY
from tests.factories import ProductFactory, UserFactory
from tests.orders.ordering.line_editor import HTMX, keep, price_url

pytestmark = pytest.mark.django_db
D = Decimal


# --- Change price, Discount ----------------------------------------------------------------------------------------

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
