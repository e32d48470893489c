"""Form fields the apps share for values people (or forged requests) type into URLs and forms."""

import re

from django import forms
from django.core.exceptions import ValidationError

from .search import SEARCH_MAX_LENGTH, SEARCH_MAX_TERMS

BIGINT_MAX = 2**63 - 1
ASCII_ID = re.compile(r"[0-9]{1,20}")  # str.isdigit() also takes "²" and "٣"


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
