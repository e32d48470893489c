from django.apps import AppConfig


class ApiConfig(AppConfig):
    """The REST API under /api/v1/ (Django REST framework, drf-spectacular) and the personal tokens it takes."""

    name = "oms.api"
    label = "api"
    verbose_name = "API"
