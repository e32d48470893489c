"""Orders from another system (``manage.py import_orders FILE``): each order is what ``POST /api/v1/orders/``
takes plus its ``reference`` in the other system, made into a draft by the API's own ``order_draft`` and placed
by ``order_place``. The reference is the checkout token, so an order is placed once however often the file is
imported; its timeline says "via import <reference>"."""

import csv
import itertools
import json
import uuid
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field

from django import forms
from rest_framework.exceptions import ValidationError

from customers.selectors import customers_with_email
from oms.core.via import via_bound
from orders.lifecycle import OrderRefused
from orders.models import Order
from orders.ordering.placing import order_place

from .ordering import CHECKOUT_FIELDS, order_draft

# The namespace of imported orders' checkout tokens: one reference is one token, whoever imports the file.
IMPORTED = uuid.UUID("0f2cfa1e-5d87-4a55-9a1c-6a7f3a5d2c40")
MAX_REFERENCE_LENGTH = 100
REFERENCE = forms.CharField(max_length=MAX_REFERENCE_LENGTH, error_messages={
    "required": "Give each order its reference in the other system (the reference column or key).",
    "max_length": "A reference is at most %(limit_value)d characters (this one has %(show_value)d).",
    "null_characters_not_allowed": "A reference cannot contain a NUL character.",
})
CSV_COLUMNS = ("reference", "customer", "sku", "quantity")  # a row each line; the order's fields from its first row


class ImportFileError(Exception):
    """The file cannot be read as orders at all (not UTF-8, not CSV or JSON of the expected shape)."""


@dataclass
class Imported:
    """What importing one order did: placed it (``created``), found it placed before, or refused it (``errors``
    by field, as the API gives them)."""

    reference: str
    order: Order | None = None
    created: bool = False
    errors: dict[str, list[str]] = field(default_factory=dict)


def import_token(reference: str) -> uuid.UUID:
    return uuid.uuid5(IMPORTED, reference)


def orders_from_json(text: str) -> list[dict]:
    """A JSON list of orders, each an object in the API's shape with a ``reference``."""
    try:
        given = json.loads(text)
    except ValueError as error:
        raise ImportFileError(f"The file is not JSON: {error}.") from None
    if not isinstance(given, list):
        raise ImportFileError('A JSON import is a list of orders: [{"reference": ..., "customer": ..., '
                              '"lines": [...]}, ...].')
    return [order if isinstance(order, dict) else {} for order in given]


def orders_from_csv(lines: Iterable[str]) -> Iterator[dict]:
    """One order for each run of rows with the same ``reference``: a line per row (``sku``, ``quantity``), the
    customer and the checkout fields from the run's first row. An order's rows must be one after another."""
    reader = csv.DictReader(lines)
    columns = [(name or "").strip().lower() for name in reader.fieldnames or ()]
    if missing := [name for name in CSV_COLUMNS if name not in columns]:
        raise ImportFileError(f"The CSV file has no column {', '.join(missing)}: its first row names the columns "
                              f"({', '.join(CSV_COLUMNS)}, then any of {', '.join(CHECKOUT_FIELDS)}).")
    reader.fieldnames = columns
    seen = set()
    try:
        for reference, rows in itertools.groupby(reader, key=lambda row: (row["reference"] or "").strip()):
            rows = list(rows)
            first = rows[0]
            order = {name: first[name] for name in ("customer", *CHECKOUT_FIELDS) if first.get(name)}
            order["reference"] = reference
            order["lines"] = [{"sku": row["sku"], "quantity": row["quantity"]} for row in rows]
            if reference and reference in seen:
                raise ImportFileError(f"The rows of {reference[:MAX_REFERENCE_LENGTH]} are not together: put each "
                                      "order's rows one after another.")
            seen.add(reference)
            yield order
    except csv.Error as error:
        raise ImportFileError(f"Line {reader.line_num} of the CSV file cannot be read: {error}.") from None


def order_import(data: dict, *, user, check_only: bool = False) -> Imported:
    """Place the order ``data`` describes, once per reference, acting as ``user``. With ``check_only`` the order
    is checked as the API checks it (customer, lines, shipping, payment, addresses) and nothing is placed."""
    given = data.get("reference")
    given = str(given).strip() if isinstance(given, str | int) else ""
    result = Imported(reference=given[:MAX_REFERENCE_LENGTH])
    try:
        reference = REFERENCE.clean(given)
    except forms.ValidationError as error:
        result.errors = {"reference": error.messages}
    else:
        customer, problem = _customer_id(data.get("customer"))
        result.errors = {"customer": [problem]} if problem else {}
    if result.errors:
        return result
    data = {"send_confirmation": False} | data | {"customer": customer}
    try:
        draft = order_draft(data, token=import_token(reference))
        if check_only:  # and say whether an earlier import placed it
            result.order = Order.objects.filter(checkout_token=draft.token).first()
            return result
        with via_bound(f"import {reference}"):
            placed = order_place(draft=draft, placed_by=user)
    except ValidationError as error:
        result.errors = {name: [str(message) for message in messages] for name, messages in error.detail.items()}
    except OrderRefused as error:
        result.errors = {"order": error.problems}
    else:
        result.order, result.created = placed.order, placed.created
    return result


def _customer_id(given) -> tuple[object, str]:
    """The customer's id as given, or the id of the one customer with the email given (any case); or why not."""
    if not (isinstance(given, str) and "@" in given):
        return given, ""
    found = customers_with_email(given[:254], limit=2)
    if not found:
        return None, f"No customer has the email {given[:254]}."
    if len(found) > 1:
        return None, f"More than one customer has the email {given[:254]}: give the customer's id."
    return found[0].pk, ""
