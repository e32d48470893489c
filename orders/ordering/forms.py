"""The forms of taking an order: adding and pasting lines, Identify, checkout."""

import re
from decimal import Decimal

from django import forms
from django.core.validators import ProhibitNullCharactersValidator

from oms.core.forms import AmountField, SearchField, parse_id
from oms.core.money import format_money
from oms.core.validators import validate_no_card_number
from orders.models import Order
from orders.ordering.checkout import DraftCustomLine, DraftLine, OrderDraft
from orders.ordering.paste import MAX_PASTE_CHARACTERS, MAX_PASTE_LINES, NUL_SHOWN_AS, paste_count
from orders.ordering.stores import MAX_QUANTITY
from orders.pricing.models import ShippingMethod

QUANTITY_ERRORS = {
    "required": "Enter a quantity.",
    "invalid": "Enter a whole number, such as 1 or 12.",
    "min_value": "The quantity must be at least 1.",
    "max_value": f"One line holds at most {MAX_QUANTITY:,}; split larger orders with the warehouse.",
}


ASCII_WHOLE_NUMBER = re.compile(r"[+-]?[0-9]+(?:\.0*)?")  # what IntegerField reads, in ASCII digits only


class QuantityField(forms.IntegerField):
    """A whole number in ASCII digits, as every number staff type: int() also reads "٣" or "３" as 3."""

    def to_python(self, value):
        if isinstance(value, str) and value.strip() and not ASCII_WHOLE_NUMBER.fullmatch(value.strip()):
            raise forms.ValidationError(self.error_messages["invalid"], code="invalid")
        return super().to_python(value)


def quantity_field(widget=forms.NumberInput, **kwargs) -> forms.IntegerField:
    return QuantityField(
        label="Quantity", min_value=1, max_value=MAX_QUANTITY, error_messages=QUANTITY_ERRORS,
        widget=widget(attrs={"inputmode": "numeric"}), **kwargs,
    )


class AddLineForm(forms.Form):
    query = SearchField(
        label="SKU or product",
        error_messages={"required": "Enter a SKU or part of a product name."},
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
    )
    quantity = quantity_field(initial=1)
    product_id = forms.IntegerField(required=False, widget=forms.HiddenInput)


class LineQuantityForm(forms.Form):
    """A line's quantity beside it in the line editor (orders/ordering/lines.html); the page
    gives each line's form the auto_id "line-<product>-%s", so that every line's input is unique, and the label
    "Units of <SKU>", read out but not shown (the row says which line)."""

    quantity = quantity_field(template_name="forms/quantity_cell.html")


class IdentifySearchForm(forms.Form):
    last_name = SearchField(label="Last name", required=False,
                            widget=forms.TextInput(attrs={"autofocus": True, "autocomplete": "off"}))
    company = SearchField(label="Company", required=False, widget=forms.TextInput(attrs={"autocomplete": "off"}))
    email = SearchField(label="Email", required=False, widget=forms.TextInput(attrs={"autocomplete": "off"}))

    def is_empty(self) -> bool:
        return not any((self.cleaned_data or {}).values())


class DuplicateConfirmForm(forms.Form):
    create_anyway = forms.BooleanField(
        label="Create a new customer anyway", required=False,
    )


REFERENCE_NEEDED = {
    Order.PaymentMethod.PURCHASE_ORDER: "the PO number",
    Order.PaymentMethod.CARD_BY_PHONE: "the terminal's authorization code",
}


