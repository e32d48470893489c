from django.conf import settings
from django.db import models
from django.db.models.functions import Lower


class Product(models.Model):
    sku = models.CharField("SKU", max_length=64)
    name = models.CharField(max_length=200)
    description = models.TextField(blank=True)
    price = models.DecimalField(max_digits=12, decimal_places=2)
    stock = models.IntegerField(default=0)
    track_inventory = models.BooleanField(default=True)
    is_active = models.BooleanField("active", default=True)
    # A line beyond stock of such a product is taken: the stock there is is allocated and the rest waits on
    # backorder until Receive stock allocates to it (orders.ordering, catalog.services.stock_receive).
    allow_backorders = models.BooleanField(
        default=False, db_default=False,
        help_text="Take orders beyond the stock: the rest waits on backorder until stock is received.")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["sku"]
        permissions = [("receive_stock", "Can receive stock")]
        constraints = [
            models.UniqueConstraint(
                Lower("sku"),
                name="product_sku_unique_ci",
                violation_error_message="A product with this SKU already exists.",
            ),
            models.CheckConstraint(condition=models.Q(price__gte=0), name="product_price_gte_0"),
            models.CheckConstraint(condition=models.Q(stock__gte=0), name="product_stock_gte_0"),
        ]

    def __str__(self) -> str:
        return f"{self.sku} {self.name}"

    def available(self, quantity: int) -> bool:
        return not self.track_inventory or self.stock >= quantity


class StockReceipt(models.Model):
    """Goods that arrived from a supplier: one or several products' quantities, under the supplier's reference."""

    reference = models.CharField(max_length=100, blank=True, help_text="The supplier's delivery note.")
    received_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                    related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-pk"]

    def __str__(self) -> str:
        return f"Receipt {self.pk}" + (f" ({self.reference})" if self.reference else "")


class StockMovement(models.Model):
    """One change of a product's stock, written in the same transaction as the change (catalog.services): for every
    product, its stock is the sum of its movements since the ledger began."""

    class Kind(models.TextChoices):
        RECEIPT = "receipt", "Receipt"
        SALE = "sale", "Sale"
        EDIT = "edit", "Order edited"
        CANCEL = "cancel", "Cancelled"
        RETURN = "return", "Returned"
        ADJUSTMENT = "adjustment", "Adjustment"

    product = models.ForeignKey(Product, on_delete=models.PROTECT, related_name="movements", db_index=False)
    quantity = models.IntegerField(help_text="Units in (positive) or out (negative).")
    kind = models.CharField(max_length=20, choices=Kind.choices)
    reason = models.CharField(max_length=200, blank=True)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                              related_name="+", db_index=False)
    order = models.ForeignKey("orders.Order", null=True, blank=True, on_delete=models.PROTECT, related_name="+",
                              db_index=False)
    receipt = models.ForeignKey(StockReceipt, null=True, blank=True, on_delete=models.PROTECT,
                                related_name="movements")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-pk"]
        indexes = [models.Index(fields=["product", "-id"], name="stock_movement_product_newest")]

    def __str__(self) -> str:
        return f"{self.quantity:+} {self.product_id} ({self.get_kind_display()})"
