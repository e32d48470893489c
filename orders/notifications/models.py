"""What a row that an order email is about keeps of that email (a shipment's confirmation, a return's
instructions, a refund's confirmation): orders.notifications.emails moves it through pending, sent and failed."""

from django.db import models

from orders.lifecycle import EmailState


class TrackedEmail(models.Model):
    email_to = models.EmailField(blank=True)
    email_state = models.CharField(max_length=20, choices=EmailState.choices, default=EmailState.NOT_REQUESTED)
    email_sent_at = models.DateTimeField(null=True, blank=True)
    email_error = models.TextField(blank=True)

    class Meta:
        abstract = True
