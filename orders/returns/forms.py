"""The forms of goods coming back: `Return items`, receiving a return (`Save receipt`) and a credit without a
return."""

from django import forms

from oms.core.forms import AmountField, IdField, parse_id
from oms.core.validators import validate_no_card_number
from orders.forms import email_checkbox, submission_token_field
from orders.models import OrderLine
from orders.returns.models import Return, ReturnLine, ReturnReason
from orders.returns.services import ReturnRequest

LINE = "line_"  # a per-line quantity field is named line_<id>


def quantity_field(*, label: str, most: int, initial: int, verb: str) -> IdField:
    """A line's quantity, 0 to ``most``: ASCII digits only; blank counts as 0."""
    return IdField(label=label, min_value=0, max_value=most, initial=initial, required=False,
                   template_name="forms/quantity_cell.html",
                   widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off", "size": 5}),
                   error_messages={"invalid": "Enter a whole number, such as 0 or 3.",
                                   "min_value": "Enter 0 or more.",
                                   "max_value": f"At most {most:,} can be {verb} on this line."})


def focus_first(form: forms.Form, lines) -> None:
    """The cursor starts in the first line's quantity."""
    if lines:
        form.fields[f"{LINE}{lines[0].pk}"].widget.attrs["autofocus"] = True


MAX_OTHER_LINES = 100


def other_lines(form: forms.Form) -> dict[int, int]:
    """Quantities posted for lines the form does not offer (a line the same form already returned when it was
    submitted before, another customer's, a forged id), for the service to refuse after it recognises a form
    submitted twice. Adds a form error for a key or quantity that is not a whole number."""
    keys = [key for key in form.data if key.startswith(LINE) and key not in form.fields]
    quantity, found = IdField(min_value=0, required=False), {}
    try:
        if len(keys) > MAX_OTHER_LINES:
            raise forms.ValidationError("too many")
        for key in keys:
            if (line_id := parse_id(key.removeprefix(LINE))) is None:
                raise forms.ValidationError("not an id")
            found[line_id] = quantity.clean(form.data[key]) or 0
    except forms.ValidationError:
        form.add_error(None, "This form holds lines it does not offer: open it again and enter the quantities it "
                             "shows.")
        return {}
    return found


class ReturnForm(forms.Form):
    """`Return items`: per shipped line the quantity coming back, a reason and the goods' condition."""

    token = submission_token_field()
    reason = forms.ModelChoiceField(
        label="Reason", queryset=ReturnReason.objects.none(), required=False, empty_label="Choose a reason",
        error_messages={"invalid_choice": "That reason is no longer offered: choose one from the list."})
    reason_text = forms.CharField(
        label="Details", max_length=200, required=False, validators=[validate_no_card_number],
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
        help_text="In the customer's words, or the reason when the list has none that fits.")
    condition = forms.ChoiceField(
        label="Condition", choices=Return.Condition.choices, initial=Return.Condition.RESALEABLE,
        error_messages={"invalid_choice": "Choose Resaleable or Damaged."},
        help_text="Resaleable goods go back to stock when they are received; damaged ones do not.")
    send_email = forms.BooleanField(label="Send return instructions email", required=False)

    def __init__(self, *args, lines: list[OrderLine], customer_email: str, **kwargs):
        super().__init__(*args, **kwargs)
        email_checkbox(self, "send_email", customer_email)
        self.fields["reason"].queryset = ReturnReason.objects.filter(is_active=True)
        self.lines = lines
        several = len({line.order_id for line in lines}) > 1  # the same SKU may be on two of the orders
        for line in lines:
            left = line.quantity_shipped - line.quantity_returned
            label = f"Return {line.sku or line.name}" + (f" from order #{line.order_id}" if several else "")
            self.fields[f"{LINE}{line.pk}"] = quantity_field(label=label, most=left, initial=0, verb="returned")
        focus_first(self, lines)

    def line_fields(self):
        return [(line, self[f"{LINE}{line.pk}"]) for line in self.lines]

    def clean(self):
        cleaned = super().clean()
        self.other_lines = other_lines(self)
        return cleaned

    def return_request(self) -> ReturnRequest:
        data = self.cleaned_data
        offered = {line.pk: data[f"{LINE}{line.pk}"] or 0 for line in self.lines}
        return ReturnRequest(quantities=self.other_lines | offered,
                             condition=data["condition"], reason=data["reason"], reason_text=data["reason_text"],
                             send_email=data["send_email"])


class ReceiptForm(forms.Form):
    """`Receive return`: per line the quantity that arrived (at most the authorized one), `Refund shipping`."""

    token = submission_token_field()
    refund_shipping = forms.BooleanField(
        label="Refund shipping", required=False,
        help_text="Credit each order's shipping charge too (once per order).")

    def __init__(self, *args, lines: list[ReturnLine], **kwargs):
        super().__init__(*args, **kwargs)
        self.lines = lines
        for line in lines:
            self.fields[f"{LINE}{line.pk}"] = quantity_field(
                label=f"Received {line.order_line.sku or line.order_line.name}", most=line.quantity,
                initial=line.quantity, verb="received")
        focus_first(self, lines)

    def line_fields(self):
        return [(line, self[f"{LINE}{line.pk}"]) for line in self.lines]

    def clean(self):
        cleaned = super().clean()
        self.other_lines = other_lines(self)
        return cleaned

    def received(self) -> dict[int, int]:
        return self.other_lines | {line.pk: self.cleaned_data[f"{LINE}{line.pk}"] or 0 for line in self.lines}


class CreditForm(forms.Form):
    """`Credit without a return`: a goodwill credit or a price adjustment, with its reason."""

    token = submission_token_field()
    amount = AmountField(label="Amount", widget=forms.TextInput(attrs={"inputmode": "decimal", "autofocus": True,
                                                                        "autocomplete": "off"}))
    reason = forms.CharField(label="Reason", max_length=200, validators=[validate_no_card_number],
                             widget=forms.TextInput(attrs={"autocomplete": "off"}),
                             error_messages={"required": "Say why the customer is credited (a price match, a "
                                                         "late delivery, ...)."})
