"""A customer's data: everything held about them, exported as JSON, and erasing them (anonymising the
personal fields of the customer, their addresses and their orders, whose money stays as it was).

Both are recorded in the audit trail (django-auditlog). Here, not in customers/, because a customer's
data includes their orders, which the customers app knows nothing of.
"""

from auditlog.context import disable_auditlog
from auditlog.models import LogEntry
from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.forms.models import model_to_dict
from django.utils import timezone

from customers.models import Address, Customer

from . import lifecycle
from .events import describe
from .models import Order, OrderEvent

ERASED = "[erased]"
CUSTOMER_PERSONAL = {"company": "", "email": "", "phone": "", "notes": ""}
ADDRESS_PERSONAL = {"company": "", "line1": ERASED, "line2": "", "city": ERASED, "postal_code": "", "phone": ""}


class CustomerErasureRefused(Exception):
    def __init__(self, open_orders: list[int]):
        self.open_orders = open_orders
        super().__init__(lifecycle.why_not_erase(open_orders))


def customer_data_export(*, customer: Customer) -> dict:
    """Everything held about ``customer``: their record, addresses, and orders with lines and timelines.
    The export is recorded in the audit trail (by whom, from the request)."""
    orders = Order.objects.filter(customer=customer).order_by("number").prefetch_related("lines", "events")
    data = {
        "exported_at": timezone.now(),
        "customer": model_to_dict(customer) | {"number": customer.number, "created_at": customer.created_at,
                                               "updated_at": customer.updated_at},
        "addresses": [model_to_dict(address) | {"country": str(address.country)}
                      for address in customer.addresses.order_by("pk")],
        "orders": [_order_data(order) for order in orders],
    }
    LogEntry.objects.log_create(customer, action=LogEntry.Action.ACCESS, force_log=True,
                                changes={"data": ["", "exported"]})
    return data


def _order_data(order: Order) -> dict:
    return model_to_dict(order, exclude=["checkout_token"]) | {
        "number": order.number, "created_at": order.created_at, "confirmation_sent_at": order.confirmation_sent_at,
        "lines": [model_to_dict(line, exclude=["order"]) for line in order.lines.all()],
        "events": [{"kind": event.kind, "message": describe(event), "data": event.data, "at": event.created_at,
                    "by": event.actor_name} for event in sorted(order.events.all(), key=lambda event: event.pk)],
    }


def customer_erase(*, customer: Customer) -> Customer:
    """Anonymise ``customer``: their personal fields, their addresses, and on their orders the name, email,
    addresses and any mention in the timeline; totals and lines stay. Earlier audit entries about them lose
    their values; one entry records the erasure.

    Raises CustomerErasureRefused while the customer has orders still under way (nothing is changed).
    """
    with transaction.atomic():
        customer = Customer.objects.select_for_update().get(pk=customer.pk)
        orders = list(Order.objects.select_for_update().filter(customer=customer).order_by("number"))
        if open_orders := [order.number for order in orders if lifecycle.is_open(order)]:
            raise CustomerErasureRefused(open_orders)
        mentions = {customer.name, customer.email, customer.phone, *(order.customer_email for order in orders)}
        with disable_auditlog():  # the audit trail must not keep what is being erased
            _erase_customer(customer)
            _erase_orders(orders, customer.name, mentions - {""})
        _redact_audit_entries(customer)
        LogEntry.objects.log_create(customer, action=LogEntry.Action.UPDATE, force_log=True,
                                    changes={"personal data": [ERASED, "erased"]})
    return customer


def _erase_customer(customer: Customer) -> None:
    for field, value in CUSTOMER_PERSONAL.items():
        setattr(customer, field, value)
    customer.first_name, customer.last_name = "Erased", f"customer {customer.number}"
    customer.save()
    Address.objects.filter(customer=customer).update(name=customer.name, **ADDRESS_PERSONAL)


def _erase_orders(orders: list[Order], name: str, mentions: set[str]) -> None:
    for order in orders:
        order.customer_name, order.customer_email = name, ""
        order.billing_address = _erased_snapshot(order.billing_address, name)
        order.shipping_address = _erased_snapshot(order.shipping_address, name)
    Order.objects.bulk_update(orders, ["customer_name", "customer_email", "billing_address", "shipping_address"])
    events = list(OrderEvent.objects.filter(order__in=orders))
    for event in events:
        event.message, event.data = _scrub(event.message, mentions), _scrub(event.data, mentions)
    OrderEvent.objects.bulk_update(events, ["message", "data"], batch_size=500)


def _erased_snapshot(snapshot: dict, name: str) -> dict:
    """An address snapshot with the person taken out; region and country stay (the tax was charged there)."""
    return {**snapshot, **ADDRESS_PERSONAL, "name": name}


def _scrub(value, mentions: set[str]):
    """``value`` (text, or JSON data) with every mention of the customer replaced."""
    if isinstance(value, str):
        for mention in sorted(mentions, key=len, reverse=True):
            value = value.replace(mention, ERASED)
        return value
    if isinstance(value, dict):
        return {key: _scrub(item, mentions) for key, item in value.items()}
    if isinstance(value, list):
        return [_scrub(item, mentions) for item in value]
    return value


def _redact_audit_entries(customer: Customer) -> None:
    """Earlier audit entries about the customer and their addresses keep who, when and which fields
    changed, not the values."""
    entries = list(
        LogEntry.objects.filter(content_type=ContentType.objects.get_for_model(Customer), object_id=customer.pk)
        | LogEntry.objects.filter(content_type=ContentType.objects.get_for_model(Address),
                                  object_id__in=customer.addresses.values("pk"))
    )
    for entry in entries:
        entry.changes = {field: [ERASED, ERASED] for field in (entry.changes_dict or {})}
        entry.changes_text, entry.object_repr, entry.serialized_data = "", ERASED, None
    LogEntry.objects.bulk_update(entries, ["changes", "changes_text", "object_repr", "serialized_data"],
                                 batch_size=500)