class CheckoutForm(forms.Form):
    token = forms.UUIDField(widget=forms.HiddenInput)
    fingerprint = forms.CharField(widget=forms.HiddenInput, max_length=64)
    same_as_billing = forms.BooleanField(label="Ship to the billing address", required=False)
    save_addresses = forms.BooleanField(label="Save to the customer's address book", required=False)
    shipping_method = forms.TypedChoiceField(
        label="Shipping method", coerce=int, widget=forms.RadioSelect,
        error_messages={"required": "Choose a shipping method.",
                        "invalid_choice": "That shipping method is no longer offered; choose another."},
    )
    payment_method = forms.ChoiceField(
        label="Payment method", choices=Order.PaymentMethod.choices, widget=forms.RadioSelect,
        initial=Order.PaymentMethod.CHECK,
    )
    payment_reference = forms.CharField(
        label="Payment reference (PO number or terminal authorization)", max_length=100, required=False,
        validators=[validate_no_card_number],
    )
    channel = forms.ChoiceField(
        label="Order channel", choices=Order.Channel.choices, initial=Order.Channel.PHONE,
        widget=forms.RadioSelect,
    )
    staff_note = forms.CharField(label="Staff note (internal)", max_length=2000, required=False,
                                 validators=[validate_no_card_number],
                                 widget=forms.Textarea(attrs={"rows": 2}))
    customer_note = forms.CharField(label="Customer note (on the confirmation)", max_length=2000,
                                    required=False, validators=[validate_no_card_number],
                                    widget=forms.Textarea(attrs={"rows": 2}))
    send_confirmation = forms.BooleanField(label="Send order confirmation email", required=False)
    apply_store_credit = forms.BooleanField(label="Apply store credit", required=False)

    def __init__(self, *args, methods: list[ShippingMethod], customer_email: str = "", customer_type=None,
                 store_credit: Decimal = Decimal("0"), exchange: str = "", **kwargs):
        super().__init__(*args, **kwargs)
        if exchange:  # the return's credit pays for an exchange, whatever the box says
            self.fields["apply_store_credit"].initial = True
            self.fields["apply_store_credit"].disabled = True
            self.fields["apply_store_credit"].help_text = (f"Exchange for return {exchange}: what its return "
                                                           "credits the customer pays for this order first.")
        elif store_credit > 0:
            self.fields["apply_store_credit"].help_text = (f"{format_money(store_credit)} available: it pays up to "
                                                           "the order's total, the rest by the payment method.")
        else:
            del self.fields["apply_store_credit"]
        self.methods = {method.pk: method for method in methods}
        if customer_type is not None:  # the payment methods the customer's type may use
            allowed = [(code, label) for code, label in Order.PaymentMethod.choices if customer_type.allows(code)]
            field = self.fields["payment_method"]
            field.choices = allowed
            if field.initial not in dict(allowed):
                field.initial = next((code for code, _ in allowed if code not in REFERENCE_NEEDED), allowed[0][0])
        self.fields["shipping_method"].choices = [
            (method.pk, f"{method.name} ({format_money(method.price)})") for method in methods
        ]
        if not customer_email:
            field = self.fields["send_confirmation"]
            field.disabled = True
            field.initial = False
            field.help_text = "The customer has no email address; add one to their record to send it."

    def selected_method(self) -> ShippingMethod | None:
        """The method ticked (as submitted, or the initial one), else the first offered."""
        method = self.methods.get(parse_id(self["shipping_method"].value()))
        return method or next(iter(self.methods.values()), None)

    def clean_shipping_method(self) -> ShippingMethod:
        return self.methods[self.cleaned_data["shipping_method"]]

    def clean_payment_reference(self):
        return self.cleaned_data["payment_reference"].strip()

    def draft(self, *, review, billing: dict, shipping: dict | None, expected_total) -> OrderDraft:
        """The order as reviewed and filled in (call after is_valid()); ``shipping`` None ships to billing."""
        data = self.cleaned_data
        billing = billing | {"country": str(billing["country"])}
        shipping = billing if shipping is None else shipping | {"country": str(shipping["country"])}
        discount = review.store.discount
        return OrderDraft(
            token=data["token"], customer_id=review.customer.pk if review.customer else None,
            lines=tuple(_draft_line(line) for line in review.lines),
            custom_lines=tuple(DraftCustomLine(line.name, line.unit_price, line.quantity, line.taxable)
                               for line in review.custom_lines),
            discount=discount.text if discount else "", discount_reason=discount.reason if discount else "",
            discount_by=discount.by if discount and discount.text else None,
            billing_address=billing, shipping_address=shipping, shipping_method_id=data["shipping_method"].pk,
            payment_method=data["payment_method"], payment_reference=data["payment_reference"],
            channel=data["channel"], staff_note=data["staff_note"], customer_note=data["customer_note"],
            send_confirmation=data["send_confirmation"], save_addresses=data["save_addresses"],
            expected_total=expected_total, apply_store_credit=data.get("apply_store_credit", False),
            exchange_for=review.store.exchange_for, quote_number=review.store.quote_number,
        )

    def clean(self):
        cleaned = super().clean()
        method = cleaned.get("payment_method")
        needs_reference = REFERENCE_NEEDED.get(method)
        if needs_reference and not cleaned.get("payment_reference") and "payment_reference" not in self.errors:
            self.add_error("payment_reference", f"Enter {needs_reference} for this payment method.")
        return cleaned


