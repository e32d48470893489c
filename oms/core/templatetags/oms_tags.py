from django import template
from django.template.backends.utils import csrf_input
from django.template.loader import render_to_string
from django.utils.functional import SimpleLazyObject
from django.utils.safestring import mark_safe

from oms.core.money import format_money

register = template.Library()


@register.filter
def money(amount) -> str:
    """1234.5 -> "$1,234.50" (the currency comes from settings.CURRENCY)."""
    return format_money(amount)


@register.filter
def rate(value) -> str:
    """A percentage as staff write it: 7.250 -> "7.25", 10.000 -> "10", 8.875 -> "8.875"."""
    text = f"{value:f}" if value is not None else ""
    return text.rstrip("0").rstrip(".") if "." in text else text


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


@register.simple_tag(takes_context=True)
def jinja2_include(context, template_name: str, **values) -> str:
    """A part of the page drawn by a Jinja2 template in jinja2/ with ``values`` and ``csrf_input``: the tables with
    a row per line, which in Django's template language cost a 50-line page its 25 ms budget."""
    request = context.get("request")
    # Not the request: Django's Jinja2 backend would then give the template a csrf_input that draws a new mask
    # each time it is read (a row each); this one is drawn once, when first read.
    shared = {"csrf_input": SimpleLazyObject(lambda: csrf_input(request))} if request else {}
    drawn = render_to_string(template_name, shared | values, using="jinja2")
    # Jinja2 escaped what it drew (autoescape, oms.core.jinja2), as the form renderer's fields are
    return mark_safe(drawn)  # nosec B308, B703


@register.filter
def get_item(mapping, key):
    return mapping.get(key) if mapping else None



@register.filter
def can_use_admin(user) -> bool:
    """Whether the admin would show ``user`` anything: staff with a permission on a model it has registered
    (the navigation's `Admin` link). Reads the permissions the page's own checks have already cached."""
    from django.contrib import admin

    if not (user.is_active and user.is_staff):
        return False
    if user.is_superuser:
        return True
    registered = {(model._meta.app_label, model._meta.model_name) for model in admin.site._registry}
    for permission in user.get_all_permissions():
        app_label, _, codename = permission.partition(".")
        action, _, model_name = codename.partition("_")
        if action in ("add", "change", "delete", "view") and (app_label, model_name) in registered:
            return True
    return False
