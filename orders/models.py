"""The order, its lines and its timeline. Django registers an app's models from its models module, so
the capabilities' models are imported at the end."""

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.urls import reverse

from catalog.models import Product
from customers.models import FULL_NAME_LENGTH, Customer
from oms.core.money import MAX_AMOUNT, MAX_LINE_AMOUNT
from oms.core.validators import validate_no_card_number
from orders import lifecycle
from orders.lifecycle import Channel, EmailState, PaymentMethod, PaymentStatus

MAX_SHIPPING = Decimal("99999999.99")  # max_digits 10


class Order(models.Model):
    Status = lifecycle.Status  # the statuses and what each allows: orders.lifecycle

    Channel = Channel
    PaymentMethod = PaymentMethod
    PaymentStatus = PaymentStatus
    EmailState = EmailState

    # The order number is the primary key: allocated by the database, never reused.
    number = models.BigAutoField(primary_key=True)
    checkout_token = models.UUIDField(unique=True, editable=False)
    customer = models.ForeignKey(Customer, on_delete=models.PROTECT, related_name="orders")
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.PLACED)
    channel = models.CharField(max_length=10, choices=Channel.choices, default=Channel.PHONE)
    placed_by = models.ForeignKey(  # indexed with the number (order_taken_by_newest)
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+", db_index=False
    )
    customer_name = models.CharField(max_length=FULL_NAME_LENGTH)
    customer_email = models.EmailField(blank=True)
    billing_address = models.JSONField()
    shipping_address = models.JSONField()
    shipping_method = models.CharField(max_length=100)
    payment_method = models.CharField(max_length=20, choices=PaymentMethod.choices)
    payment_reference = models.CharField(max_length=100, blank=True, validators=[validate_no_card_number])
    subtotal = models.DecimalField(max_digits=12, decimal_places=2)
    shipping = models.DecimalField(max_digits=10, decimal_places=2)
    tax_rate = models.DecimalField(max_digits=6, decimal_places=3)
    tax = models.DecimalField(max_digits=12, decimal_places=2)
    total = models.DecimalField(max_digits=12, decimal_places=2)
    # Pricing as placed (orders.pricing): the price level, the order discount and who gave it, where the tax
    # was charged and whether shipping was taxed, and an exemption's certificate.
    customer_type = models.CharField("price level", max_length=100, blank=True)
    discount = models.DecimalField(max_digits=12, decimal_places=2, default=0)
    discount_entered = models.CharField(max_length=20, blank=True,
                                        help_text="As staff typed it: an amount or a percent.")
    discount_reason = models.CharField(max_length=200, blank=True)
    # The approvers have no index (db_index=False): users are rarely deleted, and a million rows need not pay for one.
    discount_approved_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, db_index=False,
                                             on_delete=models.SET_NULL, related_name="+")
    tax_jurisdiction = models.CharField(max_length=100, blank=True)
    tax_shipping = models.BooleanField("shipping taxed", default=False)
    tax_exempt = models.BooleanField(default=False)
    tax_exemption_number = models.CharField("exemption certificate number", max_length=50, blank=True)
    # Free text that staff type is guarded against card numbers (every form of it, ours and the admin's).
    staff_note = models.TextField(blank=True, validators=[validate_no_card_number])
    customer_note = models.TextField(blank=True, validators=[validate_no_card_number])
    confirmation_state = models.CharField(
        max_length=20, choices=EmailState.choices, default=EmailState.NOT_REQUESTED
    )
    confirmation_sent_at = models.DateTimeField(null=True, blank=True)
    confirmation_error = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    # Payments and terms (orders.fulfilment keeps them): the sum of the payments, what that makes the
    # order, and when the balance falls due (the customer's terms at placing).
    amount_paid = models.DecimalField(max_digits=12, decimal_places=2, default=0)
    payment_status = models.CharField(max_length=20, choices=PaymentStatus.choices, default=PaymentStatus.UNPAID)
    due_date = models.DateField(null=True, blank=True)
    # What comes back (orders.returns, orders.payments): the credit memos' total and the refunds' sum. The balance
    # due is total - credited - paid + refunded (orders.payments.terms.balance_due).
    # db_default: PostgreSQL adds a column with a constant default without rewriting the table.
    amount_credited = models.DecimalField(max_digits=12, decimal_places=2, default=0, db_default=0)
    amount_refunded = models.DecimalField(max_digits=12, decimal_places=2, default=0, db_default=0)
    # A hold (orders.changes.services.order_hold): nothing ships and the invoice says so until it is released.
    on_hold = models.BooleanField(default=False, db_default=False)
    hold_reason = models.CharField(max_length=200, blank=True, default="", db_default="",
                                   validators=[validate_no_card_number])
    # Some line waits on backorder (OrderLine.quantity_backordered): the order list's Backordered filter and the
    # dashboard read it along the order_backordered partial index.
    backordered = models.BooleanField(default=False, db_default=False)
    # Raised by every saved edit: an edit started at another version is refused (two tabs, two people).
    version = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["-number"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(subtotal__gte=0, shipping__gte=0, tax__gte=0, total__gte=0),
                name="order_money_gte_0",
            ),
            models.CheckConstraint(condition=models.Q(discount__gte=0, discount__lte=models.F("subtotal")),
                                   name="order_discount_within_subtotal"),
            # What PostgreSQL's numeric(12, 2) refuses, SQLite must too (orders.pricing.totals_problems says why
            # in words first): one order past them broke every page that lists it.
            models.CheckConstraint(
                condition=models.Q(subtotal__lte=MAX_AMOUNT, discount__lte=MAX_AMOUNT, tax__lte=MAX_AMOUNT,
                                   total__lte=MAX_AMOUNT, shipping__lte=MAX_SHIPPING, amount_paid__lte=MAX_AMOUNT,
                                   amount_paid__gte=-MAX_AMOUNT),
                name="order_money_within_columns",
            ),
            # Refunds never pay back more than was paid, credit memos never credit more than the total.
            models.CheckConstraint(condition=models.Q(amount_refunded__gte=0,
                                                      amount_refunded__lte=models.F("amount_paid")),
                                   name="order_refunded_within_paid"),
            models.CheckConstraint(condition=models.Q(amount_credited__gte=0, amount_credited__lte=models.F("total")),
                                   name="order_credited_within_total"),
        ]
        indexes = [
            models.Index(fields=["customer", "-number"], name="order_customer_newest"),
            # The dashboard's awaiting payment / shipment and the overdue filter read only open orders, newest
            # first; orders with no due date (bulk-loaded ones) are not in the overdue one at all.
            models.Index(fields=["-number"], name="order_balance_open",
                         condition=models.Q(payment_status__in=["unpaid", "partially_paid"])
                         & ~models.Q(status__in=lifecycle.ordered(lifecycle.NOT_PAYABLE))),
            models.Index(fields=["-number"], name="order_balance_due",
                         condition=models.Q(payment_status__in=["unpaid", "partially_paid"])
                         & ~models.Q(status__in=lifecycle.ordered(lifecycle.NOT_PAYABLE))
                         & models.Q(due_date__isnull=False)),
            # The order list's Status On hold and the dashboard's count of held orders, newest first.
            models.Index(fields=["-number"], name="order_on_hold", condition=models.Q(on_hold=True)),
            models.Index(fields=["-number"], name="order_backordered", condition=models.Q(backordered=True)),
            # A customer's open balance on credit (a credit limit's exposure), read without the customer's other
            # orders: the rows still owing, paid on account or by purchase order.
            models.Index(fields=["customer"], name="order_customer_exposure",
                         include=["total", "amount_paid", "amount_credited", "amount_refunded", "due_date"],
                         condition=models.Q(payment_method__in=lifecycle.ordered_methods(lifecycle.ON_CREDIT),
                                            payment_status__in=["unpaid", "partially_paid"])
                         & ~models.Q(status__in=lifecycle.ordered(lifecycle.NOT_PAYABLE))),
            # The order list's Owed to customer: money to pay back (a credit memo or an overpayment), newest first.
            models.Index(fields=["-number"], name="order_owed_to_customer",
                         condition=models.Q(payment_status="overpaid")
                         & ~models.Q(status__in=lifecycle.ordered(lifecycle.NOT_PAYABLE))),
            models.Index(fields=["-number"], name="order_awaiting_shipment",
                         condition=models.Q(status__in=lifecycle.ordered(lifecycle.AWAITING_SHIPMENT))),
            # The order list's filters, each read newest first along its own index.
            models.Index(fields=["status", "-number"], name="order_status_newest"),
            models.Index(fields=["channel", "-number"], name="order_channel_newest"),
            models.Index(fields=["placed_by", "-number"], name="order_taken_by_newest"),
            # Status and Channel together: the newest orders are rarely completed yet, so reading either index
            # above (or the newest orders) until a page of both matched would skip a day's orders first.
            models.Index(fields=["status", "channel", "-number"], name="order_status_channel_newest"),
        ]
        # What staff may do with orders beyond the model's own add/change/delete/view; the roles
        # (oms.accounts.roles) grant them, the views check them.
        permissions = [
            ("place_order", "Can place an order"),
            ("add_note", "Can add a note to an order"),
            ("resend_confirmation", "Can resend the confirmation to the order's saved address"),
            ("change_price", "Can change prices and discounts"),
            ("edit_order", "Can edit a placed order"),
            ("cancel_order", "Can cancel an order"),
            ("record_payment", "Can record a payment"),
            ("record_shipment", "Can record a shipment"),
            ("change_status", "Can change an order's status"),
            ("view_dashboard", "Can view the dashboard"),
            ("cancel_remaining", "Can cancel what has not shipped of a partially shipped order"),
            ("hold_order", "Can put an order on hold and release it"),
        ]

    def __str__(self) -> str:
        return f"Order #{self.number}"

    def get_absolute_url(self) -> str:
        return reverse("orders:detail", args=[self.number])

    @property
    def balance_due(self) -> Decimal:
        """What the customer still owes: total - credited - paid + refunded (negative: owed to the customer, after
        an accepted overpayment or a credit memo). The one place it is computed."""
        return self.total - self.amount_credited - self.amount_paid + self.amount_refunded


