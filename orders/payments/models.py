"""Payments received against an order."""

from django.conf import settings
from django.db import models

from oms.core.money import MAX_AMOUNT
from oms.core.validators import validate_no_card_number


class Payment(models.Model):
    class Method(models.TextChoices):
        CHECK = "check", "Check"
        BANK_TRANSFER = "bank_transfer", "Bank transfer"
        CARD_BY_PHONE = "card_by_phone", "Card by phone (external terminal)"
        CASH = "cash", "Cash"
        OTHER = "other", "Other"

    order = models.ForeignKey("orders.Order", on_delete=models.PROTECT, related_name="payments")
    amount = models.DecimalField(max_digits=12, decimal_places=2)
    method = models.CharField(max_length=20, choices=Method.choices)
    reference = models.CharField(max_length=100, blank=True, validators=[validate_no_card_number])
    received_on = models.DateField()
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    submission_token = models.UUIDField(unique=True, null=True, blank=True, editable=False)  # as Shipment's

    class Meta:
        ordering = ["pk"]
        constraints = [
            models.CheckConstraint(condition=models.Q(amount__gt=0), name="payment_amount_gt_0"),
            # as order_money_within_columns
            models.CheckConstraint(condition=models.Q(amount__lte=MAX_AMOUNT), name="payment_amount_within_column"),
        ]

    def __str__(self) -> str:
        return f"{self.amount} on order #{self.order_id}"
