"""What happens to an order after it is placed: shipments and their lines, payments, the merchant's
details on its documents, and the daily sales summary the dashboard reads."""

from django.conf import settings
from django.db import models

from catalog.models import Product
from oms.core.money import MAX_AMOUNT
from oms.core.validators import validate_no_card_number

from .models import Order, OrderLine

EmailState = Order.EmailState


class Carrier(models.Model):
    name = models.CharField(max_length=100, unique=True)
    tracking_url = models.CharField(
        "tracking URL", max_length=300, blank=True,
        help_text="With {number} where the tracking number goes, e.g. https://carrier.example/track?n={number}",
    )
    is_active = models.BooleanField("active", default=True)
    position = models.PositiveSmallIntegerField(default=0, help_text="Lower comes first.")

    class Meta:
        ordering = ["position", "name"]

    def __str__(self) -> str:
        return self.name

    def tracking_link(self, number: str) -> str:
        return self.tracking_url.replace("{number}", number) if "{number}" in self.tracking_url else ""


class Shipment(models.Model):
    order = models.ForeignKey(Order, on_delete=models.PROTECT, related_name="shipments")
    carrier = models.ForeignKey(Carrier, on_delete=models.PROTECT, related_name="+")
    tracking_numbers = models.JSONField(default=list, blank=True)
    shipped_on = models.DateField()
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    # The shipping confirmation, tracked like the order confirmation (orders.emails).
    email_to = models.EmailField(blank=True)
    email_state = models.CharField(max_length=20, choices=EmailState.choices, default=EmailState.NOT_REQUESTED)
    email_sent_at = models.DateTimeField(null=True, blank=True)
    email_error = models.TextField(blank=True)
    # The Mark shipped form's one-time token: the same form submitted twice records one shipment (None: recorded
    # by a service call, not a form).
    submission_token = models.UUIDField(unique=True, null=True, blank=True, editable=False)

    class Meta:
        ordering = ["pk"]

    def __str__(self) -> str:
        return f"Shipment {self.pk} of order #{self.order_id}"


class ShipmentLine(models.Model):
    shipment = models.ForeignKey(Shipment, on_delete=models.CASCADE, related_name="lines")
    order_line = models.ForeignKey(OrderLine, on_delete=models.PROTECT, related_name="+")
    quantity = models.PositiveIntegerField()

    class Meta:
        ordering = ["pk"]
        constraints = [models.CheckConstraint(condition=models.Q(quantity__gt=0), name="shipment_line_quantity_gt_0")]

    def __str__(self) -> str:
        return f"{self.quantity} of line {self.order_line_id}"


class Payment(models.Model):
    class Method(models.TextChoices):
        CHECK = "check", "Check"
        BANK_TRANSFER = "bank_transfer", "Bank transfer"
        CARD_BY_PHONE = "card_by_phone", "Card by phone (external terminal)"
        CASH = "cash", "Cash"
        OTHER = "other", "Other"

    order = models.ForeignKey(Order, on_delete=models.PROTECT, related_name="payments")
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


class MerchantSettings(models.Model):
    """The one row of the merchant's details that invoices and packing slips print (edited in the admin)."""

    class Paper(models.TextChoices):
        A4 = "a4", "A4"
        LETTER = "letter", "US Letter"

    name = models.CharField(max_length=200, default="Our company")
    address = models.TextField(blank=True, help_text="As printed, one line each.")
    email = models.EmailField(blank=True)
    phone = models.CharField(max_length=40, blank=True)
    tax_number = models.CharField("tax or VAT number", max_length=60, blank=True)
    logo = models.TextField(blank=True, editable=False)  # a data: URL, set from the admin's upload
    paper = models.CharField(max_length=10, choices=Paper.choices, default=Paper.A4)
    invoice_footer = models.TextField(blank=True, help_text="Payment instructions, bank details, thanks.")

    class Meta:
        verbose_name = verbose_name_plural = "merchant settings"

    def __str__(self) -> str:
        return self.name

    @classmethod
    def current(cls) -> "MerchantSettings":
        return cls.objects.order_by("pk").first() or cls()


class DailySales(models.Model):
    """Orders and revenue per day, channel and staff member: kept by the services (placing adds, cancelling
    subtracts) so the dashboard sums a month in a few hundred rows, whatever the number of orders."""

    day = models.DateField()
    channel = models.CharField(max_length=10, choices=Order.Channel.choices)
    staff_id = models.IntegerField(default=0)  # who placed them (0: nobody); no key, so a user can be deleted
    orders = models.IntegerField(default=0)
    # A sum of order totals (each at most orders.pricing.MAX_AMOUNT): room for a hundred million of the largest.
    revenue = models.DecimalField(max_digits=20, decimal_places=2, default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["day", "channel", "staff_id"], name="daily_sales_once"),
        ]
        indexes = [models.Index(fields=["day"], name="daily_sales_day")]

    def __str__(self) -> str:
        return f"{self.day} {self.channel}: {self.orders}"


class DailyProductSales(models.Model):
    day = models.DateField()
    product = models.ForeignKey(Product, on_delete=models.CASCADE, related_name="+")
    quantity = models.IntegerField(default=0)
    revenue = models.DecimalField(max_digits=20, decimal_places=2, default=0)  # as DailySales.revenue

    class Meta:
        constraints = [models.UniqueConstraint(fields=["day", "product"], name="daily_product_sales_once")]
        indexes = [models.Index(fields=["day"], name="daily_product_sales_day")]

    def __str__(self) -> str:
        return f"{self.day} product {self.product_id}: {self.quantity}"