def backorder_note(allocated: int, backordered: int) -> str:
    """What a line beyond stock says, in the cart, the editor, the order and its documents: "25 in stock,
    15 on backorder" ("" when nothing waits)."""
    return f"{allocated:,} in stock, {backordered:,} on backorder" if backordered else ""


class OrderLine(models.Model):
    order = models.ForeignKey(Order, on_delete=models.CASCADE, related_name="lines")
    # A product line names its product; a custom line (freight, a setup fee) has none, only its description.
    product = models.ForeignKey(Product, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    is_custom = models.BooleanField("custom line", default=False)
    sku = models.CharField("SKU", max_length=64, blank=True)
    name = models.CharField(max_length=200)
    # The catalog's price when placed (None on lines loaded before price levels: the unit price was the list's).
    list_price = models.DecimalField(max_digits=12, decimal_places=2, null=True, blank=True)
    unit_price = models.DecimalField("unit price charged", max_digits=12, decimal_places=2)
    quantity = models.PositiveIntegerField()
    line_total = models.DecimalField(max_digits=14, decimal_places=2)
    # Off list for the line ((list - unit) x quantity), why (price level, or an override's reason) and who
    # approved an override (None: no override).
    discount = models.DecimalField(max_digits=14, decimal_places=2, default=0)
    price_reason = models.CharField(max_length=200, blank=True)
    price_approved_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, db_index=False,
                                          on_delete=models.SET_NULL, related_name="+")
    taxable = models.BooleanField(default=True)
    quantity_shipped = models.PositiveIntegerField(default=0)
    # Authorized to come back (orders.returns); a return received short gives back what did not come.
    # An IntegerField: a PositiveIntegerField's inline CHECK would make adding the column read every line under a
    # lock; line_returned_lte_shipped (validated apart) keeps it at least zero.
    quantity_returned = models.IntegerField(default=0, db_default=0)
    # Ordered beyond the stock of a product that allows backorders: waiting for Receive stock, never shipped
    # before it is allocated (line_backordered_lte_unshipped). Allocated = quantity - quantity_backordered.
    quantity_backordered = models.IntegerField(default=0, db_default=0)

    class Meta:
        ordering = ["pk"]
        # Receive stock: the lines waiting for a product, oldest order first.
        indexes = [models.Index(fields=["product", "order"], name="line_waiting_for_stock",
                                condition=models.Q(quantity_backordered__gt=0))]
        constraints = [
            # Never more shipped than ordered, whatever the code above it does (orders.fulfilment locks too).
            models.CheckConstraint(condition=models.Q(quantity_shipped__lte=models.F("quantity")),
                                   name="line_shipped_lte_ordered"),
            models.CheckConstraint(condition=models.Q(quantity_returned__gte=0,
                                                      quantity_returned__lte=models.F("quantity_shipped")),
                                   name="line_returned_lte_shipped"),
            models.CheckConstraint(condition=models.Q(quantity_backordered__gte=0, quantity_backordered__lte=(
                models.F("quantity") - models.F("quantity_shipped"))), name="line_backordered_lte_unshipped"),
            models.CheckConstraint(condition=models.Q(quantity__gt=0), name="line_quantity_gt_0"),
            models.CheckConstraint(
                condition=models.Q(unit_price__gte=0, line_total__gte=0),
                name="line_money_gte_0",
            ),
            models.CheckConstraint(  # as order_money_within_columns
                condition=models.Q(unit_price__lte=MAX_AMOUNT, list_price__lte=MAX_AMOUNT,
                                   line_total__lte=MAX_LINE_AMOUNT, discount__lte=MAX_LINE_AMOUNT),
                name="line_money_within_columns",
            ),
            models.UniqueConstraint(fields=["order", "product"], name="line_product_once"),
            models.CheckConstraint(condition=models.Q(is_custom=False, product__isnull=False)
                                   | models.Q(is_custom=True, product__isnull=True),
                                   name="line_product_or_custom"),
        ]

    def __str__(self) -> str:
        return f"{self.quantity} x {self.sku}"

    @property
    def list_price_shown(self):
        return self.unit_price if self.list_price is None else self.list_price

    @property
    def reason(self) -> str:
        """Why the price charged differs from list (price level, or an override's reason); templates read it."""
        return self.price_reason

    @property
    def price_differs(self) -> bool:
        return self.list_price is not None and self.list_price != self.unit_price

    @property
    def quantity_unshipped(self) -> int:
        return self.quantity - self.quantity_shipped

    @property
    def quantity_allocated(self) -> int:
        """Units the stock covers: what can be shipped, with those already shipped."""
        return self.quantity - self.quantity_backordered

    @property
    def quantity_shippable(self) -> int:
        return self.quantity_allocated - self.quantity_shipped

    @property
    def backorder(self) -> str:
        return backorder_note(self.quantity_allocated, self.quantity_backordered)


