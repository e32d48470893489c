"""A customer's data: everything held about them, exported as JSON, and erasing them (anonymising the
personal fields of the customer, their addresses, their orders and returns, whose money stays as it was).

Both are recorded in the audit trail (django-auditlog). Here, not in customers/, because a customer's
data includes their orders, which the customers app knows nothing of.
"""

import re

from auditlog.context import disable_auditlog
from auditlog.models import LogEntry
from django.apps import apps
from django.contrib.admin.models import LogEntry as AdminLogEntry
from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.db.models import Q
from django.forms.models import model_to_dict
from django.utils import timezone

from catalog.models import StockReservation
from customers.models import Address, Customer
from oms.webhooks.models import Delivery
from orders import lifecycle
from orders.events import describe
from orders.fulfilment.models import Shipment
from orders.models import Order, OrderEvent, OrderLine
from orders.payments.models import Payment, Refund, StoreCredit
from orders.quotes.models import Quote
from orders.returns.models import CreditMemo, CreditMemoLine, Return

ERASED = "[erased]"
CUSTOMER_PERSONAL = {"company": "", "email": "", "phone": "", "notes": "", "tax_exemption_number": ""}
ADDRESS_PERSONAL = {"company": "", "line1": ERASED, "line2": "", "city": ERASED, "postal_code": "", "phone": ""}

# Every field of every table that may hold a customer's personal data, and what erasure does with it: "cleared"
# (emptied, or [erased]) or "scrubbed" (a record the business keeps, with every mention of the customer
# replaced). tests/orders/test_customer_data.py fails for a field that looks personal and is in neither this
# nor its list of fields judged not personal.
PERSONAL_DATA = {
    "customers.Customer": {"first_name": "cleared", "last_name": "cleared", "company": "cleared", "email": "cleared",
                           "phone": "cleared", "notes": "cleared", "tax_exemption_number": "cleared"},
    "customers.Address": {"name": "cleared", "company": "cleared", "line1": "cleared", "line2": "cleared",
                          "city": "cleared", "postal_code": "cleared", "phone": "cleared"},
    "orders.Order": {"customer_name": "cleared", "customer_email": "cleared", "billing_address": "cleared",
                     "shipping_address": "cleared", "staff_note": "cleared", "customer_note": "cleared",
                     "confirmation_error": "cleared", "payment_reference": "scrubbed", "discount_reason": "scrubbed",
                     "tax_exemption_number": "scrubbed",  # the certificate the tax was not charged under
                     "hold_reason": "scrubbed"},
    "orders.OrderLine": {"name": "scrubbed", "price_reason": "scrubbed"},  # a custom item's description, a reason
    # notes and cancel reasons, addresses and emails in the data (EVENT_PERSONAL_KEYS) cleared; the rest scrubbed
    "orders.OrderEvent": {"message": "scrubbed", "data": "cleared"},
    "orders.Shipment": {"email_to": "cleared", "email_error": "cleared"},
    "orders.Payment": {"reference": "scrubbed"},  # a check number or transfer reference the books need
    "orders.Refund": {"reference": "scrubbed", "email_to": "cleared", "email_error": "cleared"},
    "orders.Return": {"reason_text": "scrubbed", "email_to": "cleared", "email_error": "cleared"},
    "orders.CreditMemo": {"reason": "scrubbed"},  # why the customer was credited, a record the books keep
    "orders.CreditMemoLine": {"name": "scrubbed"},  # a custom item's description, as OrderLine.name
    "auditlog.LogEntry": {"object_repr": "cleared", "changes": "cleared", "changes_text": "cleared",
                          "serialized_data": "cleared"},
    "admin.LogEntry": {"object_repr": "cleared"},  # change_message names the fields changed, not their values
    "django_tasks_database.DBTaskResult": {"traceback": "scrubbed", "return_value": "scrubbed"},  # a failed email
    # a quote is a promise, not a record the books keep: erasing the customer deletes their quotes
    "orders.Quote": {"withdrawn_reason": "deleted"},
    "orders.QuoteVersion": {"store": "deleted", "lines": "deleted", "discount_reason": "deleted"},
    "orders.QuoteEvent": {"text": "deleted", "data": "deleted"},
    # a webhook delivery is a copy sent to another system (which erases its own): the log's rows about them deleted
    "webhooks.Delivery": {"payload": "deleted", "last_error": "deleted"},
}
# Keys of an event's data that hold personal data (an address's parts, an email, a note's text); and per kind,
# the free text staff typed (a cancel's, a return's or a credit's reason) or the addresses it changed between.
EVENT_PERSONAL_KEYS = {"name", "company", "line1", "line2", "city", "postal_code", "phone", "email", "to", "text"}
EVENT_KIND_PERSONAL_KEYS = {
    OrderEvent.Kind.CANCELLED: {"reason"}, OrderEvent.Kind.EMAIL_CHANGED: {"before", "after"},
    OrderEvent.Kind.RETURN_AUTHORIZED: {"reason"}, OrderEvent.Kind.CREDIT_MEMO: {"reason"},
    OrderEvent.Kind.REMAINING_CANCELLED: {"reason"}, OrderEvent.Kind.HELD: {"reason"},
    OrderEvent.Kind.RELEASED: {"reason", "note"},
}
MIN_MENTION = 3  # shorter words (initials) would erase parts of other words


