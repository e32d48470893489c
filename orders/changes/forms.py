"""The forms of changing a placed order: `Edit order`'s addresses and shipping, `Cancel order`, `Put on hold`."""

from django import forms

from oms.core.validators import validate_no_card_number


class CancelOrderForm(forms.Form):
    reason = forms.CharField(
        label="Reason", max_length=500, validators=[validate_no_card_number],
        error_messages={"required": "Say why the order is cancelled (the customer asked, out of stock, ...)."},
        widget=forms.TextInput(attrs={"autofocus": True, "autocomplete": "off"}),
    )


class HoldForm(forms.Form):
    reason = forms.CharField(
        label="Reason", max_length=200, validators=[validate_no_card_number],
        error_messages={"required": "Say why the order is on hold (payment to check, address to confirm, ...)."},
        widget=forms.TextInput(attrs={"autofocus": True, "autocomplete": "off"}),
    )
