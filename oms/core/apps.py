from django.apps import AppConfig


class CoreConfig(AppConfig):
    """Shared web helpers (paging, htmx, middleware, template tags, validators); no models."""

    name = "oms.core"
    label = "core"

    def ready(self):
        from django.urls import register_converter

        from .converters import IdConverter

        register_converter(IdConverter, "id")  # before any URL conf is read: every <id:...> of ours
