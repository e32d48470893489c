"""`Record payment`'s and `Refund`'s forms."""

from django import forms
from django.utils import timezone

from oms.core.forms import AmountField
from oms.core.validators import validate_no_card_number
from orders.forms import email_checkbox, submission_token_field
from orders.payments.models import Payment


def _not_in_future(value):
    if value > timezone.localdate():
        raise forms.ValidationError("That date is in the future: enter the day it happened.")
    return value


class PaymentForm(forms.Form):
    token = submission_token_field()
    amount = AmountField(label="Amount", widget=forms.TextInput(attrs={"inputmode": "decimal", "autofocus": True,
                                                                        "autocomplete": "off"}))
    method = forms.ChoiceField(label="Method", choices=Payment.Method.choices, initial=Payment.Method.CHECK)
    reference = forms.CharField(label="Reference", max_length=100, required=False,
                                validators=[validate_no_card_number],
                                help_text="Check number, transfer reference or terminal authorization code. "
                                          "Never a card number.")
    received_on = forms.DateField(label="Date received", widget=forms.DateInput(attrs={"type": "date"}))
    accept_overpayment = forms.BooleanField(
        label="Accept overpayment", required=False,
        help_text="Only when the customer really paid more: the difference is kept as their credit.")

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("initial", {}).setdefault("received_on", timezone.localdate())
        super().__init__(*args, **kwargs)

    def clean_reference(self):
        return self.cleaned_data["reference"].strip()

    def clean_received_on(self):
        return _not_in_future(self.cleaned_data["received_on"])


class RefundForm(forms.Form):
    token = submission_token_field()
    amount = AmountField(label="Amount", widget=forms.TextInput(attrs={"inputmode": "decimal", "autofocus": True,
                                                                        "autocomplete": "off"}))
    method = forms.ChoiceField(label="Method", choices=Payment.Method.choices,
                               error_messages={"invalid_choice": "Choose one of the methods in the list."},
                               help_text="The method the customer paid with, or Store credit to keep it for their "
                                         "next order.")
    reference = forms.CharField(label="Reference", max_length=100, required=False,
                                validators=[validate_no_card_number],
                                help_text="Check number, transfer reference or terminal authorization code. "
                                          "Never a card number.")
    send_email = forms.BooleanField(label="Send refund confirmation email", required=False)

    def __init__(self, *args, customer_email: str, **kwargs):
        super().__init__(*args, **kwargs)
        email_checkbox(self, "send_email", customer_email)

    def clean_reference(self):
        return self.cleaned_data["reference"].strip()
