from django import forms
from django.forms.utils import flatatt
from django.utils.html import escape
from django.utils.safestring import mark_safe

from .models import Address, Customer


class CountrySelect(forms.Select):
    """The country list built in Python: rendering its ~250 options through Django's
    per-option templates took about 7 ms a select, on every checkout and Identify page."""

    def render(self, name, value, attrs=None, renderer=None):
        attrs = self.build_attrs(self.attrs, attrs) | {"name": name}
        chosen = str(value or "")
        options = "".join(
            f'<option value="{escape(code)}"{" selected" if str(code) == chosen else ""}>{escape(label)}</option>'
            for code, label in self.choices
        )
        return mark_safe(f"<select{flatatt(attrs)}>{options}</select>")


class CustomerForm(forms.ModelForm):
    class Meta:
        model = Customer
        fields = ["first_name", "last_name", "company", "email", "phone", "notes"]
        widgets = {"notes": forms.Textarea(attrs={"rows": 3})}


class AddressForm(forms.ModelForm):
    """A full address, as kept in a customer's address book."""

    class Meta:
        model = Address
        fields = ["name", "company", "line1", "line2", "city", "region", "postal_code", "country", "phone"]
        widgets = {"country": CountrySelect}


class NewCustomerAddressForm(forms.ModelForm):
    """The address part of a new customer: name, company and phone come from the customer."""

    class Meta:
        model = Address
        fields = ["line1", "line2", "city", "region", "postal_code", "country"]
        widgets = {"country": CountrySelect}
