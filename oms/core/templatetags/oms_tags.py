from crispy_forms.templatetags.crispy_forms_filters import as_crispy_field, as_crispy_form
from django import template
from django.utils.safestring import mark_safe

from oms.core.money import format_money

register = template.Library()


@register.filter
def money(amount) -> str:
    """1234.5 -> "$1,234.50" (the currency comes from settings.CURRENCY)."""
    return format_money(amount)


@register.simple_tag(takes_context=True)
def query_string(context, **changes) -> str:
    """The current GET parameters with some changed (None removes one), for pagination links."""
    params = context["request"].GET.copy()
    for key, value in changes.items():
        if value is None:
            params.pop(key, None)
        else:
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
