"""Pages must run under a strict Content-Security-Policy: nothing inline in any template."""

import re
from pathlib import Path

import pytest

TEMPLATES = sorted((Path(__file__).resolve().parent.parent / "templates").rglob("*.html"))
INLINE = [
    (re.compile(r"\sstyle\s*=", re.I), "style attribute"),
    (re.compile(r"<script(?![^>]*\ssrc=)[^>]*>", re.I), "inline script"),
    (re.compile(r"\son[a-z]+\s*=", re.I), "event handler attribute"),
    (re.compile(r"\shx-on", re.I), "hx-on (needs eval)"),
    (re.compile(r"https?://", re.I), "a resource from another host"),
]


@pytest.mark.parametrize("template", TEMPLATES, ids=lambda path: path.name)
def test_templates_have_nothing_inline(template):
    if "email" in template.parts:
        return  # emails are read in mail clients, not under our CSP
    text = template.read_text()
    found = [what for pattern, what in INLINE if pattern.search(text)]
    assert found == [], f"{template}: {found}"


def test_ids_in_form_values_stay_plain_numbers_when_numbers_are_grouped(settings):
    """Pages are localized: a record's id sent back in a form (value=, id=) must not become "12,345"."""
    from types import SimpleNamespace

    from django.template.loader import render_to_string

    settings.USE_THOUSAND_SEPARATOR = True
    customer = SimpleNamespace(pk=12345, email="a@example.org", last_name="Ames")
    order = SimpleNamespace(number=67890, get_absolute_url=lambda: "/orders/67890/", created_at=None, total=1,
                            get_status_display=lambda: "Placed")
    place = render_to_string("orders/_place_order.html", {"customer": customer})
    history = render_to_string("orders/_customer_orders.html", {"customer": customer, "orders": [order],
                                                                "can_reorder": True})

    assert 'value="12345"' in place
    assert 'value="67890"' in history
