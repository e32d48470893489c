"""Shipments and their lines, the carriers that take them, and the merchant's details on the documents."""

from django.conf import settings
from django.db import models

from orders.notifications.models import TrackedEmail


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


class Shipment(TrackedEmail):
    order = models.ForeignKey("orders.Order", on_delete=models.PROTECT, related_name="shipments")
    carrier = models.ForeignKey(Carrier, on_delete=models.PROTECT, related_name="+")
    tracking_numbers = models.JSONField(default=list, blank=True)
    shipped_on = models.DateField()
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    # The Mark shipped form's one-time token: the same form submitted twice records one shipment (None: recorded
    # by a service call, not a form).
    submission_token = models.UUIDField(unique=True, null=True, blank=True, editable=False)

    class Meta:
        ordering = ["pk"]

    def __str__(self) -> str:
        return f"Shipment {self.pk} of order #{self.order_id}"


class ShipmentLine(models.Model):
    shipment = models.ForeignKey(Shipment, on_delete=models.CASCADE, related_name="lines")
    order_line = models.ForeignKey("orders.OrderLine", on_delete=models.PROTECT, related_name="+")
    quantity = models.PositiveIntegerField()

    class Meta:
        ordering = ["pk"]
        constraints = [models.CheckConstraint(condition=models.Q(quantity__gt=0), name="shipment_line_quantity_gt_0")]

    def __str__(self) -> str:
        return f"{self.quantity} of line {self.order_line_id}"


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
