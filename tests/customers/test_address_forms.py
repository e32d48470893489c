"""The address forms' country select: django-countries' own HTML, drawn once and then reused."""

import pytest
from django_countries.widgets import LazySelect

from customers.forms import AddressForm, NewCustomerAddressForm

pytestmark = pytest.mark.django_db


def country_html(form) -> str:
    return str(form["country"])


def selected(html: str) -> list[str]:
    return [part.split('"')[1] for part in html.split("<option ")[1:] if " selected>" in part.split("</option>")[0]]


def test_each_form_shows_its_own_country_chosen():
    shipping = country_html(AddressForm(prefix="shipping", initial={"country": "CA"}))
    billing = country_html(AddressForm(prefix="billing", initial={"country": "US"}))
    assert selected(shipping) == ["CA"]
    assert selected(billing) == ["US"]
    assert selected(country_html(AddressForm(prefix="shipping", initial={"country": "MX"}))) == ["MX"]


def test_a_refused_country_is_marked_on_its_own_select_only():
    refused = AddressForm({"billing-line1": "1 Main St", "billing-city": "Town", "billing-country": "XX"},
                          prefix="billing")
    assert "country" in refused.errors
    assert 'aria-invalid="true"' in country_html(refused)
    # the same name and value, not refused: an order's address kept from before its country left the list
    assert 'aria-invalid' not in country_html(AddressForm(prefix="billing", initial={"country": "XX"}))


@pytest.mark.parametrize("form", [
    lambda: AddressForm(prefix="shipping", initial={"country": "GB"}),
    lambda: AddressForm({"billing-country": "XX"}, prefix="billing"),
    lambda: NewCustomerAddressForm(prefix="new"),
], ids=["chosen", "refused", "new customer"])
def test_the_select_is_what_django_countries_draws(form):
    kept, stock = form(), form()
    for each in (kept, stock):
        if each.is_bound:
            each.full_clean()  # a refused country draws with its error
    again = country_html(kept)  # the second drawing comes from what the first kept
    stock.fields["country"].widget = LazySelect(choices=stock.fields["country"].choices)
    assert country_html(kept) == again == country_html(stock)
