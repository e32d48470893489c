from decimal import Decimal

from django.core.validators import MinValueValidator
from django.db import models
from django.urls import reverse
from django_countries.fields import CountryField

from catalog.models import Product
from oms.core.validators import validate_no_card_number

RETAIL = "Retail"
RETAIL_PK = 1  # made first, by migration 0006


class CustomerType(models.Model):
    """A price level (Retail, Wholesale, Distributor): what its customers pay, may pay with, and when.

    A product's price in the type's table (TypePrice) wins over the percent off list."""

    name = models.CharField(max_length=100, unique=True)
    percent_off = models.DecimalField("default percent off list", max_digits=5, decimal_places=2, default=0)
    tax_exempt = models.BooleanField("tax-exempt by default", default=False)
    # Payment method codes (orders.Order.PaymentMethod); empty: every method. Edited in the orders admin,
    # which knows the methods (customers knows nothing of orders).
    payment_methods = models.JSONField("allowed payment methods", default=list, blank=True)
    payment_terms_days = models.PositiveSmallIntegerField("payment terms (days)", default=0)
    # What its customers may owe on account or by purchase order before their orders are held (orders.payments
    # .selectors.credit_exposure); empty: no limit.
    credit_limit = models.DecimalField("default credit limit", max_digits=12, decimal_places=2, null=True,
                                       blank=True, help_text="Empty: no limit.")
    hold_when_overdue = models.BooleanField("Hold orders of customers with overdue invoices", default=False,
                                            db_default=False)

    class Meta:
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(condition=models.Q(percent_off__gte=0, percent_off__lte=100),
                                   name="customer_type_percent_between_0_and_100"),
            models.CheckConstraint(condition=models.Q(credit_limit__gte=0), name="customer_type_credit_limit_gte_0"),
        ]

    def __str__(self) -> str:
        return self.name

    def allows(self, payment_method: str) -> bool:
        return not self.payment_methods or payment_method in self.payment_methods


class TypePrice(models.Model):
    """A product's price for one customer type; it wins over the type's percent off list.

    It lives here, beside the type: customers may import catalog, and neither knows orders."""

    customer_type = models.ForeignKey(CustomerType, on_delete=models.CASCADE, related_name="prices")
    product = models.ForeignKey(Product, on_delete=models.CASCADE, related_name="+")
    price = models.DecimalField(max_digits=12, decimal_places=2)

    class Meta:
        ordering = ["customer_type", "product"]
        constraints = [
            models.UniqueConstraint(fields=["customer_type", "product"], name="type_price_once"),
            models.CheckConstraint(condition=models.Q(price__gte=0), name="type_price_gte_0"),
        ]

    def __str__(self) -> str:
        return f"{self.customer_type}: {self.product_id} at {self.price}"


def retail_type_id() -> int:
    """New customers are Retail unless told otherwise (re-made if a test flushed it away)."""
    return CustomerType.objects.get_or_create(name=RETAIL)[0].pk


NAME_LENGTH = 100
FULL_NAME_LENGTH = 2 * NAME_LENGTH + 1  # Customer.name: first and last names and a space


class Customer(models.Model):
    first_name = models.CharField(max_length=NAME_LENGTH)
    last_name = models.CharField(max_length=NAME_LENGTH)
    company = models.CharField(max_length=200, blank=True)
    email = models.EmailField(blank=True)
    phone = models.CharField(max_length=40, blank=True)
    notes = models.TextField(blank=True, validators=[validate_no_card_number])
    customer_type = models.ForeignKey(CustomerType, on_delete=models.PROTECT, related_name="+",
                                      verbose_name="customer type", default=retail_type_id)
    # Days after placing that an order's balance falls due; empty: the customer type's terms.
    payment_terms_days = models.PositiveSmallIntegerField("payment terms (days)", null=True, blank=True,
                                                          help_text="Empty: the customer type's terms.")
    # What they may owe on credit before their orders are held; empty: the customer type's limit.
    # A validator, not a CHECK: adding one to this big table would read every row under a lock.
    credit_limit = models.DecimalField(max_digits=12, decimal_places=2, null=True, blank=True,
                                       validators=[MinValueValidator(0)],
                                       help_text="Empty: the customer type's limit.")
    tax_exempt = models.BooleanField("tax-exempt", default=False,
                                     help_text="Also exempt when the customer type is tax-exempt by default.")
    tax_exemption_number = models.CharField("exemption certificate number", max_length=50, blank=True)
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
        constraints = [
            # An exemption is on file with its certificate's number.
            models.CheckConstraint(condition=models.Q(tax_exempt=False) | ~models.Q(tax_exemption_number=""),
                                   name="customer_exempt_has_number"),
        ]
        permissions = [
            ("export_customer_data", "Can export everything held about a customer"),
            ("erase_customer", "Can erase a customer's personal data"),
            ("change_customer_terms", "Can change a customer's type, tax exemption, terms and default addresses"),
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("customers:detail", args=[self.pk])

    @property
    def name(self) -> str:
        return f"{self.first_name} {self.last_name}".strip()

    @property
    def terms_days(self) -> int:
        """The customer's own payment terms, else their type's."""
        if self.payment_terms_days is not None:
            return self.payment_terms_days
        return self.customer_type.payment_terms_days

    @property
    def effective_credit_limit(self) -> Decimal | None:
        """The customer's own credit limit, else their type's (None: no limit)."""
        if self.credit_limit is not None:
            return self.credit_limit
        return self.customer_type.credit_limit

    @property
    def is_tax_exempt(self) -> bool:
        return self.tax_exempt or self.customer_type.tax_exempt

    @property
    def number(self) -> str:
        """The customer number staff read out and search by."""
        return f"C{self.pk:06d}" if self.pk else ""


class Address(models.Model):
    customer = models.ForeignKey(Customer, on_delete=models.CASCADE, related_name="addresses")
    name = models.CharField(max_length=FULL_NAME_LENGTH)  # a new customer's first address bears their name
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
