"""What prices an order: shipping methods, tax rates by destination, and the reasons staff give for a
price."""

from django.db import models
from django_countries.fields import CountryField


class ShippingMethod(models.Model):
    name = models.CharField(max_length=100, unique=True)
    price = models.DecimalField(max_digits=10, decimal_places=2)
    is_active = models.BooleanField("active", default=True)
    position = models.PositiveSmallIntegerField(default=0, help_text="Lower comes first.")

    class Meta:
        ordering = ["position", "name"]
        constraints = [
            models.CheckConstraint(condition=models.Q(price__gte=0), name="shipping_price_gte_0"),
        ]

    def __str__(self) -> str:
        return self.name


class TaxRate(models.Model):
    """A sales tax rate for a destination: a country and region, a country, or (both empty) the default.

    The most specific active row for the shipping address wins; among equals, the newest."""

    name = models.CharField("jurisdiction", max_length=100)
    country = CountryField(blank=True, help_text="Empty: the default rate, for everywhere else.")
    region = models.CharField("State/Region", max_length=100, blank=True,
                              help_text="As on addresses (e.g. OR); empty: the whole country.")
    rate = models.DecimalField("rate (%)", max_digits=6, decimal_places=3)
    tax_shipping = models.BooleanField("shipping is taxed", default=False)
    is_active = models.BooleanField("active", default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(rate__gte=0, rate__lte=100), name="tax_rate_between_0_and_100"
            ),
            models.CheckConstraint(condition=~models.Q(country="") | models.Q(region=""),
                                   name="tax_rate_region_needs_country"),
        ]
        indexes = [models.Index(fields=["country", "region"], name="tax_rate_destination",
                                condition=models.Q(is_active=True))]

    def __str__(self) -> str:
        return f"{self.name} ({self.rate}%)"

    @staticmethod
    def specificity_of(country: str, region: str) -> int:
        """A region beats a country beats the default row."""
        return (2 if region else 0) + (1 if country else 0)


class PriceReason(models.Model):
    """The reasons staff pick from when they change a price or give a discount (free text is allowed too)."""

    text = models.CharField(max_length=100, unique=True)
    is_active = models.BooleanField("active", default=True)
    position = models.PositiveSmallIntegerField(default=0, help_text="Lower comes first.")

    class Meta:
        ordering = ["position", "text"]

    def __str__(self) -> str:
        return self.text
