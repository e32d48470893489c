from django.db import models
from django.urls import reverse
from django_countries.fields import CountryField


class Customer(models.Model):
    first_name = models.CharField(max_length=100)
    last_name = models.CharField(max_length=100)
    company = models.CharField(max_length=200, blank=True)
    email = models.EmailField(blank=True)
    phone = models.CharField(max_length=40, blank=True)
    notes = models.TextField(blank=True)
    # Until customer types carry terms: days after placing that an order's balance falls due (0: on placing).
    payment_terms_days = models.PositiveSmallIntegerField("payment terms (days)", default=0, db_default=0)
    default_billing_address = models.ForeignKey(
        "Address", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    default_shipping_address = models.ForeignKey(
        "Address", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["last_name", "first_name", "pk"]
        # Search indexes (UPPER(col) COLLATE "C", what customers.selectors reads in order) are
        # PostgreSQL-only and live in migration 0003. This one serves the admin's list in this ordering.
        indexes = [
            models.Index(fields=["last_name", "first_name", "id"], name="customer_alphabetical"),
        ]
        permissions = [
            ("export_customer_data", "Can export everything held about a customer"),
            ("erase_customer", "Can erase a customer's personal data"),
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("customers:detail", args=[self.pk])

    @property
    def name(self) -> str:
        return f"{self.first_name} {self.last_name}".strip()

    @property
    def number(self) -> str:
        """The customer number staff read out and search by."""
        return f"C{self.pk:06d}" if self.pk else ""


class Address(models.Model):
    customer = models.ForeignKey(Customer, on_delete=models.CASCADE, related_name="addresses")
    name = models.CharField(max_length=200)
    company = models.CharField(max_length=200, blank=True)
    line1 = models.CharField("Address line 1", max_length=200)
    line2 = models.CharField("Address line 2", max_length=200, blank=True)
    city = models.CharField(max_length=100)
    region = models.CharField("State/Region", max_length=100, blank=True)
    postal_code = models.CharField(max_length=20, blank=True)
    country = CountryField(default="US")
    phone = models.CharField(max_length=40, blank=True)

    class Meta:
        verbose_name_plural = "addresses"
        ordering = ["pk"]

    def __str__(self) -> str:
        return ", ".join(part for part in (self.name, self.line1, self.city) if part)

    SNAPSHOT_FIELDS = (
        "name", "company", "line1", "line2", "city", "region", "postal_code", "country", "phone",
    )

    def as_snapshot(self) -> dict[str, str]:
        return {field: str(getattr(self, field) or "") for field in self.SNAPSHOT_FIELDS}
