"""The Jinja2 environment of the templates in jinja2/: Jinja2's own, with what of Django's templates they use: the
money filter, date (in the current time zone, as Django's |date shows it) and url (Django's reverse)."""

from django.template.defaultfilters import date
from django.urls import reverse
from django.utils.timezone import template_localtime
from jinja2 import Environment

from .money import format_money


def _date(value, format_string: str) -> str:
    """Django's |date, given the value in the current time zone as Django's templates give it."""
    return date(template_localtime(value), format_string)


def environment(**options) -> Environment:
    options.pop("autoescape", None)  # on, whatever OPTIONS say: these templates draw parts of HTML pages
    env = Environment(autoescape=True, **options)
    env.filters["money"] = format_money
    env.filters["date"] = _date
    env.globals["url"] = lambda name, *args: reverse(name, args=args)
    return env
