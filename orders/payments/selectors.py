"""Reading money: a customer's store credit balance."""

from decimal import Decimal

from django.db.models import DecimalField, Sum, Value
from django.db.models.functions import Coalesce

from orders.payments.models import StoreCredit


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
