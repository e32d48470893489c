"""An endpoint that receives events, and one delivery of one event to it (the delivery log)."""

import base64
import secrets

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models


class EventType(models.TextChoices):
    """The events an endpoint may subscribe to: the fixed list receivers code against."""

    ORDER_PLACED = "order.placed", "Order placed"
    ORDER_EDITED = "order.edited", "Order edited"
    ORDER_CANCELLED = "order.cancelled", "Order cancelled"
    ORDER_HELD = "order.held", "Order put on hold"
    ORDER_RELEASED = "order.released", "Order hold released"
    ORDER_SHIPPED = "order.shipped", "Order shipped"
    ORDER_PAID = "order.paid", "Order payment recorded"
    ORDER_RETURNED = "order.returned", "Order return received"
    ORDER_REFUNDED = "order.refunded", "Order refunded"
    CUSTOMER_CREATED = "customer.created", "Customer created"
    CUSTOMER_CHANGED = "customer.changed", "Customer changed"


SECRET_PREFIX = "whsec_"
SECRET_BYTES = 32


def new_secret() -> str:
    """A signing secret as Standard Webhooks writes them: ``whsec_`` and the base64 of random bytes."""
    return SECRET_PREFIX + base64.b64encode(secrets.token_bytes(SECRET_BYTES)).decode()


def validate_secret(value: str) -> None:
    try:
        key = base64.b64decode(value.removeprefix(SECRET_PREFIX), validate=True)
    except ValueError:
        key = b""
    if not value.startswith(SECRET_PREFIX) or len(key) < 24:
        raise ValidationError("A secret is whsec_ followed by the base64 of at least 24 random bytes.")


def validate_event_types(value) -> None:
    if not isinstance(value, list) or not set(value) <= set(EventType.values):
        raise ValidationError("Choose events from the list.")


class Endpoint(models.Model):
    url = models.URLField("URL", max_length=500, help_text="Where the events are POSTed: https (http only with DEBUG).")
    secret = models.CharField(max_length=100, default=new_secret, validators=[validate_secret],
                              help_text="The receiver verifies each request's webhook-signature with it.")
    events = models.JSONField(default=list, validators=[validate_event_types],
                              help_text="The event types this endpoint receives.")
    is_active = models.BooleanField("active", default=True,
                                    help_text="Off after a day of failed deliveries (the admins get an email).")
    disabled_at = models.DateTimeField(null=True, blank=True)
    # Since when every delivery to it has failed (None: the last one succeeded); a day of it disables it.
    failing_since = models.DateTimeField(null=True, blank=True, editable=False)
    description = models.CharField(max_length=200, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["pk"]

    def __str__(self) -> str:
        return self.description or self.url

    def clean(self) -> None:
        super().clean()
        if not self.url.lower().startswith("https://") and not settings.DEBUG:
            raise ValidationError({"url": "Use an https URL: events carry customers' data."})

    def wants(self, event_type: str) -> bool:
        return event_type in self.events


class Delivery(models.Model):
    """One event for one endpoint: sent, retried with backoff, given up after a day; the admin's log."""

    class Status(models.TextChoices):
        PENDING = "pending", "Pending"
        SENDING = "sending", "Sending"
        SUCCEEDED = "succeeded", "Succeeded"
        FAILED = "failed", "Failed, will retry"
        GAVE_UP = "gave_up", "Gave up"

    endpoint = models.ForeignKey(Endpoint, on_delete=models.CASCADE, related_name="deliveries")
    event_id = models.CharField(max_length=100, help_text="The webhook-id header: receivers drop duplicates by it.")
    event_type = models.CharField(max_length=40, choices=EventType.choices)
    payload = models.JSONField()
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    attempts = models.PositiveIntegerField(default=0)
    last_status_code = models.PositiveSmallIntegerField("response code", null=True, blank=True)
    last_duration_ms = models.PositiveIntegerField("duration (ms)", null=True, blank=True)
    last_error = models.CharField(max_length=300, blank=True)
    next_attempt_at = models.DateTimeField(null=True, blank=True)
    # When the current try took its place among the endpoint's WEBHOOK_CONCURRENCY; None when not sending.
    sending_since = models.DateTimeField(null=True, blank=True)
    # Tries stop after this (a day after the event, or after a Resend).
    retry_until = models.DateTimeField()
    created_at = models.DateTimeField(auto_now_add=True)
    delivered_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name_plural = "deliveries"
        constraints = [models.UniqueConstraint(fields=["endpoint", "event_id"], name="delivery_event_once")]
        indexes = [models.Index(fields=["endpoint", "status"], name="delivery_endpoint_status")]
        permissions = [("resend_delivery", "Can resend a webhook delivery")]

    def __str__(self) -> str:
        return f"{self.event_type} {self.event_id}"
