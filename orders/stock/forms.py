"""The forms of Receive stock: one product's quantity, or several SKUs pasted with their quantities."""

from django import forms

from oms.core.forms import IdField
from oms.core.validators import validate_no_card_number
from orders.ordering.paste import MAX_PASTE_CHARACTERS
from orders.ordering.stores import MAX_QUANTITY


class _ReceiptForm(forms.Form):
    reference = forms.CharField(
        label="Reference", max_length=100, required=False, validators=[validate_no_card_number],
        help_text="The supplier's delivery note or purchase order number.",
        widget=forms.TextInput(attrs={"autocomplete": "off"}))


class ProductReceiptForm(_ReceiptForm):
    quantity = IdField(
        label="Quantity", max_value=MAX_QUANTITY, widget=forms.NumberInput(attrs={"autofocus": True,
                                                                                   "inputmode": "numeric"}),
        error_messages={"invalid": "Enter a whole number of units, such as 12.",
                        "min_value": "Enter at least 1 unit.",
                        "max_value": f"At most {MAX_QUANTITY:,} units a receipt.",
                        "required": "Say how many units arrived."})

    field_order = ["quantity", "reference"]


class PastedReceiptForm(_ReceiptForm):
    lines = forms.CharField(
        label="SKU and quantity", max_length=MAX_PASTE_CHARACTERS,
        help_text="One product a line, as “SKU quantity” (a spreadsheet's two columns paste as they are).",
        widget=forms.Textarea(attrs={"rows": 8, "autofocus": True, "spellcheck": "false"}),
        error_messages={"required": "Paste at least one line: a SKU and the units that arrived."})

    field_order = ["lines", "reference"]
