from functools import lru_cache

from django import forms
from django.forms.utils import flatatt
from django.utils.html import escape
from django.utils.safestring import mark_safe
from django.utils.translation import get_language
from django_countries import countries

from oms.core.forms import PlainFieldsMixin, QuickEmailInput, QuickTextInput

from .models import Address, Customer


@lru_cache(maxsize=8)
def country_options(language: str | None) -> str:
    """Every country as an <option>, named and ordered in ``language`` (the active one when called)."""
    return "".join(f'<option value="{escape(code)}">{escape(name)}</option>' for code, name in countries)


class CountrySelect(forms.Select):
    """The country list (django-countries' countries, as Address.country offers them) built once per language:
    through Django's per-option templates it took about 7 ms a select, and even normalising the ~250 lazy choices
    on every render took 2-3 ms, on every checkout and Identify page."""

    def render(self, name, value, attrs=None, renderer=None):
        attrs = self.build_attrs(self.attrs, attrs) | {"name": name}
        chosen = f'<option value="{escape(value or "")}">'
        options = country_options(get_language()).replace(chosen, f"{chosen[:-1]} selected>", 1)
        return mark_safe(f"<select{flatatt(attrs)}>{options}</select>")

    def use_required_attribute(self, initial) -> bool:
        # Every option is a country, none blank, so HTML allows no "required" here; Select would normalise
        # all the lazy choices to find that out.
        return False


class CustomerForm(PlainFieldsMixin, forms.ModelForm):
    class Meta:
        model = Customer
        fields = ["first_name", "last_name", "company", "email", "phone", "notes"]
        widgets = {"first_name": QuickTextInput, "last_name": QuickTextInput, "company": QuickTextInput,
                   "email": QuickEmailInput, "phone": QuickTextInput, "notes": forms.Textarea(attrs={"rows": 3})}


class AddressForm(PlainFieldsMixin, forms.ModelForm):
    """A full address, as kept in a customer's address book. Drawn as plain field groups: checkout shows two
    (billing and shipping, 18 fields), which through crispy's field template took about 6 ms a page."""

    class Meta:
        model = Address
        fields = ["name", "company", "line1", "line2", "city", "region", "postal_code", "country", "phone"]
        widgets = {name: QuickTextInput for name in fields if name != "country"} | {"country": CountrySelect}


class NewCustomerAddressForm(AddressForm):
    """The address part of a new customer: name, company and phone come from the customer."""

    class Meta(AddressForm.Meta):
        fields = ["line1", "line2", "city", "region", "postal_code", "country"]
