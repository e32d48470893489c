"""An order as the API receives it (JSON), made into the OrderDraft that ``order_place`` takes, through checkout's
own forms: the cart's line form for each SKU and quantity, CheckoutForm for shipping, payment, channel and notes,
AddressForm for the addresses (the customer's defaults when none is sent)."""

import uuid

from catalog.selectors import products_by_skus
from customers.forms import AddressForm
from customers.models import Customer
from oms.core.forms import parse_id
from orders.changes.editing import OrderChange
from orders.models import Order
from orders.ordering.checkout import DraftLine, OrderDraft
from orders.ordering.forms import KEEP_SHIPPING, AddLineForm, CheckoutForm, OrderEditForm
from orders.ordering.paste import MAX_PASTE_LINES
from orders.ordering.stores import CustomLine
from orders.pricing.selectors import shipping_methods

from .inputs import checkbox, form_data, form_errors, invalid

# The namespace of the checkout tokens that Idempotency-Keys name: one key of one user is one token.
IDEMPOTENCY = uuid.UUID("6b8a64a4-0d58-4f4e-9a4e-2c1b1b3c5e11")
CHECKOUT_FIELDS = ("shipping_method", "payment_method", "payment_reference", "channel", "staff_note", "customer_note",
                   "send_confirmation")


def idempotency_token(user, key: str) -> uuid.UUID:
    """The checkout token of ``user``'s Idempotency-Key ``key``: the same key twice is the same order."""
    return uuid.uuid5(IDEMPOTENCY, f"{user.pk}:{key}")


def order_draft(data: dict, *, token: uuid.UUID) -> OrderDraft:
    """The draft ``data`` describes; raises ValidationError with every field's errors at once."""
    customer = Customer.objects.select_related("customer_type", "default_billing_address",
                                               "default_shipping_address").filter(
        pk=parse_id(data.get("customer"))).first()
    if customer is None:
        raise invalid({"customer": ["Choose an existing customer (its id)."]})
    lines, line_errors = _lines(data.get("lines"))
    methods = shipping_methods()
    form = CheckoutForm(form_data(_checkout_values(data, customer, methods, token)), methods=methods,
                        customer_email=customer.email, customer_type=customer.customer_type)
    billing = _address_form(data.get("billing_address"), customer, customer.default_billing_address)
    shipping = _address_form(data.get("shipping_address"), customer, customer.default_shipping_address
                             or customer.default_billing_address)
    if not (form.is_valid() & billing.is_valid() & shipping.is_valid()) or line_errors:
        raise invalid(line_errors, form_errors(form), form_errors(billing, "billing_address."),
                      form_errors(shipping, "shipping_address."))
    checkout = form.cleaned_data
    return OrderDraft(
        token=token, customer_id=customer.pk, lines=lines,
        billing_address=billing.snapshot(), shipping_address=shipping.snapshot(),
        shipping_method_id=checkout["shipping_method"].pk, payment_method=checkout["payment_method"],
        payment_reference=checkout["payment_reference"], channel=checkout["channel"],
        staff_note=checkout["staff_note"], customer_note=checkout["customer_note"],
        send_confirmation=checkout["send_confirmation"],
    )


def order_change(data: dict, order: Order, *, token: str) -> tuple[OrderChange, bool]:
    """The edit ``data`` describes of ``order`` (as the order page's `Save changes` takes it) and whether to send
    the updated confirmation; raises ValidationError with every field's errors at once. ``lines`` is every product
    line the order is to have (one left out is removed; none sent keeps them); an address or shipping method not
    sent is kept; custom items, prices and the discount stay as they are (they change on the order's page)."""
    errors = {}
    version = parse_id(data.get("version"))
    if version is None:
        errors["version"] = ["Send the order's version as you read it (its version field)."]
    custom = tuple(CustomLine(f"o{line.pk}", line.name, str(line.unit_price), line.quantity, line.taxable, line.pk)
                   for line in order.lines.all() if line.is_custom)  # kept as they are
    quantities = _edited_quantities(data, order, errors, has_custom=bool(custom))
    form = OrderEditForm(form_data({"shipping_method": data.get("shipping_method") or KEEP_SHIPPING,
                                    "send_confirmation": checkbox(data.get("send_confirmation"))}),
                         order=order, methods=shipping_methods())
    addresses = {}
    for name in ("billing_address", "shipping_address"):
        given = data.get(name)
        if given is not None and not isinstance(given, dict):
            errors[name] = ["Send the address as an object, or leave it out to keep the order's."]
        elif given is not None:
            addresses[name] = _address_form(given, order.customer, None)
    valid = form.is_valid()
    for name, address in addresses.items():
        if not address.is_valid():
            errors |= form_errors(address, f"{name}.")
    if not valid or errors:
        raise invalid(errors, form_errors(form))
    change = OrderChange(version=version, token=token, quantities=quantities, custom=custom or None,
                         billing_address=addresses["billing_address"].snapshot() if "billing_address" in addresses
                         else None,
                         shipping_address=addresses["shipping_address"].snapshot() if "shipping_address" in addresses
                         else None,
                         shipping_method_id=form.shipping_method_id())
    return change, form.cleaned_data["send_confirmation"]


