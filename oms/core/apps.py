from django.apps import AppConfig


class CoreConfig(AppConfig):
    """Shared web helpers (paging, htmx, middleware, template tags, validators); no models."""

    name = "oms.core"
    label = "core"
