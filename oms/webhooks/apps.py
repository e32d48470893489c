from django.apps import AppConfig


class WebhooksConfig(AppConfig):
    """Endpoints, their deliveries and the task that sends them; the apps call services.webhook_emit."""

    name = "oms.webhooks"
    label = "webhooks"
    verbose_name = "Webhooks"
