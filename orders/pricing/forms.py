"""Forms that bend prices: a line's new unit price, the order discount, a custom item. Each reason is required:
a short list an admin edits (offered beside the field), or free text."""

from decimal import Decimal

from django import forms

from oms.core.forms import AmountField
from oms.core.validators import validate_no_card_number
from orders.pricing.totals import Discount, DiscountError

REASON_REQUIRED = {"required": "Say why: choose a reason from the list or type one."}


def reason_field() -> forms.CharField:
    return forms.CharField(label="Reason", max_length=200, validators=[validate_no_card_number],
                           error_messages=REASON_REQUIRED,
                           widget=forms.TextInput(attrs={"list": "price-reasons", "autocomplete": "off"}))


class PriceForm(forms.Form):
    """`Change price` on a line: `New unit price`, `Reason`, `Save price`."""

    price = AmountField(label="New unit price", min_value=Decimal("0"),
                        widget=forms.TextInput(attrs={"inputmode": "decimal", "autocomplete": "off",
                                                      "autofocus": True}))
    reason = reason_field()

    def clean_reason(self):
        return self.cleaned_data["reason"].strip()


class DiscountForm(forms.Form):
    """The order's `Discount` (an amount like 15.00 or a percent like 10%), its `Reason`; `Apply discount`."""

    discount = forms.CharField(label="Discount", max_length=20, help_text="An amount such as 15.00, or a percent "
                               "such as 10%. 0 removes the discount.",
                               widget=forms.TextInput(attrs={"autocomplete": "off", "inputmode": "decimal"}),
                               error_messages={"required": "Enter an amount such as 15.00 or a percent such as 10%."})
    reason = reason_field()

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["reason"].required = False  # not needed to remove a discount; clean() asks for it otherwise

    def clean_discount(self) -> Discount:
        text = self.cleaned_data["discount"].strip().replace(",", "")
        if text.startswith("-"):
            raise forms.ValidationError("A discount cannot be negative.")
        try:
            return Discount.parse(text.removeprefix("$"))
        except DiscountError as error:
            raise forms.ValidationError(str(error)) from error

    def clean(self):
        cleaned = super().clean()
        discount, reason = cleaned.get("discount"), (cleaned.get("reason") or "").strip()
        if discount is not None and discount.value and not reason and "reason" not in self.errors:
            self.add_error("reason", REASON_REQUIRED["required"])
        cleaned["reason"] = reason
        return cleaned
