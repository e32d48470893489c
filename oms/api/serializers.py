"""What the API answers (model serializers, read-only) and what it takes (plain serializers that describe the input
for the schema; the input itself is checked by the pages' own forms and services, in the views)."""

from rest_framework import serializers

from catalog.models import Product
from customers.models import Address, Customer
from orders.fulfilment.models import Shipment
from orders.models import Order, OrderLine
from orders.payments.models import Payment
from orders.returns.models import Return

ADDRESS_FIELDS = ["name", "company", "line1", "line2", "city", "region", "postal_code", "country", "phone"]
CUSTOMER_FIELDS = ["first_name", "last_name", "company", "email", "phone", "notes"]


class AddressSerializer(serializers.ModelSerializer):
    country = serializers.CharField()

    class Meta:
        model = Address
        fields = ["id", *ADDRESS_FIELDS]
        read_only_fields = fields  # answers only; no column limits of one database in the schema


class CustomerSerializer(serializers.ModelSerializer):
    default_billing_address = AddressSerializer(read_only=True)

    class Meta:
        model = Customer
        fields = ["id", *CUSTOMER_FIELDS, "customer_type", "default_billing_address", "created_at", "updated_at"]
        read_only_fields = fields  # answers only; no column limits of one database in the schema


class AddressInput(serializers.Serializer):
    line1 = serializers.CharField()
    line2 = serializers.CharField(required=False)
    city = serializers.CharField()
    region = serializers.CharField(required=False)
    postal_code = serializers.CharField(required=False)
    country = serializers.CharField(help_text="ISO 3166 code, e.g. US.")


class CustomerInput(serializers.Serializer):
    """A customer's own fields, checked by the customer form; on create, ``address`` becomes their default."""

    first_name = serializers.CharField()
    last_name = serializers.CharField()
    company = serializers.CharField(required=False)
    email = serializers.EmailField(required=False)
    phone = serializers.CharField(required=False)
    notes = serializers.CharField(required=False)
    address = AddressInput(required=False, help_text="Create only: the default billing and shipping address.")


class CustomerPage(serializers.Serializer):
    results = CustomerSerializer(many=True)
    next = serializers.CharField(help_text="Pass as ?after= for the next page; empty on the last page.")


class ProductSerializer(serializers.ModelSerializer):
    free_stock = serializers.IntegerField(read_only=True, help_text="Stock less what live quote reservations hold.")
    price_for = serializers.DecimalField(max_digits=12, decimal_places=2, read_only=True, allow_null=True,
                                         help_text="The price for the customer type ?price_for= names, if any.")

    class Meta:
        model = Product
        fields = ["id", "sku", "name", "description", "price", "stock", "free_stock", "track_inventory", "price_for"]
        read_only_fields = fields  # answers only; no column limits of one database in the schema


class ProductPage(serializers.Serializer):
    results = ProductSerializer(many=True)
    next = serializers.CharField()


class OrderRowSerializer(serializers.ModelSerializer):
    class Meta:
        model = Order
        fields = ["number", "created_at", "customer_id", "customer_name", "channel", "status", "confirmation_state",
                  "total", "amount_paid", "amount_credited", "amount_refunded"]
        read_only_fields = fields  # answers only; no column limits of one database in the schema


class OrderPage(serializers.Serializer):
    results = OrderRowSerializer(many=True)
    next = serializers.CharField()


class LineSerializer(serializers.ModelSerializer):
    class Meta:
        model = OrderLine
        fields = ["id", "product_id", "sku", "name", "is_custom", "list_price", "unit_price", "quantity", "line_total",
                  "discount", "price_reason", "taxable", "quantity_shipped", "quantity_returned",
                  "quantity_backordered"]
        read_only_fields = fields  # answers only; no column limits of one database in the schema


class PaymentSerializer(serializers.ModelSerializer):
    class Meta:
        model = Payment
        fields = ["id", "amount", "method", "reference", "received_on", "created_at"]
        read_only_fields = fields  # answers only; no column limits of one database in the schema


