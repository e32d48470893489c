"""Money in and out of an order: payments received, refunds paid back, and the customer's store credit."""

from django.conf import settings
from django.db import models

from oms.core.money import MAX_AMOUNT
from oms.core.validators import validate_no_card_number
from orders.notifications.models import TrackedEmail


class Payment(models.Model):
    class Method(models.TextChoices):
        CHECK = "check", "Check"
        BANK_TRANSFER = "bank_transfer", "Bank transfer"
        CARD_BY_PHONE = "card_by_phone", "Card by phone (external terminal)"
        CASH = "cash", "Cash"
        STORE_CREDIT = "store_credit", "Store credit"
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


class Refund(TrackedEmail):
    """Money paid back to the customer against an order: never more than was paid (orders.payments.services)."""

    Method = Payment.Method

    order = models.ForeignKey("orders.Order", on_delete=models.PROTECT, related_name="refunds")
    amount = models.DecimalField(max_digits=12, decimal_places=2)
    method = models.CharField(max_length=20, choices=Payment.Method.choices)
    reference = models.CharField(max_length=100, blank=True, validators=[validate_no_card_number])
    refunded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+",
                                    db_index=False)
    created_at = models.DateTimeField(auto_now_add=True)
    submission_token = models.UUIDField(unique=True, null=True, blank=True, editable=False)

    class Meta:
        ordering = ["pk"]
        constraints = [
            models.CheckConstraint(condition=models.Q(amount__gt=0, amount__lte=MAX_AMOUNT),
                                   name="refund_amount_within_column"),
        ]

    def __str__(self) -> str:
        return f"Refund of {self.amount} on order #{self.order_id}"


class StoreCredit(models.Model):
    """One entry of a customer's store credit ledger: a refund to credit (positive) or credit applied as a payment
    on an order (negative). The balance is the sum, never below zero (orders.payments.services locks the customer)."""

    customer = models.ForeignKey("customers.Customer", on_delete=models.PROTECT, related_name="store_credit")
    amount = models.DecimalField(max_digits=12, decimal_places=2)
    order = models.ForeignKey("orders.Order", on_delete=models.PROTECT, related_name="store_credit")
    refund = models.OneToOneField(Refund, null=True, blank=True, on_delete=models.PROTECT, related_name="credit")
    payment = models.OneToOneField(Payment, null=True, blank=True, on_delete=models.PROTECT, related_name="credit")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+",
                                   db_index=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["pk"]
        verbose_name = verbose_name_plural = "store credit"
        constraints = [
            models.CheckConstraint(condition=~models.Q(amount=0), name="store_credit_not_zero"),
            # in from a refund, out as a payment: each entry is exactly one of them
            models.CheckConstraint(condition=models.Q(amount__gt=0, refund__isnull=False, payment__isnull=True)
                                   | models.Q(amount__lt=0, refund__isnull=True, payment__isnull=False),
                                   name="store_credit_refund_in_payment_out"),
        ]

    def __str__(self) -> str:
        return f"{self.amount} for customer {self.customer_id}"