class CustomerErasureRefused(Exception):
    def __init__(self, open_orders: list[int]):
        self.open_orders = open_orders
        super().__init__(lifecycle.why_not_erase(open_orders))


def customer_data_export(*, customer: Customer) -> dict:
    """Everything held about ``customer``: their record, addresses, orders with lines, timelines, payments,
    shipments, credit memos and refunds, their returns and their store credit. The export is recorded in the audit
    trail (by whom, from the request)."""
    orders = (Order.objects.filter(customer=customer).order_by("number")
              .prefetch_related("lines", "events", "payments", "shipments", "credit_memos__lines", "refunds"))
    data = {
        "exported_at": timezone.now(),
        "customer": model_to_dict(customer) | {"number": customer.number, "created_at": customer.created_at,
                                               "updated_at": customer.updated_at},
        "addresses": [model_to_dict(address) | {"country": str(address.country)}
                      for address in customer.addresses.order_by("pk")],
        "orders": [_order_data(order) for order in orders],
        "returns": [_return_data(ret) for ret in customer.returns.order_by("number").prefetch_related("lines")],
        "store_credit": [model_to_dict(entry, exclude=["customer", "created_by"]) | {"created_at": entry.created_at}
                         for entry in StoreCredit.objects.filter(customer=customer).order_by("pk")],
        "quotes": [_quote_data(quote) for quote in customer.quotes.order_by("number").prefetch_related("versions",
                                                                                                      "events")],
    }
    LogEntry.objects.log_create(customer, action=LogEntry.Action.ACCESS, force_log=True,
                                changes={"data": ["", "exported"]})
    return data


def _quote_data(quote: Quote) -> dict:
    return model_to_dict(quote, exclude=["customer", "created_by", "submission_token"]) | {
        "number": quote.number, "created_at": quote.created_at,
        "versions": [model_to_dict(version, exclude=["quote", "created_by"]) | {"created_at": version.created_at}
                     for version in sorted(quote.versions.all(), key=lambda version: version.number)],
        "events": [{"kind": event.kind, "text": event.text, "data": event.data, "at": event.created_at}
                   for event in sorted(quote.events.all(), key=lambda event: event.pk)],
    }


def _order_data(order: Order) -> dict:
    return model_to_dict(order, exclude=["checkout_token"]) | {
        "number": order.number, "created_at": order.created_at, "confirmation_sent_at": order.confirmation_sent_at,
        "lines": [model_to_dict(line, exclude=["order"]) for line in order.lines.all()],
        "events": [{"kind": event.kind, "message": describe(event), "data": event.data, "at": event.created_at,
                    "by": event.actor_name} for event in sorted(order.events.all(), key=lambda event: event.pk)],
        "payments": [model_to_dict(payment, exclude=["order", "recorded_by"]) for payment in order.payments.all()],
        "shipments": [model_to_dict(shipment, exclude=["order", "created_by"]) for shipment in order.shipments.all()],
        "credit_memos": [model_to_dict(memo, exclude=["order", "created_by"]) | {
            "number": memo.label, "created_at": memo.created_at,
            "lines": [model_to_dict(line, exclude=["credit_memo", "order_line"]) for line in memo.lines.all()],
        } for memo in sorted(order.credit_memos.all(), key=lambda memo: memo.number)],
        "refunds": [model_to_dict(refund, exclude=["order", "refunded_by"]) | {"created_at": refund.created_at}
                    for refund in order.refunds.all()],
    }


def _return_data(ret: Return) -> dict:
    return model_to_dict(ret, exclude=["customer", "created_by", "received_by"]) | {
        "number": ret.label, "created_at": ret.created_at, "reason": ret.reason_shown,
        "lines": [{"order": line.order_id, "order_line": line.order_line_id, "quantity": line.quantity,
                   "quantity_received": line.quantity_received} for line in ret.lines.all()],
    }


