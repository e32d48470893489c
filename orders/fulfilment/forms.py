"""Forms for what happens after placing: Record payment and Mark shipped."""

import re

from django import forms
from django.utils import timezone

from oms.core.forms import IdField
from orders.forms import submission_token_field
from orders.fulfilment.models import Carrier
from orders.models import OrderLine
from orders.payments.forms import _not_in_future

TRACKING = re.compile(r"[A-Za-z0-9-]{4,40}")


MAX_TRACKING_NUMBERS = 20


class ShipmentForm(forms.Form):
    token = submission_token_field()
    carrier = forms.ModelChoiceField(label="Carrier", queryset=Carrier.objects.none(),
                                     error_messages={"required": "Choose the carrier.",
                                                     "invalid_choice": "That carrier is no longer offered."})
    tracking_numbers = forms.CharField(
        label="Tracking number", max_length=1000, required=False,
        widget=forms.TextInput(attrs={"autocomplete": "off", "autofocus": True}),
        help_text="One or more, separated by spaces or commas.")
    shipped_on = forms.DateField(label="Ship date", widget=forms.DateInput(attrs={"type": "date"}))
    send_email = forms.BooleanField(label="Send shipping confirmation email", required=False)

    def __init__(self, *args, lines: list[OrderLine], customer_email: str, **kwargs):
        initial = kwargs.setdefault("initial", {})
        initial.setdefault("shipped_on", timezone.localdate())
        initial.setdefault("send_email", bool(customer_email))
        super().__init__(*args, **kwargs)
        self.fields["carrier"].queryset = Carrier.objects.filter(is_active=True)
        # only what the stock covers: units on backorder wait for Receive stock
        self.lines = [line for line in lines if line.quantity_shippable]
        for line in self.lines:
            self.fields[f"line_{line.pk}"] = IdField(
                label=f"Quantity to ship of {line.sku}", min_value=0, max_value=line.quantity_shippable,
                initial=line.quantity_shippable, widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
                error_messages={"invalid": "Enter a whole number, such as 0 or 3.",
                                "max_value": f"At most {line.quantity_shippable:,} can ship now.",
                                "required": "Enter a quantity (0 to leave it)."})
        if not customer_email:
            self.fields["send_email"].disabled = True
            self.fields["send_email"].initial = False
            self.fields["send_email"].help_text = "The order has no email address."

    def line_fields(self):
        return [(line, self[f"line_{line.pk}"]) for line in self.lines]

    def clean_tracking_numbers(self):
        numbers = [number for number in re.split(r"[\s,;]+", self.cleaned_data["tracking_numbers"]) if number]
        if bad := [number for number in numbers if not TRACKING.fullmatch(number)]:
            raise forms.ValidationError(f"“{bad[0][:40]}” is not a tracking number: 4 to 40 letters, digits "
                                        "or dashes each, separated by spaces or commas.")
        if len(numbers) > MAX_TRACKING_NUMBERS:
            raise forms.ValidationError(f"At most {MAX_TRACKING_NUMBERS} tracking numbers per shipment.")
        return list(dict.fromkeys(numbers))

    def clean_shipped_on(self):
        return _not_in_future(self.cleaned_data["shipped_on"])

    def quantities(self) -> dict[int, int]:
        return {line.pk: self.cleaned_data[f"line_{line.pk}"] for line in self.lines}