class ShipmentSerializer(serializers.ModelSerializer):
    carrier = serializers.CharField(source="carrier.name")
    tracking_numbers = serializers.ListField(child=serializers.CharField())

    class Meta:
        model = Shipment
        fields = ["id", "carrier", "tracking_numbers", "shipped_on", "created_at"]
        read_only_fields = fields  # answers only; no column limits of one database in the schema


class ReturnSerializer(serializers.ModelSerializer):
    class Meta:
        model = Return
        fields = ["number", "status", "condition", "reason_text", "created_at", "received_at"]
        read_only_fields = fields  # answers only; no column limits of one database in the schema


class TimelineSerializer(serializers.Serializer):
    message = serializers.CharField()
    actor_name = serializers.CharField()
    created_at = serializers.DateTimeField()


class OrderSerializer(serializers.ModelSerializer):
    lines = LineSerializer(many=True, read_only=True)
    payments = PaymentSerializer(many=True, read_only=True)
    shipments = ShipmentSerializer(many=True, read_only=True)
    returns = ReturnSerializer(many=True, read_only=True, source="api_returns")
    timeline = TimelineSerializer(many=True, read_only=True, source="api_timeline")

    class Meta:
        model = Order
        fields = ["number", "version", "created_at", "customer_id", "customer_name", "customer_email", "channel",
                  "status", "payment_method", "payment_reference", "payment_status", "billing_address",
                  "shipping_address", "shipping_method", "subtotal", "discount", "shipping", "tax", "total",
                  "amount_paid", "amount_credited", "amount_refunded", "due_date", "on_hold", "hold_reason",
                  "backordered", "staff_note", "customer_note", "lines", "payments", "shipments", "returns", "timeline"]
        read_only_fields = fields  # answers only; no column limits of one database in the schema


class LineInput(serializers.Serializer):
    sku = serializers.CharField()
    quantity = serializers.IntegerField(min_value=1)


class OrderInput(serializers.Serializer):
    """An order as checkout takes it: addresses default to the customer's, the shipping method to the first
    offered, the payment method to check."""

    customer = serializers.IntegerField(help_text="The customer's id.")
    lines = LineInput(many=True)
    shipping_method = serializers.IntegerField(required=False)
    payment_method = serializers.ChoiceField(choices=Order.PaymentMethod.choices, required=False)
    payment_reference = serializers.CharField(required=False)
    channel = serializers.ChoiceField(choices=Order.Channel.choices, required=False)
    staff_note = serializers.CharField(required=False)
    customer_note = serializers.CharField(required=False)
    send_confirmation = serializers.BooleanField(required=False)
    billing_address = AddressInput(required=False)
    shipping_address = AddressInput(required=False)


class OrderEditInput(serializers.Serializer):
    """An edit as the order page's `Save changes` takes it: what is not sent is kept."""

    version = serializers.IntegerField(help_text="The order's version as read; a newer one refuses the edit.")
    lines = LineInput(many=True, required=False,
                      help_text="Every product line the order is to have (custom items are kept).")
    shipping_method = serializers.IntegerField(required=False)
    billing_address = AddressInput(required=False)
    shipping_address = AddressInput(required=False)
    send_confirmation = serializers.BooleanField(required=False)


class ReasonInput(serializers.Serializer):
    reason = serializers.CharField()


class ReleaseInput(serializers.Serializer):
    note = serializers.CharField(required=False)


class PaymentInput(serializers.Serializer):
    amount = serializers.CharField(help_text="e.g. 25.00")
    method = serializers.ChoiceField(choices=Payment.Method.choices)
    reference = serializers.CharField(required=False)
    received_on = serializers.DateField()
    accept_overpayment = serializers.BooleanField(required=False)


class ShipmentInput(serializers.Serializer):
    carrier = serializers.IntegerField()
    tracking_numbers = serializers.CharField(required=False, help_text="Separated by spaces or commas.")
    shipped_on = serializers.DateField()
    send_email = serializers.BooleanField(required=False)
    quantities = serializers.DictField(child=serializers.IntegerField(), required=False,
                                       help_text="Order line id -> quantity; absent: everything that can ship.")
