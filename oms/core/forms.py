"""Form fields the apps share for values people (or forged requests) type into URLs and forms."""

import re
from decimal import Decimal

from django import forms
from django.core.exceptions import ValidationError

from .search import SEARCH_MAX_LENGTH, SEARCH_MAX_TERMS

BIGINT_MAX = 2**63 - 1
ASCII_ID = re.compile(r"[0-9]{1,20}")  # ASCII digits only: Unicode's digit test also takes "²" and "٣"


class IdField(forms.IntegerField):
    """A record's id as text: ASCII digits only (not "²" or "٣"), within a database bigint."""

    def __init__(self, **kwargs):
        kwargs.setdefault("min_value", 1)
        kwargs.setdefault("max_value", BIGINT_MAX)
        super().__init__(**kwargs)

    def to_python(self, value):
        if value in self.empty_values or isinstance(value, int):
            return super().to_python(value)
        text = str(value).strip()
        if not ASCII_ID.fullmatch(text):
            raise ValidationError(self.error_messages["invalid"], code="invalid")
        return super().to_python(text)


def parse_id(value) -> int | None:
    """The id in ``value``, or None when it is not one (for ids read outside a form)."""
    try:
        return IdField(required=False).clean(value)
    except ValidationError:
        return None


AMOUNT = re.compile(r"[0-9]{1,10}(?:\.[0-9]{1,2})?")  # Decimal("٣") is 3: only ASCII digits are money here


class AmountField(forms.DecimalField):
    """A positive amount of money as staff type it ("1,234.50", "$20"): ASCII digits, at most two decimals."""

    default_error_messages = {
        "invalid": "Enter an amount such as 25 or 1,234.50 (digits 0-9, at most two decimals).",
        "min_value": "Enter an amount greater than zero.",
    }

    def __init__(self, **kwargs):
        kwargs.setdefault("max_digits", 12)
        kwargs.setdefault("decimal_places", 2)
        kwargs.setdefault("min_value", Decimal("0.01"))
        super().__init__(**kwargs)

    def to_python(self, value):
        if value in self.empty_values:
            return None
        text = str(value).strip().replace(",", "").removeprefix("$").strip()
        if text.startswith("-"):
            raise ValidationError(self.error_messages["min_value"], code="min_value")
        if not AMOUNT.fullmatch(text):
            raise ValidationError(self.error_messages["invalid"], code="invalid")
        return Decimal(text)
class SearchField(forms.CharField):
    """A search box in a form: whitespace collapsed, at most SEARCH_MAX_LENGTH characters and SEARCH_MAX_TERMS
    words (oms.core.search), refused with a message beside the field beyond that."""

    def __init__(self, **kwargs):
        kwargs.setdefault("max_length", SEARCH_MAX_LENGTH)
        super().__init__(**kwargs)

    def to_python(self, value):
        return " ".join(super().to_python(value).split())

    def validate(self, value):
        super().validate(value)
        if len(value.split()) > SEARCH_MAX_TERMS:
            raise ValidationError(f"Search for at most {SEARCH_MAX_TERMS} words.", code="max_terms")


class SearchBoxForm(forms.Form):
    """A list page's one search box, `Search`, showing the query as searched (oms.core.search reads and caps it;
    the box takes a little more than the cap so the page can say what it cut)."""

    q = forms.CharField(label="Search", required=False,
                        widget=forms.SearchInput(attrs={"maxlength": 2 * SEARCH_MAX_LENGTH, "autocomplete": "off"}))

    def __init__(self, query: str, *, help_text: str, focus: bool = False):
        super().__init__(initial={"q": query}, auto_id="search-%s")
        self.fields["q"].help_text = help_text
        if focus:
            self.fields["q"].widget.attrs["autofocus"] = True
