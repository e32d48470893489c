from django import template

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

