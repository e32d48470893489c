"""The quote's forms: its terms (`Valid until`, `Reserve stock until then`), `Withdraw quote`, and the quotes
list's filters."""

from django import forms
from django.utils import timezone

from oms.core.validators import validate_no_card_number
from orders.forms import DatePickerInput
from orders.quotes.models import Quote
from orders.quotes.services import default_valid_until

DATE_INVALID = {"invalid": "Enter a date such as 2026-11-27."}


class QuoteTermsForm(forms.Form):
    valid_until = forms.DateField(label="Valid until", widget=DatePickerInput(), error_messages=DATE_INVALID,
                                  help_text="The quoted prices stand through this day.")
    reserve_stock = forms.BooleanField(label="Reserve stock until then", required=False,
                                       help_text="Nobody else may order the quoted units until then.")

    def clean_valid_until(self):
        valid_until = self.cleaned_data["valid_until"]
        if valid_until < timezone.localdate():
            raise forms.ValidationError("Choose today or a later day.")
        if valid_until.year > timezone.localdate().year + 5:
            raise forms.ValidationError("Choose a day within five years.")
        return valid_until


def quote_terms_form(quote: Quote | None = None) -> QuoteTermsForm:
    """The terms as a new quote starts (valid for QUOTE_VALID_DAYS) or as ``quote`` has them (an expired one's
    day moved to the default, for a revision that renews it)."""
    if quote is None:
        return QuoteTermsForm(prefix="quote", initial={"valid_until": default_valid_until()})
    valid_until = max(quote.valid_until, default_valid_until()) if quote.expired else quote.valid_until
    return QuoteTermsForm(prefix="quote", initial={"valid_until": valid_until, "reserve_stock": quote.reserve_stock})


class WithdrawForm(forms.Form):
    reason = forms.CharField(label="Reason", max_length=200, validators=[validate_no_card_number],
                             help_text="Why the quote no longer stands: the customer declined, ordered elsewhere…")


class QuoteFilterForm(forms.Form):
    """The quotes list's filters, read from the URL (each optional)."""

    status = forms.ChoiceField(label="Status", required=False, choices=[("", "Any"), *Quote.STATES],
                               error_messages={"invalid_choice": "Choose one of the options in the list."})
    valid_from = forms.DateField(label="Valid until from", required=False, widget=DatePickerInput(),
                                 error_messages=DATE_INVALID)
    valid_to = forms.DateField(label="Valid until to", required=False, widget=DatePickerInput(),
                               error_messages=DATE_INVALID)

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("valid_from"), cleaned.get("valid_to")
        if start and end and end < start:
            self.add_error("valid_to", "This date is before the first one.")
        return cleaned

    def filters(self) -> dict:
        """The valid filters (call after is_valid(); a field with an error filters nothing)."""
        data = self.cleaned_data
        return {"state": data.get("status") or "", "valid_from": data.get("valid_from"),
                "valid_to": data.get("valid_to") if "valid_to" not in self.errors else None}