class OrderEvent(models.Model):
    """One entry of an order's timeline: what happened, who did it (None: the system), when.

    Written through orders.events (one function per kind, what happened kept in ``data``) by the service that made
    the change, in the same transaction; orders.events.describe draws the sentence the timeline shows."""

    class Kind(models.TextChoices):
        PLACED = "placed", "Placed"
        STATUS_CHANGED = "status_changed", "Status changed"
        CONFIRMATION_QUEUED = "confirmation_queued", "Confirmation queued"
        CONFIRMATION_SENT = "confirmation_sent", "Confirmation sent"
        CONFIRMATION_FAILED = "confirmation_failed", "Confirmation failed"
        CONFIRMATION_RESENT = "confirmation_resent", "Confirmation resend requested"
        EMAIL_CHANGED = "email_changed", "Email address changed"
        CANCELLED = "cancelled", "Cancelled"
        NOTE_ADDED = "note_added", "Note added"
        PAYMENT_RECORDED = "payment_recorded", "Payment recorded"
        SHIPMENT_RECORDED = "shipment_recorded", "Shipment recorded"
        SHIPPING_EMAIL_QUEUED = "shipping_email_queued", "Shipping confirmation queued"
        SHIPPING_EMAIL_SENT = "shipping_email_sent", "Shipping confirmation sent"
        SHIPPING_EMAIL_FAILED = "shipping_email_failed", "Shipping confirmation failed"
        SHIPPING_EMAIL_RESENT = "shipping_email_resent", "Shipping confirmation resend requested"
        EDITED = "edited", "Edited"
        RETURN_AUTHORIZED = "return_authorized", "Return authorized"
        RETURN_RECEIVED = "return_received", "Return received"
        RETURN_EMAIL_QUEUED = "return_email_queued", "Return instructions queued"
        RETURN_EMAIL_SENT = "return_email_sent", "Return instructions sent"
        RETURN_EMAIL_FAILED = "return_email_failed", "Return instructions failed"
        CREDIT_MEMO = "credit_memo", "Credit memo issued"
        REFUND = "refund", "Refund recorded"
        REFUND_EMAIL_SENT = "refund_email_sent", "Refund confirmation sent"
        REFUND_EMAIL_FAILED = "refund_email_failed", "Refund confirmation failed"
        CREDIT_APPLIED = "credit_applied", "Store credit applied"
        REMAINING_CANCELLED = "remaining_cancelled", "Remaining items cancelled"
        HELD = "held", "Put on hold"
        STOCK_ALLOCATED = "stock_allocated", "Backordered stock allocated"
        AVAILABLE_EMAIL_QUEUED = "available_email_queued", "Items available email queued"
        AVAILABLE_EMAIL_SENT = "available_email_sent", "Items available email sent"
        AVAILABLE_EMAIL_FAILED = "available_email_failed", "Items available email failed"
        RELEASED = "released", "Hold released"

    order = models.ForeignKey(Order, on_delete=models.PROTECT, related_name="events")
    kind = models.CharField(max_length=40, choices=Kind.choices)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                              related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    # The sentence rows written before events were typed stored; new rows leave it empty (describe falls back to it).
    message = models.CharField(max_length=500)
    data = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["order", "-created_at"], name="order_event_newest")]

    def __str__(self) -> str:
        return f"#{self.order_id} {self.get_kind_display()}"

    @property
    def actor_name(self) -> str:
        return self.actor.get_username() if self.actor else "system"


# Django finds an app's models in its models module: each capability's are registered from here.
from orders.fulfilment.models import Carrier, MerchantSettings, Shipment, ShipmentLine  # noqa: E402
from orders.payments.models import Payment, Refund, StoreCredit  # noqa: E402
from orders.pricing.models import PriceReason, ShippingMethod, TaxRate  # noqa: E402
from orders.quotes.models import Quote, QuoteEvent, QuoteVersion  # noqa: E402
from orders.reporting.models import DailyProductSales, DailySales, MonthlyProductSales  # noqa: E402
from orders.returns.models import CreditMemo, CreditMemoLine, Return, ReturnLine, ReturnReason  # noqa: E402

__all__ = [
    "Carrier", "CreditMemo", "CreditMemoLine", "DailyProductSales", "DailySales", "MerchantSettings", "Order",
    "MonthlyProductSales", "OrderEvent", "OrderLine", "Payment", "PriceReason", "Quote", "QuoteEvent", "QuoteVersion",
    "Refund", "Return", "ReturnLine", "ReturnReason", "Shipment",
    "ShipmentLine", "ShippingMethod", "StoreCredit", "TaxRate",
]
