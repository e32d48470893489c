from django import forms

from oms.core.forms import SearchField, parse_id
from oms.core.money import format_money
from oms.core.validators import validate_no_card_number

from .cart import MAX_QUANTITY
from .drafts import DraftLine, OrderDraft
from .models import Order, ShippingMethod

QUANTITY_ERRORS = {
    "required": "Enter a quantity.",
    "invalid": "Enter a whole number, such as 1 or 12.",
    "min_value": "The quantity must be at least 1.",
    "max_value": f"One line holds at most {MAX_QUANTITY:,}; split larger orders with the warehouse.",
}


def quantity_field(**kwargs) -> forms.IntegerField:
    return forms.IntegerField(
        label="Quantity", min_value=1, max_value=MAX_QUANTITY, error_messages=QUANTITY_ERRORS,
        widget=forms.NumberInput(attrs={"inputmode": "numeric"}), **kwargs,
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
    quantity = quantity_field()

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Rendered as the bare input beside each cart line (50 crispy fields cost ~20 ms a cart page).
        invalid = " is-invalid" if self.is_bound and self.errors else ""
        self.fields["quantity"].widget.attrs["class"] = f"form-control form-control-sm qty-input{invalid}"
        if invalid:
            self.fields["quantity"].widget.attrs["aria-describedby"] = f"{self['quantity'].auto_id}_error"


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

    def __init__(self, *args, methods: list[ShippingMethod], customer_email: str = "", **kwargs):
        super().__init__(*args, **kwargs)
        self.methods = {method.pk: method for method in methods}
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
        return OrderDraft(
            token=data["token"], customer_id=review.customer.pk if review.customer else None,
            lines=tuple(DraftLine(line.product_id, line.quantity) for line in review.lines),
            billing_address=billing, shipping_address=shipping, shipping_method_id=data["shipping_method"].pk,
            payment_method=data["payment_method"], payment_reference=data["payment_reference"],
            channel=data["channel"], staff_note=data["staff_note"], customer_note=data["customer_note"],
            send_confirmation=data["send_confirmation"], save_addresses=data["save_addresses"],
            expected_total=expected_total,
        )

    def clean(self):
        cleaned = super().clean()
        method = cleaned.get("payment_method")
        needs_reference = REFERENCE_NEEDED.get(method)
        if needs_reference and not cleaned.get("payment_reference") and "payment_reference" not in self.errors:
            self.add_error("payment_reference", f"Enter {needs_reference} for this payment method.")
        return cleaned


class OrderEmailForm(forms.Form):
    email = forms.EmailField(label="Email address for this order", required=False, max_length=254)


class CancelOrderForm(forms.Form):
    reason = forms.CharField(
        label="Reason", max_length=500, validators=[validate_no_card_number],
        error_messages={"required": "Say why the order is cancelled (the customer asked, out of stock, ...)."},
        widget=forms.TextInput(attrs={"autofocus": True, "autocomplete": "off"}),
    )


class NoteForm(forms.Form):
    text = forms.CharField(label="Note", max_length=2000, validators=[validate_no_card_number],
                           error_messages={"required": "Write the note first."},
                           widget=forms.Textarea(attrs={"rows": 2}))
    visible_to_customer = forms.BooleanField(
        label="Visible to customer", required=False,
        help_text="Shown in later emails to the customer; otherwise for staff only.",
    )
