"""Goods that come back: returns (authorized, then received) and the credit memos that receiving (or a goodwill
credit) issues against an order."""

from django.conf import settings
from django.db import models

from customers.models import Customer
from oms.core.money import MAX_AMOUNT, MAX_LINE_AMOUNT
from oms.core.validators import validate_no_card_number
from orders.lifecycle import ReturnStatus
from orders.notifications.models import TrackedEmail


class ReturnReason(models.Model):
    """Why goods come back, the list staff choose from (edited in the admin); free text may add to it."""

    name = models.CharField(max_length=100, unique=True)
    is_active = models.BooleanField("active", default=True)
    position = models.PositiveSmallIntegerField(default=0, help_text="Lower comes first.")

    class Meta:
        ordering = ["position", "name"]

    def __str__(self) -> str:
        return self.name


class Return(TrackedEmail):
    """A return authorization: goods of one customer, from one or several of their orders, coming back."""

    Status = ReturnStatus

    class Condition(models.TextChoices):
        RESALEABLE = "resaleable", "Resaleable"
        DAMAGED = "damaged", "Damaged"

    number = models.BigAutoField(primary_key=True)  # shown as R<number>
    customer = models.ForeignKey(Customer, on_delete=models.PROTECT, related_name="returns", db_index=False)
    status = models.CharField(max_length=20, choices=ReturnStatus.choices, default=ReturnStatus.AUTHORIZED)
    reason = models.ForeignKey(ReturnReason, null=True, blank=True, on_delete=models.SET_NULL, related_name="+",
                               db_index=False)
    reason_text = models.CharField("reason in words", max_length=200, blank=True,
                                   validators=[validate_no_card_number])
    condition = models.CharField(max_length=20, choices=Condition.choices, default=Condition.RESALEABLE)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+",
                                   db_index=False)
    created_at = models.DateTimeField(auto_now_add=True)
    received_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                    related_name="+", db_index=False)
    received_at = models.DateTimeField(null=True, blank=True)
    submission_token = models.UUIDField(unique=True, null=True, blank=True, editable=False)
    receipt_token = models.UUIDField(unique=True, null=True, blank=True, editable=False)

    class Meta:
        ordering = ["-number"]
        indexes = [models.Index(fields=["customer", "-number"], name="return_customer_newest")]
        permissions = [
            ("create_return", "Can authorize a return"),
            ("receive_return", "Can receive returns, issue credit memos and refund"),
        ]

    def __str__(self) -> str:
        return self.label

    @property
    def label(self) -> str:
        return f"R{self.number}"

    @property
    def reason_shown(self) -> str:
        return ": ".join(part for part in (self.reason.name if self.reason else "", self.reason_text) if part)


class ReturnLine(models.Model):
    ret = models.ForeignKey(Return, on_delete=models.CASCADE, related_name="lines")
    order = models.ForeignKey("orders.Order", on_delete=models.PROTECT, related_name="return_lines")
    order_line = models.ForeignKey("orders.OrderLine", on_delete=models.PROTECT, related_name="+")
    quantity = models.PositiveIntegerField()  # authorized
    quantity_received = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["pk"]
        constraints = [
            models.CheckConstraint(condition=models.Q(quantity__gt=0), name="return_line_quantity_gt_0"),
            models.CheckConstraint(condition=models.Q(quantity_received__lte=models.F("quantity")),
                                   name="return_line_received_lte_authorized"),
            models.UniqueConstraint(fields=["ret", "order_line"], name="return_line_once"),
        ]

    def __str__(self) -> str:
        return f"{self.quantity} of line {self.order_line_id}"


class CreditMemo(models.Model):
    """Money an order no longer asks for: received goods at the price charged with their tax (and the shipping
    charge when refunded), or a goodwill credit with a reason and no lines. Refunds pay it back
    (orders.payments)."""

    number = models.BigAutoField(primary_key=True)  # shown as CM<number>
    order = models.ForeignKey("orders.Order", on_delete=models.PROTECT, related_name="credit_memos")
    ret = models.ForeignKey(Return, null=True, blank=True, on_delete=models.PROTECT, related_name="credit_memos")
    reason = models.CharField(max_length=200, blank=True, validators=[validate_no_card_number])
    subtotal = models.DecimalField(max_digits=12, decimal_places=2, default=0)  # the lines at the price charged
    discount = models.DecimalField(max_digits=12, decimal_places=2, default=0)  # their share of the order discount
    shipping = models.DecimalField(max_digits=10, decimal_places=2, default=0)
    tax = models.DecimalField(max_digits=12, decimal_places=2, default=0)
    total = models.DecimalField(max_digits=12, decimal_places=2)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+",
                                   db_index=False)
    created_at = models.DateTimeField(auto_now_add=True)
    submission_token = models.UUIDField(unique=True, null=True, blank=True, editable=False)

    class Meta:
        ordering = ["number"]
        constraints = [
            models.CheckConstraint(condition=models.Q(total__gt=0, subtotal__gte=0, discount__gte=0, shipping__gte=0,
                                                      tax__gte=0),
                                   name="credit_memo_money_gte_0"),
            models.CheckConstraint(condition=models.Q(total__lte=MAX_AMOUNT), name="credit_memo_within_columns"),
        ]

    def __str__(self) -> str:
        return self.label

    @property
    def label(self) -> str:
        return f"CM{self.number}"

    @property
    def credited_before(self):
        """What of the figures above the total was credited already (a goodwill credit, a cent of rounding): the
        total is never more than the order had left to credit."""
        return self.subtotal - self.discount + self.shipping + self.tax - self.total


class CreditMemoLine(models.Model):
    credit_memo = models.ForeignKey(CreditMemo, on_delete=models.CASCADE, related_name="lines")
    order_line = models.ForeignKey("orders.OrderLine", on_delete=models.PROTECT, related_name="+")
    sku = models.CharField("SKU", max_length=64, blank=True)
    name = models.CharField(max_length=200)
    unit_price = models.DecimalField(max_digits=12, decimal_places=2)
    quantity = models.PositiveIntegerField()
    line_total = models.DecimalField(max_digits=14, decimal_places=2)

    class Meta:
        ordering = ["pk"]
        constraints = [
            models.CheckConstraint(condition=models.Q(quantity__gt=0), name="credit_memo_line_quantity_gt_0"),
            models.CheckConstraint(condition=models.Q(line_total__lte=MAX_LINE_AMOUNT),
                                   name="credit_memo_line_within_columns"),
        ]

    def __str__(self) -> str:
        return f"{self.quantity} x {self.sku}"
