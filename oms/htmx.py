"""Pages swap server-rendered fragments (named partials of their own templates) when htmx asks;
the same URL serves the whole page otherwise, so everything works without JavaScript."""

from django.shortcuts import render
from django.utils.cache import patch_vary_headers


def htmx_target(request) -> str | None:
    """The id of the element an htmx request will swap, or None for an ordinary page load."""
    headers = request.headers
    if headers.get("HX-Request") != "true" or headers.get("HX-History-Restore-Request") == "true":
        return None
    return headers.get("HX-Target") or ""


def render_page(request, template: str, context: dict, *, partials: tuple[str, ...] = ()):
    """Render ``template``, or only its partial named like the htmx target when that is one of ``partials``."""
    target = htmx_target(request)
    name = f"{template}#{target}" if target in partials else template
    response = render(request, name, context)
    patch_vary_headers(response, ["HX-Request", "HX-Target"])
    return response