def customer_erase(*, customer: Customer) -> Customer:
    """Anonymise ``customer``: every field PERSONAL_DATA names, on their record, their addresses, their orders
    and what hangs off them (lines, timeline, payments, shipments, returns, credit memos, refunds, email tasks);
    totals and lines stay. Earlier audit entries about them lose their values; one entry records the erasure.

    Raises CustomerErasureRefused while the customer has orders still under way (nothing is changed).
    """
    with transaction.atomic():
        customer = Customer.objects.select_for_update().get(pk=customer.pk)
        orders = list(Order.objects.select_for_update().filter(customer=customer).order_by("number"))
        if open_orders := [order.number for order in orders if lifecycle.is_open(order)]:
            raise CustomerErasureRefused(open_orders)
        mentions = _mentions(customer, orders)
        with disable_auditlog():  # the audit trail must not keep what is being erased
            _erase_customer(customer)
            _erase_orders(orders, customer.name, mentions)
            _erase_returns(customer, orders, mentions)
            _erase_quotes(customer)
            _erase_webhook_deliveries(customer)
        _redact_audit_entries(customer)
        _redact_admin_log(customer)
        _scrub_email_tasks(orders, mentions)
        LogEntry.objects.log_create(customer, action=LogEntry.Action.UPDATE, force_log=True,
                                    changes={"personal data": [ERASED, "erased"]})
    return customer


def _mentions(customer: Customer, orders: list[Order]) -> re.Pattern | None:
    """Every way the customer is written down (names, company, emails, phones, the parts of each address, on
    their record, their orders and the email changes on them), as one pattern of whole words."""
    values = {customer.name, customer.first_name, customer.last_name, customer.company, customer.email,
              customer.phone, customer.tax_exemption_number}
    snapshots = [model_to_dict(address) for address in customer.addresses.all()]
    for order in orders:
        values |= {order.customer_name, order.customer_email, order.tax_exemption_number}
        snapshots += [order.billing_address or {}, order.shipping_address or {}]
    for snapshot in snapshots:
        values |= {str(snapshot.get(key) or "") for key in ADDRESS_PERSONAL.keys() | {"name"}}
    for event in OrderEvent.objects.filter(order__in=orders, kind=OrderEvent.Kind.EMAIL_CHANGED):
        values |= {str(event.data.get("before") or ""), str(event.data.get("after") or "")}
    words = sorted((value.strip() for value in values if len(value.strip()) >= MIN_MENTION and value != ERASED),
                   key=len, reverse=True)
    return re.compile(r"(?<!\w)(?:" + "|".join(map(re.escape, words)) + r")(?!\w)", re.IGNORECASE) if words else None


def _erase_customer(customer: Customer) -> None:
    for field, value in CUSTOMER_PERSONAL.items():
        setattr(customer, field, value)
    customer.first_name, customer.last_name = "Erased", f"customer {customer.number}"
    customer.save()
    Address.objects.filter(customer=customer).update(name=customer.name, **ADDRESS_PERSONAL)


def _erase_orders(orders: list[Order], name: str, mentions: re.Pattern | None) -> None:
    for order in orders:
        order.customer_name, order.customer_email = name, ""
        order.billing_address = _erased_snapshot(order.billing_address, name)
        order.shipping_address = _erased_snapshot(order.shipping_address, name)
        order.staff_note = order.customer_note = order.confirmation_error = ""
        for field in ("payment_reference", "discount_reason", "tax_exemption_number", "hold_reason"):
            setattr(order, field, _scrub(getattr(order, field), mentions))
    Order.objects.bulk_update(orders, ["customer_name", "customer_email", "billing_address", "shipping_address",
                                       "staff_note", "customer_note", "confirmation_error", "payment_reference",
                                       "discount_reason", "tax_exemption_number", "hold_reason"], batch_size=500)
    _scrub_rows(OrderLine.objects.filter(order__in=orders), ["name", "price_reason"], mentions)
    _scrub_rows(Payment.objects.filter(order__in=orders), ["reference"], mentions)
    Shipment.objects.filter(order__in=orders).update(email_to="", email_error="")
    events = list(OrderEvent.objects.filter(order__in=orders))
    for event in events:
        event.message, event.data = _erased_event(event, mentions)
    OrderEvent.objects.bulk_update(events, ["message", "data"], batch_size=500)


def _erase_returns(customer: Customer, orders: list[Order], mentions: re.Pattern | None) -> None:
    """Their returns, the credit memos and refunds on their orders: the emails cleared, the reasons, the lines'
    descriptions and the refunds' references scrubbed; the money and quantities stay."""
    returns, refunds = Return.objects.filter(customer=customer), Refund.objects.filter(order__in=orders)
    _scrub_rows(returns, ["reason_text"], mentions)
    returns.update(email_to="", email_error="")
    _scrub_rows(refunds, ["reference"], mentions)
    refunds.update(email_to="", email_error="")
    _scrub_rows(CreditMemo.objects.filter(order__in=orders), ["reason"], mentions)
    _scrub_rows(CreditMemoLine.objects.filter(credit_memo__order__in=orders), ["name"], mentions)


