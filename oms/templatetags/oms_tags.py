from decimal import Decimal

from crispy_forms.templatetags.crispy_forms_filters import as_crispy_field, as_crispy_form
from django import template
from django.conf import settings
from django.contrib.humanize.templatetags.humanize import intcomma
from django.utils.safestring import mark_safe

register = template.Library()

SYMBOLS = {"USD": "$", "CAD": "CA$", "AUD": "A$", "GBP": "£", "EUR": "€"}


@register.filter
def money(amount) -> str:
    """1234.5 -> "$1,234.50" (the currency comes from settings.CURRENCY)."""
    if amount is None or amount == "":
        return ""
    value = Decimal(amount).quantize(Decimal("0.01"))
    sign = "-" if value < 0 else ""
    digits = intcomma(f"{abs(value):.2f}")
    symbol = SYMBOLS.get(settings.CURRENCY)
    return f"{sign}{symbol}{digits}" if symbol else f"{sign}{digits} {settings.CURRENCY}"


@register.simple_tag(takes_context=True)
def query_string(context, **changes) -> str:
    """The current GET parameters with some changed, for pagination links."""
    params = context["request"].GET.copy()
    for key, value in changes.items():
        params[key] = value
    return params.urlencode()


@register.filter
def get_item(mapping, key):
    return mapping.get(key) if mapping else None


# Crispy puts a "*" inside the <label> of required fields, which makes the label read
# "Quantity*". Staff and browser tests know fields by their words alone; errors say what
# is missing.
REQUIRED_MARK = '<span class="asteriskField">*</span>'


@register.filter
def form_field(field) -> str:
    return mark_safe(str(as_crispy_field(field)).replace(REQUIRED_MARK, ""))


@register.filter
def form_fields(form) -> str:
    return mark_safe(str(as_crispy_form(form)).replace(REQUIRED_MARK, ""))
