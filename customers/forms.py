from django import forms
from django.utils.translation import get_language
from django_countries.widgets import LazySelect

from .models import Address, Customer


class CountrySelect(LazySelect):
    """django-countries' select of every country, drawn once for each name, value, attributes and language, then
    kept for the life of the process.

    Every address form lists the same 250 countries, and Django's option template takes about as long to draw
    them as the rest of Identify takes: checkout and the order editor draw two, Identify one, and that alone put
    them over their 25 ms budget (README, Performance budgets). The HTML is Django's own; only drawing it again
    is saved. For the full country list only: a select of other choices under the same name would be given
    this one's options.
    """

    _drawn: dict[tuple, str] = {}
    _most = 256  # about 11 kB each: 4 form prefixes x the countries in use x with or without an error

    def render(self, name, value, attrs=None, renderer=None):
        drawn_attrs = tuple(sorted(self.build_attrs(self.attrs, attrs).items()))
        key = (name, str(value or ""), drawn_attrs, get_language())
        html = self._drawn.get(key)
        if html is None:
            html = super().render(name, value, attrs, renderer)
            if len(self._drawn) < self._most:
                self._drawn[key] = html
        return html


class CustomerForm(forms.ModelForm):
    class Meta:
        model = Customer
        fields = ["first_name", "last_name", "company", "email", "phone", "notes"]
        widgets = {"notes": forms.Textarea(attrs={"rows": 3})}


class AddressForm(forms.ModelForm):
    """A full address, as kept in a customer's address book (the country is django-countries' own select)."""

    class Meta:
        model = Address
        fields = ["name", "company", "line1", "line2", "city", "region", "postal_code", "country", "phone"]
        widgets = {"country": CountrySelect}

    def snapshot(self) -> dict[str, str]:
        """The valid address as an order keeps it (Address.as_snapshot's shape)."""
        return {field: str(self.cleaned_data.get(field) or "") for field in Address.SNAPSHOT_FIELDS}


class NewCustomerAddressForm(AddressForm):
    """The address part of a new customer: name, company and phone come from the customer."""

    class Meta(AddressForm.Meta):
        fields = ["line1", "line2", "city", "region", "postal_code", "country"]