def _erase_quotes(customer: Customer) -> None:
    """Their quotes, with their versions, timelines and the stock they held: deleted (an order converted from one
    keeps its own lines and timeline)."""
    quotes = Quote.objects.filter(customer=customer)
    StockReservation.objects.filter(holder__in=[quote.holder for quote in quotes.only("pk")]).delete()
    quotes.delete()


def _erase_webhook_deliveries(customer: Customer) -> None:
    """The webhook deliveries of events about them or their orders (oms.webhooks): deleted, unsent ones too."""
    about_them = (Q(event_type__startswith="customer.", payload__data__id=customer.pk)
                  | Q(event_type__startswith="order.", payload__data__customer=customer.pk))
    Delivery.objects.filter(about_them).delete()


def _scrub_rows(rows, fields: list[str], mentions: re.Pattern | None) -> None:
    rows = list(rows)
    for row in rows:
        for field in fields:
            setattr(row, field, _scrub(getattr(row, field), mentions))
    if rows:
        type(rows[0]).objects.bulk_update(rows, fields, batch_size=500)


def _erased_event(event: OrderEvent, mentions: re.Pattern | None) -> tuple[str, dict]:
    """The event's message and data with the personal data out: a note's text, a cancel's reason, the emails
    and addresses it holds cleared (and their mentions in the message), every mention of the customer replaced."""
    keys = EVENT_PERSONAL_KEYS | EVENT_KIND_PERSONAL_KEYS.get(event.kind, set())
    cleared: set[str] = set()
    data = _erase_keys(event.data, keys, cleared)
    if event.kind == OrderEvent.Kind.NOTE_ADDED:  # the message is the note's text, perhaps cut short
        prefix = "Note for the customer: " if event.data.get("visible_to_customer") else "Staff note: "
        return prefix + ERASED, _scrub(data, mentions)
    message = event.message
    for value in sorted(cleared, key=len, reverse=True):
        message = message.replace(value, ERASED)
    return _scrub(message, mentions), _scrub(data, mentions)


def _erase_keys(value, keys: set[str], cleared: set[str]):
    """``value`` (JSON data) with the text under ``keys``, at any depth, replaced; what was there goes in
    ``cleared``."""
    if isinstance(value, dict):
        erased = {}
        for key, item in value.items():
            if key in keys and isinstance(item, str) and item:
                cleared.add(item)
                erased[key] = ERASED
            else:
                erased[key] = _erase_keys(item, keys, cleared)
        return erased
    if isinstance(value, list):
        return [_erase_keys(item, keys, cleared) for item in value]
    return value


def _erased_snapshot(snapshot: dict, name: str) -> dict:
    """An address snapshot with the person taken out; region and country stay (the tax was charged there)."""
    return {**snapshot, **ADDRESS_PERSONAL, "name": name}


def _scrub(value, mentions: re.Pattern | None):
    """``value`` (text, or JSON data) with every mention of the customer replaced."""
    if mentions is None:
        return value
    if isinstance(value, str):
        return mentions.sub(ERASED, value)
    if isinstance(value, dict):  # keys too: an event's lines are keyed by SKU, or a custom item's description
        return {_scrub(key, mentions): _scrub(item, mentions) for key, item in value.items()}
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


def _redact_admin_log(customer: Customer) -> None:
    """The admin's own history (its History page) names the customer and their addresses as they were."""
    addresses = [str(pk) for pk in customer.addresses.values_list("pk", flat=True)]
    (AdminLogEntry.objects.filter(content_type=ContentType.objects.get_for_model(Customer), object_id=str(customer.pk))
     | AdminLogEntry.objects.filter(content_type=ContentType.objects.get_for_model(Address),
                                    object_id__in=addresses)).update(object_repr=ERASED)


def _scrub_email_tasks(orders: list[Order], mentions: re.Pattern | None) -> None:
    """A failed order email's task keeps the mail server's answer, which may name the address."""
    if mentions is None or not apps.is_installed("django_tasks_db"):
        return
    tasks = apps.get_model("django_tasks_database", "DBTaskResult").objects.filter(
        task_path="orders.notifications.tasks.order_email_send",
        args_kwargs__args__0__in=[order.number for order in orders])
    _scrub_rows(tasks.only("traceback", "return_value"), ["traceback", "return_value"], mentions)
