"""Reading money: a customer's store credit balance and their credit (a credit limit's exposure)."""

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.db.models import Count, DecimalField, ExpressionWrapper, F, Q, Sum, Value
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.text import capfirst

from oms.core.money import format_money
from orders import lifecycle
from orders.models import Order
from orders.payments.models import StoreCredit
from orders.payments.terms import OPEN_BALANCE


def store_credit_of(customer) -> Coalesce:
    """The store credit balance of ``customer`` (an id or an OuterRef) as an expression: annotate a customer
    query with it, so the balance comes with the customer's own row."""
    entries = StoreCredit.objects.filter(customer=customer).order_by().values("customer")
    return Coalesce(entries.annotate(balance=Sum("amount")).values("balance")[:1],
                    Value(Decimal("0")), output_field=DecimalField(max_digits=14, decimal_places=2))


def store_credit_balance(customer_id: int) -> Decimal:
    """The customer's store credit: refunds to credit less what was applied to orders."""
    return StoreCredit.objects.filter(customer_id=customer_id).aggregate(
        balance=Coalesce(Sum("amount"), Decimal("0")))["balance"]


@dataclass(frozen=True)
class Credit:
    """A customer's credit as a credit limit sees it: what they owe on their open orders paid on credit (exposure)
    and what of it is overdue, against their limit (None: no limit)."""

    limit: Decimal | None
    exposure: Decimal
    overdue_count: int
    overdue_amount: Decimal
    hold_when_overdue: bool  # their type holds the orders of customers with overdue invoices

    @property
    def available(self) -> Decimal | None:
        """What they may still owe before their orders are held (negative: over the limit); None: no limit."""
        return None if self.limit is None else self.limit - self.exposure

    def over_by(self, adding: Decimal = Decimal("0")) -> Decimal:
        """How far past the limit the exposure goes with ``adding`` more on credit (zero: within it, or no limit)."""
        if self.limit is None:
            return Decimal("0")
        return max(self.exposure + adding - self.limit, Decimal("0"))

    @property
    def overdue(self) -> str:
        """ "2 overdue invoices, $340.00"; "" for none."""
        if not self.overdue_count:
            return ""
        invoices = "invoice" if self.overdue_count == 1 else "invoices"
        return f"{self.overdue_count} overdue {invoices}, {format_money(self.overdue_amount)}"

    def hold_reasons(self, adding: Decimal = Decimal("0")) -> list[str]:
        """Why an order on credit would be held with ``adding`` more owed on credit ([]: it would not)."""
        reasons = []
        if over := self.over_by(adding):
            reasons.append(f"over the credit limit by {format_money(over)}")
        if self.hold_when_overdue and self.overdue_count:
            reasons.append(self.overdue)
        return reasons

    @property
    def hold_reason(self) -> str:
        """The hold's reason for an order already counted in the exposure (placing); "" when it is not held."""
        reasons = self.hold_reasons()
        return capfirst("; ".join(reasons)) if reasons else ""


def credit_applies(customer) -> bool:
    """Whether a limit or their type's overdue rule can hold ``customer``'s orders (else nothing reads their credit)."""
    return customer.effective_credit_limit is not None or customer.customer_type.hold_when_overdue


def credit_exposure(customer, *, today: date | None = None) -> Credit:
    """``customer``'s credit (their type already loaded): the balance due of their open orders paid on account or
    by purchase order, and of those past their due date, in one query along the partial index
    order_customer_exposure (only those rows, whatever else the customer ordered)."""
    today = today or timezone.localdate()
    money = DecimalField(max_digits=14, decimal_places=2)
    balance = ExpressionWrapper(F("total") - F("amount_credited") - F("amount_paid") + F("amount_refunded"),
                                output_field=money)  # Order.balance_due
    overdue = Q(due_date__lt=today)
    found = (Order.objects.filter(customer_id=customer.pk,
                                  payment_method__in=lifecycle.ordered_methods(lifecycle.ON_CREDIT),
                                  payment_status__in=OPEN_BALANCE)
             .exclude(status__in=lifecycle.ordered(lifecycle.NOT_PAYABLE))  # as the index's condition says it
             .aggregate(exposure=Coalesce(Sum(balance), Value(Decimal("0")), output_field=money),
                        overdue_count=Count("due_date", filter=overdue),
                        overdue_amount=Coalesce(Sum(balance, filter=overdue), Value(Decimal("0")),
                                                output_field=money)))
    return Credit(limit=customer.effective_credit_limit, hold_when_overdue=customer.customer_type.hold_when_overdue,
                  **found)


def customer_credit(customer) -> Credit | None:
    """The credit that the customer panel shows (Credit limit, Available credit): None, and no query, for no
    customer or one whose orders no limit or overdue rule holds."""
    return credit_exposure(customer) if customer is not None and credit_applies(customer) else None
