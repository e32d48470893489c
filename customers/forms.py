from django import forms

from .models import Address, Customer


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


class NewCustomerAddressForm(AddressForm):
    """The address part of a new customer: name, company and phone come from the customer."""

    class Meta(AddressForm.Meta):
        fields = ["line1", "line2", "city", "region", "postal_code", "country"]