def _draft_line(line) -> DraftLine:
    override = line.override
    if override is None:
        return DraftLine(line.product_id, line.quantity)
    return DraftLine(line.product_id, line.quantity, unit_price=line.unit_price, price_reason=override.reason,
                     price_by=override.by)


KEEP_SHIPPING = "keep"


class OrderEditForm(forms.Form):
    """`Save changes` on an order being edited: addresses, shipping method, and the updated confirmation."""

    same_as_billing = forms.BooleanField(label="Ship to the billing address", required=False)
    shipping_method = forms.ChoiceField(
        label="Shipping method", widget=forms.RadioSelect,
        error_messages={"required": "Choose a shipping method.",
                        "invalid_choice": "That shipping method is no longer offered; choose another."},
    )
    send_confirmation = forms.BooleanField(label="Send updated confirmation email", required=False)

    def __init__(self, *args, order: Order, methods: list[ShippingMethod], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["shipping_method"].choices = [
            (KEEP_SHIPPING, f"{order.shipping_method} ({format_money(order.shipping)}), as ordered"),
            *[(str(method.pk), f"{method.name} ({format_money(method.price)})") for method in methods
              if (method.name, method.price) != (order.shipping_method, order.shipping)],
        ]
        self.fields["shipping_method"].initial = KEEP_SHIPPING
        self.fields["same_as_billing"].initial = order.billing_address == order.shipping_address
        if not order.customer_email:
            field = self.fields["send_confirmation"]
            field.disabled = True
            field.help_text = "The order has no email address: save one on the order page to send it."

    def shipping_method_id(self) -> int | None:
        """The chosen method's id (call after is_valid()); None keeps the order's."""
        chosen = self.cleaned_data["shipping_method"]
        return None if chosen == KEEP_SHIPPING else int(chosen)


class PasteField(forms.CharField):
    """The paste box's text, NUL characters shown as � (the line that had one is refused with the reason;
    NUL cannot go to the database or into the page)."""

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.validators = [validator for validator in self.validators
                           if not isinstance(validator, ProhibitNullCharactersValidator)]

    def to_python(self, value):
        return super().to_python(value).replace("\x00", NUL_SHOWN_AS)

    def prepare_value(self, value):
        return value.replace("\x00", NUL_SHOWN_AS) if isinstance(value, str) else value


class PasteLinesForm(forms.Form):
    """`Paste lines`: one item a line (orders.paste says which forms it reads)."""

    text = PasteField(
        label="Paste lines",
        help_text="One item a line: SKU and quantity (“AB-100 3”, “3 x AB-100”), or columns copied from a "
                  "spreadsheet or CSV. A SKU alone means 1.",
        error_messages={"required": "Paste at least one line: a SKU and its quantity, such as “AB-100 3”."},
        widget=forms.Textarea(attrs={"rows": 5, "spellcheck": "false", "autocomplete": "off"}),
    )

    def clean_text(self) -> str:
        text = self.cleaned_data["text"]
        # checked here, not by a maxlength that would cut a long paste short in the browser without a word
        if len(text) > MAX_PASTE_CHARACTERS:
            raise forms.ValidationError(f"Paste at most {MAX_PASTE_CHARACTERS:,} characters at a time (this has "
                                        f"{len(text):,}). Nothing was added.", code="max_length")
        if (count := paste_count(text)) > MAX_PASTE_LINES:
            raise forms.ValidationError(f"This paste has {count:,} lines; paste at most {MAX_PASTE_LINES} at a "
                                        "time. Nothing was added.", code="too_many_lines")
        return text


class CustomItemForm(forms.Form):
    """`Add custom item`: `Description`, `Unit price`, `Quantity`, and whether tax is charged on it."""

    description = forms.CharField(label="Description", max_length=200, validators=[validate_no_card_number],
                                  error_messages={"required": "Describe the item (freight, setup fee, ...)."},
                                  widget=forms.TextInput(attrs={"autocomplete": "off"}))
    unit_price = AmountField(label="Unit price", min_value=Decimal("0"),
                             widget=forms.TextInput(attrs={"inputmode": "decimal", "autocomplete": "off"}))
    quantity = quantity_field(initial=1)
    taxable = forms.BooleanField(label="Taxable", required=False, initial=True)

    def clean_description(self):
        return self.cleaned_data["description"].strip()
