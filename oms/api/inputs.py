"""Reading a request's JSON as the pages' forms read posted text, and their errors as the API's field errors."""

from rest_framework import exceptions


def json_object(request) -> dict:
    """The request's JSON body, which must be an object."""
    if not isinstance(request.data, dict):
        raise exceptions.ValidationError({"non_field_errors": ["Send a JSON object."]})
    return request.data


def form_data(values: dict) -> dict[str, str]:
    """JSON values as a form reads posted text: a form field expects text (a date field given 12 would fail with
    an error of Python's, not a message), so numbers and booleans become their text, null empty."""
    return {str(key): "" if value is None else str(value) for key, value in values.items()}


def form_errors(form, prefix: str = "") -> dict[str, list[str]]:
    """A bound form's errors by field (``prefix.field`` for a nested object)."""
    errors = {}
    for field, messages in form.errors.items():
        name = "non_field_errors" if field == "__all__" else field
        errors[f"{prefix}{name}"] = list(messages)
    return errors


def cleaned(form) -> dict:
    """A bound form's cleaned data; its errors as the API's 400 when it is not valid."""
    if not form.is_valid():
        raise invalid(form_errors(form))
    return form.cleaned_data


def checkbox(value) -> str:
    """A JSON value as a checkbox posts it: "on" when ticked, nothing when not (false, "false", "0", null, absent;
    Django's CheckboxInput would read the text "0" as ticked)."""
    return "" if value in (False, "false", "False", "0", "", None) else "on"


def invalid(*errors: dict) -> exceptions.ValidationError:
    merged: dict[str, list[str]] = {}
    for part in errors:
        for field, messages in part.items():
            merged.setdefault(field, []).extend(messages)
    return exceptions.ValidationError(merged)
