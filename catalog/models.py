from django.conf import settings
from django.db import models
from django.db.models import OuterRef, Subquery, Sum
from django.db.models.functions import Coalesce, Lower, Now


class ProductQuerySet(models.QuerySet):
    def with_reserved(self, *, excluding: str = ""):
        """Each product with ``reserved``: the units its live reservations hold (those whose time has not come),
        leaving out the holder ``excluding`` (a quote being converted or revised counts its own units as free)."""
        live = StockReservation.objects.filter(product=OuterRef("pk"), until__gt=Now())
        if excluding:
            live = live.exclude(holder=excluding)
        units = live.order_by().values("product").annotate(units=Sum("quantity")).values("units")
        return self.annotate(reserved=Coalesce(Subquery(units), 0))


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

    objects = ProductQuerySet.as_manager()
    reserved = 0  # units held by live reservations: set by Product.objects.with_reserved(), else none counted

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

    @property
    def free_stock(self) -> int:
        """The stock no live reservation holds: what a cart, an edit or a backorder may take (never below 0)."""
        return max(0, self.stock - self.reserved)

    def available(self, quantity: int) -> bool:
        return not self.track_inventory or self.free_stock >= quantity


class StockReservation(models.Model):
    """Units of a product held for someone until a time (a quote's `Reserve stock until then`): nobody else may
    take them until then. It ends by itself when ``until`` passes (read from the clock, no job), or when its
    holder deletes it (the quote converted, revised or withdrawn)."""

    product = models.ForeignKey(Product, on_delete=models.CASCADE, related_name="reservations", db_index=False)
    quantity = models.PositiveIntegerField()
    until = models.DateTimeField()
    holder = models.CharField(max_length=20, help_text="What holds the units: a quote's number, Q<number>.")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        indexes = [
            # a product's live reservations: the cart's and placing's availability check reads along this index
            models.Index(fields=["product", "until"], name="reservation_product_live"),
            models.Index(fields=["holder"], name="reservation_holder"),
        ]
        constraints = [models.CheckConstraint(condition=models.Q(quantity__gt=0), name="reservation_quantity_gt_0")]

    def __str__(self) -> str:
        return f"{self.quantity} × product {self.product_id} for {self.holder} until {self.until:%Y-%m-%d}"


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