def _edited_quantities(data: dict, order: Order, errors: dict, *, has_custom: bool) -> dict[int, int]:
    """Product id -> quantity the edit asks for: the order's when ``lines`` is not sent, none when it is [] and the
    order has custom items to keep; adds the lines' errors to ``errors``."""
    if "lines" not in data:
        return {line.product_id: line.quantity for line in order.lines.all() if not line.is_custom}
    if data["lines"] == [] and has_custom:
        return {}
    lines, line_errors = _lines(data["lines"])
    errors |= line_errors
    quantities: dict[int, int] = {}
    for line in lines:
        quantities[line.product_id] = quantities.get(line.product_id, 0) + line.quantity
    return quantities


def _lines(given) -> tuple[tuple[DraftLine, ...], dict[str, list[str]]]:
    """Each {"sku", "quantity"} checked by the cart's line form and found by SKU (any case)."""
    if not isinstance(given, list) or not given:
        return (), {"lines": ["Send the order's lines: a list of {\"sku\": ..., \"quantity\": ...}."]}
    if len(given) > MAX_PASTE_LINES:
        return (), {"lines": [f"At most {MAX_PASTE_LINES} lines an order through the API."]}
    forms, errors = [], {}
    for index, line in enumerate(given):
        line = line if isinstance(line, dict) else {}
        form = AddLineForm(form_data({"query": line.get("sku"), "quantity": line.get("quantity")}))
        if form.is_valid():
            forms.append((index, form))
        for field, messages in form.errors.items():
            errors[f"lines.{index}.{'sku' if field == 'query' else field}"] = list(messages)
    products = products_by_skus(form.cleaned_data["query"] for _, form in forms)
    lines = []
    for index, form in forms:
        product = products.get(form.cleaned_data["query"].strip().lower())
        if product is None:
            errors[f"lines.{index}.sku"] = [f"No product has the SKU {form.cleaned_data['query'][:64]}."]
        else:
            lines.append(DraftLine(product.pk, form.cleaned_data["quantity"]))
    return tuple(lines), errors


def _checkout_values(data: dict, customer: Customer, methods, token: uuid.UUID) -> dict:
    """What checkout's form would hold: the page's defaults (the first shipping method, the customer type's first
    payment method, confirmation to customers with an email), then what ``data`` says."""
    defaults = CheckoutForm(methods=methods, customer_email=customer.email, customer_type=customer.customer_type)
    values = {"token": token, "fingerprint": "api", "channel": defaults.fields["channel"].initial,
              "shipping_method": methods[0].pk if methods else "",
              "payment_method": defaults.fields["payment_method"].initial,
              "send_confirmation": bool(customer.email)}
    values |= {name: data[name] for name in CHECKOUT_FIELDS if name in data}
    values["send_confirmation"] = checkbox(values["send_confirmation"])
    return values


def _address_form(given, customer: Customer, default) -> AddressForm:
    """The address sent (name, company and phone the customer's unless given), else the customer's default."""
    if isinstance(given, dict):
        return AddressForm(form_data({"name": customer.name, "company": customer.company, "phone": customer.phone}
                                     | given))
    return AddressForm(form_data(default.as_snapshot() if default is not None else {}))

