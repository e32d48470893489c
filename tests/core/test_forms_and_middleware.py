"""Ids typed or forged into requests are parsed by one field; NUL bytes never reach a query."""

import pytest
from django.urls import reverse

from oms.core.forms import parse_id
from orders.lines import Cart
from tests.factories import CustomerFactory, ProductFactory, customer_with_address
from tests.helpers import add, checkout_form


@pytest.mark.parametrize(
    ("text", "expected"),
    [("42", 42), (" 7 ", 7), (42, 42), ("²", None), ("٣", None), ("4" * 5000, None), ("0", None), ("-1", None),
     ("9223372036854775808", None), ("1e3", None), ("\x00", None), ("", None), (None, None)],
)
def test_ids_are_ascii_digits_within_a_bigint(text, expected):
    assert parse_id(text) == expected


@pytest.mark.django_db
@pytest.mark.parametrize("forged", ["²", "4" * 5000, "12\x00", "-3", "99999999999999999999"])
def test_new_order_for_a_forged_customer_id_is_refused_without_a_cart(staff_client, forged):
    response = staff_client.post(reverse("orders:new"), {"customer_id": forged}, follow=True)
    assert response.status_code == 200
    assert b"That customer no longer exists." in response.content
    assert Cart.all(staff_client.session) == []


@pytest.mark.django_db
@pytest.mark.parametrize("forged", ["²", "4" * 5000, "\x00"])
def test_attaching_a_forged_customer_id_attaches_nobody(staff_client, new_cart, forged):
    cart_id = new_cart()
    response = staff_client.post(reverse("orders:attach", args=[cart_id]), {"customer_id": forged}, follow=True)
    assert response.status_code == 200
    assert b"That customer no longer exists; search again." in response.content
    assert Cart.get(staff_client.session, cart_id).customer_id is None


@pytest.mark.django_db
def test_a_forged_shipping_method_is_a_form_error_that_places_nothing(staff_client, checkout_setup, new_cart):
    ProductFactory(sku="SHIP-1")
    cart_id = new_cart(customer_with_address())
    add(staff_client, cart_id, "SHIP-1")
    data = checkout_form(staff_client, cart_id, shipping_method="²")
    response = staff_client.post(reverse("orders:checkout", args=[cart_id]), data)
    assert response.status_code == 200
    assert b"That shipping method is no longer offered; choose another." in response.content


@pytest.mark.django_db
@pytest.mark.parametrize(
    "url_name", ["customers:list", "catalog:list", "orders:list", "admin:customers_customer_changelist"]
)
def test_a_nul_byte_in_a_search_is_dropped_not_a_500(admin_client, url_name):
    CustomerFactory(last_name="Nulton")
    response = admin_client.get(reverse(url_name), {"q": "Nul\x00ton"})
    assert response.status_code == 200


@pytest.mark.django_db
def test_a_nul_byte_in_the_type_ahead_is_dropped(staff_client, new_cart):
    ProductFactory(sku="NUL-SKU", name="Nullable widget")
    cart_id = new_cart()
    response = staff_client.get(reverse("orders:cart_products", args=[cart_id]), {"query": "NUL-\x00SKU"})
    assert response.status_code == 200
    assert b"NUL-SKU" in response.content


def test_the_quick_number_input_draws_what_djangos_template_draws():
    from django import forms
    from selectolax.lexbor import LexborHTMLParser

    from oms.core.forms import QuickNumberInput

    attrs = {"min": 1, "max": 9999, "required": True, "disabled": False, "class": "a \"b\"", "inputmode": "numeric"}
    for value in (3, None, "²<x>"):
        quick = QuickNumberInput(attrs=attrs).render("quantity", value, {"id": "q-1"})
        django = forms.NumberInput(attrs=attrs).render("quantity", value, {"id": "q-1"})
        a, b = (LexborHTMLParser(html).css_first("input") for html in (quick, django))
        assert a.attributes == b.attributes


def test_the_quick_select_draws_what_djangos_templates_draw():
    from django import forms
    from selectolax.lexbor import LexborHTMLParser

    from oms.core.forms import QuickSelect

    choices = [("", "Any"), ("1", "Ann <admin>"), ("2", "Bo & co")]
    for value in ("", "2", "nope"):
        quick = QuickSelect(attrs={"class": "form-select"}, choices=choices).render("who", value, {"id": "w"})
        django = forms.Select(attrs={"class": "form-select"}, choices=choices).render("who", value, {"id": "w"})
        a, b = (LexborHTMLParser(html).css_first("select") for html in (quick, django))
        assert a.attributes == b.attributes
        def options(select):
            return [(option.attributes, option.text()) for option in select.css("option")]

        assert options(a) == options(b)


def test_quick_inputs_escape_what_they_draw():
    from oms.core.forms import QuickTextInput

    drawn = QuickTextInput(attrs={"data-x": 'a"b'}).render("name", '<O\'Brien & "Co">', {"id": "n"})
    assert drawn == ('<input type="text" name="name" value="&lt;O&#x27;Brien &amp; &quot;Co&quot;&gt;"'
                     ' data-x="a&quot;b" id="n">')



def test_the_quick_checkbox_draws_what_djangos_template_draws():
    from django import forms
    from selectolax.lexbor import LexborHTMLParser

    from oms.core.forms import QuickCheckboxInput

    for value in (True, False, None, "on"):
        quick = QuickCheckboxInput(attrs={"class": "form-check-input"}).render("overdue", value, {"id": "o"})
        django = forms.CheckboxInput(attrs={"class": "form-check-input"}).render("overdue", value, {"id": "o"})
        a, b = (LexborHTMLParser(html).css_first("input") for html in (quick, django))
        assert a.attributes == b.attributes
