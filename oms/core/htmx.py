"""Pages swap server-rendered fragments (named partials of their own templates) when htmx asks;
the same URL serves the whole page otherwise, so everything works without JavaScript.

django-htmx's middleware reads the request headers into ``request.htmx``."""

from django.shortcuts import render
from django.utils.cache import patch_vary_headers


def htmx_target(request) -> str | None:
    """The id of the element an htmx request will swap, or None for an ordinary page load."""
    htmx = request.htmx
    if not htmx or htmx.history_restore_request:
        return None
    return htmx.target or ""


def render_page(request, template: str, context: dict, *, partials: tuple[str, ...] = ()):
    """Render ``template``, or only its partial named like the htmx target when that is one of ``partials``."""
    target = htmx_target(request)
    name = f"{template}#{target}" if target in partials else template
    response = render(request, name, context)
    patch_vary_headers(response, ["HX-Request", "HX-Target"])
    return response
