"""Quotes: prices promised to a customer before they order, with their versions, their timeline and, while they
are valid, the stock they may hold (catalog.StockReservation, holder ``Q<number>``)."""

from django.conf import settings
from django.db import models
from django.utils import timezone

from customers.models import Customer
from oms.core.money import MAX_AMOUNT


class Quote(models.Model):
    """A price promised to a customer until ``valid_until``: its lines are its newest version's."""

    class Status(models.TextChoices):
        OPEN = "open", "Open"
        SENT = "sent", "Sent"
        CONVERTED = "converted", "Converted"
        WITHDRAWN = "withdrawn", "Withdrawn"

    EXPIRED = "expired"
    LIVE = (Status.OPEN, Status.SENT)  # may still be sent, revised, converted or withdrawn; Expired past its day
    STATES = [("open", "Open"), ("sent", "Sent"), (EXPIRED, "Expired"), ("converted", "Converted"),
              ("withdrawn", "Withdrawn")]

    number = models.BigAutoField(primary_key=True)  # shown as Q<number>
    customer = models.ForeignKey(Customer, on_delete=models.PROTECT, related_name="quotes", db_index=False)
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.OPEN)
    version = models.PositiveIntegerField(default=1)
    valid_until = models.DateField()
    reserve_stock = models.BooleanField("reserve stock until then", default=False)
    total = models.DecimalField(max_digits=14, decimal_places=2)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+",
                                   db_index=False)
    created_at = models.DateTimeField(auto_now_add=True)
    order = models.OneToOneField("orders.Order", null=True, blank=True, on_delete=models.SET_NULL, related_name="quote")
    withdrawn_reason = models.CharField(max_length=200, blank=True)
    submission_token = models.CharField(max_length=64, unique=True, null=True, blank=True, editable=False)

    class Meta:
        ordering = ["-number"]
        indexes = [
            models.Index(fields=["customer", "-number"], name="quote_customer_newest"),
            models.Index(fields=["status", "-number"], name="quote_status_newest"),
        ]
        constraints = [
            models.CheckConstraint(condition=models.Q(total__gte=0) & models.Q(total__lte=MAX_AMOUNT),
                                   name="quote_total_in_range"),
        ]

    def __str__(self) -> str:
        return f"Q{self.number}"

    def get_absolute_url(self) -> str:
        from django.urls import reverse

        return reverse("orders:quote", args=[self.number])

    @property
    def holder(self) -> str:
        """How its stock reservations name it."""
        return f"Q{self.number}"

    @property
    def expired(self) -> bool:
        return self.status in self.LIVE and self.valid_until < timezone.localdate()

    @property
    def state(self) -> str:
        return self.EXPIRED if self.expired else self.status

    def get_state_display(self) -> str:
        return dict(self.STATES)[self.state]

    @property
    def is_live(self) -> bool:
        """Open or sent and still valid: its prices stand, its reservation holds, it may be converted at them."""
        return self.status in self.LIVE and not self.expired

    @property
    def can_change(self) -> bool:
        """Not converted or withdrawn: it may be sent, revised, converted or withdrawn."""
        return self.status in self.LIVE


class QuoteVersion(models.Model):
    """A quote as it was saved: the lines as the line editor keeps them (``store``: to revise or convert) and as
    they were priced (``lines``: what the page and the PDF show), with the totals."""

    quote = models.ForeignKey(Quote, on_delete=models.CASCADE, related_name="versions", db_index=False)
    number = models.PositiveIntegerField()
    store = models.JSONField()
    lines = models.JSONField()
    valid_until = models.DateField()
    subtotal = models.DecimalField(max_digits=14, decimal_places=2)
    discount = models.DecimalField(max_digits=14, decimal_places=2, default=0)
    discount_reason = models.CharField(max_length=200, blank=True)
    tax = models.DecimalField(max_digits=14, decimal_places=2)
    tax_rate = models.DecimalField(max_digits=6, decimal_places=3, default=0)
    tax_jurisdiction = models.CharField(max_length=100, blank=True)
    total = models.DecimalField(max_digits=14, decimal_places=2)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+",
                                   db_index=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["quote", "-number"]
        constraints = [models.UniqueConstraint(fields=["quote", "number"], name="quote_version_unique")]

    def __str__(self) -> str:
        return f"Q{self.quote_id} version {self.number}"


class QuoteEvent(models.Model):
    """One thing that happened to a quote: its timeline."""

    class Kind(models.TextChoices):
        CREATED = "created", "Quote saved"
        REVISED = "revised", "Quote revised"
        SEND_QUEUED = "send_queued", "Quote email queued"
        SENT = "sent", "Quote emailed"
        SEND_FAILED = "send_failed", "Quote email failed"
        CONVERTED = "converted", "Converted to order"
        WITHDRAWN = "withdrawn", "Quote withdrawn"

    quote = models.ForeignKey(Quote, on_delete=models.CASCADE, related_name="events", db_index=False)
    kind = models.CharField(max_length=20, choices=Kind.choices)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                              related_name="+", db_index=False)
    text = models.CharField(max_length=300, blank=True)
    data = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-pk"]
        indexes = [models.Index(fields=["quote", "-id"], name="quote_event_newest")]

    def __str__(self) -> str:
        return f"Q{self.quote_id} {self.get_kind_display()}"

    @property
    def actor_name(self) -> str:
        return self.actor.get_username() if self.actor else "system"
