"""The daily sales summary the dashboard reads, kept by the services that place, change and cancel
orders."""

from django.db import models

from catalog.models import Product
from orders.lifecycle import Channel


class DailySales(models.Model):
    """Orders and revenue per day, channel and staff member: kept by the services (placing adds, cancelling
    subtracts) so the dashboard sums a month in a few hundred rows, whatever the number of orders."""

    day = models.DateField()
    channel = models.CharField(max_length=10, choices=Channel.choices)
    staff_id = models.IntegerField(default=0)  # who placed them (0: nobody); no key, so a user can be deleted
    orders = models.IntegerField(default=0)
    # A sum of order totals (each at most orders.pricing.MAX_AMOUNT): room for a hundred million of the largest.
    revenue = models.DecimalField(max_digits=20, decimal_places=2, default=0)
    # Credit memos issued that day against orders of this channel and staff member (net revenue: revenue - credited).
    credited = models.DecimalField(max_digits=20, decimal_places=2, default=0, db_default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["day", "channel", "staff_id"], name="daily_sales_once"),
        ]
        indexes = [models.Index(fields=["day"], name="daily_sales_day")]

    def __str__(self) -> str:
        return f"{self.day} {self.channel}: {self.orders}"


class ProductSales(models.Model):
    """Units and revenue of a product sold in a period (the subclass's key with the product)."""

    product = models.ForeignKey(Product, on_delete=models.CASCADE, related_name="+")
    quantity = models.IntegerField(default=0)
    revenue = models.DecimalField(max_digits=20, decimal_places=2, default=0)  # as DailySales.revenue

    class Meta:
        abstract = True


class DailyProductSales(ProductSales):
    """A day's sales of a product (MonthlyProductSales adds them up by month)."""

    day = models.DateField()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["day", "product"], name="daily_product_sales_once")]
        indexes = [models.Index(fields=["day"], name="daily_product_sales_day")]

    def __str__(self) -> str:
        return f"{self.day} product {self.product_id}: {self.quantity}"


class MonthlyProductSales(ProductSales):
    """DailyProductSales added up by month (``month``: its first day), kept in the same statements: the dashboard's
    top products of a month are the first rows of an index, where summing the month's days read up to a row per
    product and day (at 10M orders over three years, 750,000 rows by a month's end)."""

    month = models.DateField()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["month", "product"], name="monthly_product_sales_once")]
        indexes = [models.Index(fields=["month", "-revenue"], name="monthly_product_sales_top")]

    def __str__(self) -> str:
        return f"{self.month:%Y-%m} product {self.product_id}: {self.quantity}"
