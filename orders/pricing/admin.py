"""Admin for what prices and taxes an order: customer types (with their own prices), price reasons, tax rates.

The customer type lives in customers, but its payment methods are the orders' (customers knows nothing of
orders), so it is registered here, where both are known."""

from django import forms
from django.contrib import admin

from customers.admin import TypePriceInline
from customers.models import CustomerType
from orders.models import Order
from orders.pricing.models import PriceReason, ShippingMethod, TaxRate


class CustomerTypeForm(forms.ModelForm):
    payment_methods = forms.MultipleChoiceField(
        label="Allowed payment methods", choices=Order.PaymentMethod.choices, required=False,
        widget=forms.CheckboxSelectMultiple, help_text="None ticked: every method.")

    class Meta:
        model = CustomerType
        fields = ["name", "percent_off", "tax_exempt", "payment_methods", "payment_terms_days", "credit_limit",
                  "hold_when_overdue"]


@admin.register(CustomerType)
class CustomerTypeAdmin(admin.ModelAdmin):
    form = CustomerTypeForm
    list_display = ["name", "percent_off", "tax_exempt", "payment_terms_days", "methods", "credit_limit",
                    "hold_when_overdue"]
    list_filter = ["tax_exempt", "payment_terms_days", "hold_when_overdue"]
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


@admin.register(ShippingMethod)
class ShippingMethodAdmin(admin.ModelAdmin):
    list_display = ["name", "price", "is_active", "position"]
    list_editable = ["price", "is_active", "position"]
    list_filter = ["is_active"]
    search_fields = ["name"]


@admin.register(TaxRate)
class TaxRateAdmin(admin.ModelAdmin):
    """Rates by destination: the most specific active row for the shipping address wins (orders.selectors.tax_for)."""

    list_display = ["name", "country", "region", "rate", "tax_shipping", "is_active", "created_at"]
    list_filter = ["is_active", "tax_shipping", "country"]
    search_fields = ["name", "^region"]
