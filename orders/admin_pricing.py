"""Admin for what prices and taxes an order: customer types (with their own prices), price reasons, tax rates.

The customer type lives in customers, but its payment methods are the orders' (customers knows nothing of
orders), so it is registered here, where both are known."""

from django import forms
from django.contrib import admin

from customers.admin import TypePriceInline
from customers.models import CustomerType

from .models import Order, PriceReason


class CustomerTypeForm(forms.ModelForm):
    payment_methods = forms.MultipleChoiceField(
        label="Allowed payment methods", choices=Order.PaymentMethod.choices, required=False,
        widget=forms.CheckboxSelectMultiple, help_text="None ticked: every method.")

    class Meta:
        model = CustomerType
        fields = ["name", "percent_off", "tax_exempt", "payment_methods", "payment_terms_days"]


@admin.register(CustomerType)
class CustomerTypeAdmin(admin.ModelAdmin):
    form = CustomerTypeForm
    list_display = ["name", "percent_off", "tax_exempt", "payment_terms_days", "methods"]
    list_filter = ["tax_exempt", "payment_terms_days"]
    search_fields = ["name"]
    inlines = [TypePriceInline]

    @admin.display(description="Payment methods")
    def methods(self, kind: CustomerType) -> str:
        labels = dict(Order.PaymentMethod.choices)
        return ", ".join(labels.get(code, code) for code in kind.payment_methods) or "All"


@admin.register(PriceReason)
class PriceReasonAdmin(admin.ModelAdmin):
    list_display = ["text", "is_active", "position"]
    list_editable = ["is_active", "position"]
    list_filter = ["is_active"]
    search_fields = ["text"]
