"""The forms of the order list and the order page: filters, the order's email address, notes."""

import uuid
from datetime import date

from django import forms
from django.contrib.auth import get_user_model

from oms.core.search import search_query
from oms.core.validators import validate_no_card_number
from orders.lifecycle import ON_HOLD
from orders.models import Order
from orders.selectors import OrderFilters


class OrderEmailForm(forms.Form):
    email = forms.EmailField(label="Email address for this order", required=False, max_length=254)


STALE_FORM = "This form is out of date: open it again and resubmit."


def submission_token_field() -> forms.UUIDField:
    """A form's one-time token, fresh each time the form is drawn: the service that records what the form says
    does it once per token, so a second submit of the same form (a double click, Back and submit) records
    nothing more."""
    return forms.UUIDField(widget=forms.HiddenInput, initial=uuid.uuid4,
                           error_messages={"required": STALE_FORM, "invalid": STALE_FORM})


def email_checkbox(form: forms.Form, name: str, email: str) -> None:
    """Set up ``form``'s `Send ... email` box ``name``: ticked when there is an address to send to; without one,
    unticked and disabled, saying why."""
    form.initial.setdefault(name, bool(email))
    if not email:
        field = form.fields[name]
        field.disabled = True
        form.initial[name] = False
        field.help_text = "The order has no email address."


class TimelineForm(forms.Form):
    """The order page's ``?before=<event>``: the timeline's events before that one (anything else: the newest)."""

    before = forms.IntegerField(required=False, min_value=1, max_value=2**63 - 1)


class NoteForm(forms.Form):
    token = submission_token_field()
    text = forms.CharField(label="Note", max_length=2000, validators=[validate_no_card_number],
                           error_messages={"required": "Write the note first."},
                           widget=forms.Textarea(attrs={"rows": 2}))
    visible_to_customer = forms.BooleanField(
        label="Visible to customer", required=False,
        help_text="Shown in later emails to the customer; otherwise for staff only.",
    )


class DatePickerInput(forms.DateInput):
    """A date picker. A browser sends it a date or nothing; anything else (a forged or hand-typed URL) is shown
    as empty, since HTML allows a date input no other value; the error beside it says what was wrong."""

    input_type = "date"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%d", **kwargs)

    def format_value(self, value):
        text = super().format_value(value)
        try:
            return date.fromisoformat(text).isoformat() if text and text.isascii() else None
        except ValueError:
            return None


class OrderFilterForm(forms.Form):
    """The order list's filters, read from the URL (every field optional; the search box is read as before)."""

    status = forms.ChoiceField(label="Status", required=False)
    channel = forms.ChoiceField(label="Channel", required=False, choices=[("", "Any"), *Order.Channel.choices])
    taken_by = forms.TypedChoiceField(label="Taken by", required=False, coerce=int, empty_value=None)
    date_from = forms.DateField(label="From", required=False, widget=DatePickerInput(),
                                error_messages={"invalid": "Enter a date such as 2026-11-27."})
    date_to = forms.DateField(label="To", required=False, widget=DatePickerInput(),
                              error_messages={"invalid": "Enter a date such as 2026-11-27."})
    overdue = forms.BooleanField(label="Overdue only", required=False)
    owed = forms.BooleanField(label="Owed to customer", required=False,
                              help_text="A credit memo or an overpayment left money to pay back.")
    backordered = forms.BooleanField(label="Backordered", required=False,
                                     help_text="Some items wait for stock to come in.")

    def __init__(self, *args, staff: list[tuple[int, str]], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["status"].choices = [("", "Any"), *Order.Status.choices, (ON_HOLD, "On hold")]
        self.fields["taken_by"].choices = [("", "Anyone"), *[(str(pk), name) for pk, name in staff]]
        for name in ("status", "channel", "taken_by"):
            self.fields[name].error_messages["invalid_choice"] = "Choose one of the options in the list."

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("date_from"), cleaned.get("date_to")
        if start and end and end < start:
            self.add_error("date_to", "The To date is before the From date.")
        return cleaned

    def filters(self) -> OrderFilters:
        """The filters that are valid (call after is_valid(); a field with an error filters nothing)."""
        data = self.cleaned_data
        status = data.get("status") or ""
        return OrderFilters(status="" if status == ON_HOLD else status, on_hold=status == ON_HOLD,
                            channel=data.get("channel") or "",
                            taken_by=data.get("taken_by"), date_from=data.get("date_from"),
                            date_to=data.get("date_to") if "date_to" not in self.errors else None,
                            overdue=bool(data.get("overdue")), owed=bool(data.get("owed")),
                            backordered=bool(data.get("backordered")))


def _filter_form(request) -> OrderFilterForm:
    staff = get_user_model().objects.filter(is_staff=True).order_by("username").values_list("pk", "username")
    form = OrderFilterForm(request.GET, staff=list(staff))
    form.is_valid()  # a field with an error filters nothing and shows its message
    return form


def _query(request) -> str:
    return search_query(request)  # capped, with a message when cut
