"""What other apps show on a customer's record.

The customers app knows none of them: an app with something to show registers a section when it is ready
(orders registers `Place Order`, the order history and the data controls), and the record's view draws each
section the user may see."""

from collections.abc import Callable
from dataclasses import dataclass

from django.template.loader import render_to_string

PLACES = ("actions", "main")  # beside `Edit customer`; below the record


@dataclass(frozen=True)
class Section:
    place: str
    template: str
    context: Callable  # (request, customer) -> the template's context, or None when this user may not see it


SECTIONS: list[Section] = []


def record_section(*, place: str, template: str):
    """Register the decorated ``context(request, customer)`` as a section of the customer record."""
    if place not in PLACES:
        raise ValueError(f"place must be one of {PLACES}")

    def register(context):
        SECTIONS.append(Section(place, template, context))
        return context

    return register


def record_sections(request, customer) -> dict[str, list[str]]:
    """Each place's sections, drawn for this request (its user's permissions, its CSRF token)."""
    drawn = {place: [] for place in PLACES}
    for section in SECTIONS:
        context = section.context(request, customer)
        if context is not None:
            drawn[section.place].append(render_to_string(section.template, context, request=request))
    return drawn
