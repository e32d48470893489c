"""Orders: the order list's search and filters on keyset pages, an order with everything on its page, placing one
(idempotent on the Idempotency-Key header), and cancel, hold, release, payments and shipments through the services
and forms of the order page."""

import uuid

from django import forms
from django.db.models import Prefetch
from django.shortcuts import get_object_or_404
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import status
from rest_framework.response import Response

from oms.api.inputs import checkbox, cleaned, form_data, form_errors, invalid, json_object
from oms.api.ordering import idempotency_token, order_change, order_draft
from oms.api.serializers import (
    OrderEditInput,
    OrderInput,
    OrderPage,
    OrderRowSerializer,
    OrderSerializer,
    PaymentInput,
    PaymentSerializer,
    ReasonInput,
    ReleaseInput,
    ShipmentInput,
    ShipmentSerializer,
)
from oms.core.search import search_capped
from orders import lifecycle
from orders.changes.editing import order_edit_save
from orders.changes.forms import CancelOrderForm, HoldForm
from orders.changes.services import order_cancel, order_hold, order_hold_release
from orders.forms import _filter_form
from orders.fulfilment.forms import ShipmentForm
from orders.fulfilment.models import Shipment
from orders.fulfilment.services import ShipmentRequest, shipment_record
from orders.lifecycle import OrderRefused
from orders.models import Order
from orders.ordering.placing import order_place
from orders.payments.forms import PaymentForm
from orders.payments.services import payment_record
from orders.returns.models import Return
from orders.selectors import order_search_page, order_timeline

from .base import ApiView

IDEMPOTENCY_KEY = OpenApiParameter("Idempotency-Key", OpenApiTypes.STR, OpenApiParameter.HEADER, required=True,
                                   description="Any text up to 200 characters: the same key twice places one order.")
ONCE_KEY = OpenApiParameter("Idempotency-Key", OpenApiTypes.STR, OpenApiParameter.HEADER,
                            description="Optional: the same key twice records once.")
FILTERS = [OpenApiParameter(name, OpenApiTypes.STR) for name in ("q", "after", "status", "channel", "taken_by",
                                                                 "date_from", "date_to", "overdue", "owed",
                                                                 "backordered")]
MAX_KEY = 200


def order_read(number: int) -> Order:
    """The order with what its page shows: lines, payments, shipments, returns and the timeline."""
    order = get_object_or_404(Order.objects.prefetch_related(
        "lines", "payments", Prefetch("shipments", Shipment.objects.select_related("carrier"))), number=number)
    order.api_returns = list(Return.objects.filter(lines__order=order).distinct().order_by("number"))
    order.api_timeline = order_timeline(order)
    return order


def _key(request, *, required: bool) -> str | None:
    key = request.headers.get("Idempotency-Key", "").strip()
    if (required and not key) or len(key) > MAX_KEY:
        raise invalid({"Idempotency-Key": [f"Send an Idempotency-Key header (1 to {MAX_KEY} characters): the "
                                           "same key again returns the order it placed."]})
    return key or None


def _once_token(request) -> uuid.UUID:
    """The one-time token a page's form carries: from the Idempotency-Key when sent, else new."""
    key = _key(request, required=False)
    return idempotency_token(request.user, key) if key else uuid.uuid4()


class OrderListView(ApiView):
    """Orders: the order list's search and filters, 25 a page; placing an order as checkout does."""

    permissions = {"GET": "orders.view_order", "POST": "orders.place_order"}

    @extend_schema(parameters=FILTERS, responses=OrderPage,
                   operation_id="orders_list", summary="Search and filter orders")
    def get(self, request):
        form = _filter_form(request)
        if form.errors:
            raise invalid(form_errors(form))
        query, _ = search_capped(request.query_params.get("q", ""))
        page = order_search_page(query, filters=form.filters(), after=request.query_params.get("after"))
        return Response({"results": OrderRowSerializer(page.object_list, many=True).data, "next": page.next_cursor})

    @extend_schema(parameters=[IDEMPOTENCY_KEY], request=OrderInput,
                   responses={201: OrderSerializer, 200: OrderSerializer}, operation_id="orders_create",
                   summary="Place an order (201; 200 with the order an Idempotency-Key already placed)")
    def post(self, request):
        token = idempotency_token(request.user, _key(request, required=True))
        placed = order_place(draft=order_draft(json_object(request), token=token), placed_by=request.user)
        return Response(OrderSerializer(order_read(placed.order.number)).data,
                        status=status.HTTP_201_CREATED if placed.created else status.HTTP_200_OK)


class OrderDetailView(ApiView):
    """An order with its lines, payments, shipments, returns and timeline (newest first); editing it as `Save
    changes` on its page does."""

    permissions = {"GET": "orders.view_order", "PATCH": "orders.edit_order"}

    @extend_schema(responses=OrderSerializer, operation_id="orders_read", summary="Read an order")
    def get(self, request, number: int):
        return Response(OrderSerializer(order_read(number)).data)

    @extend_schema(request=OrderEditInput, responses=OrderSerializer, parameters=[ONCE_KEY],
                   operation_id="orders_edit", summary="Edit an order",
                   description="Lines (each product line the order is to have), addresses and the shipping method, "
                               "with the order's version as read: a version that moved on is refused with 409. When "
                               "the updated confirmation cannot be queued the edit still stands and the "
                               "Confirmation-Problem header says why.")
    def patch(self, request, number: int):
        order = get_object_or_404(Order.objects.select_related("customer").prefetch_related("lines"), number=number)
        change, send_confirmation = order_change(json_object(request), order, token=_once_token(request).hex)
        saved = order_edit_save(order=order, change=change, actor=request.user, send_confirmation=send_confirmation)
        response = Response(OrderSerializer(order_read(number)).data)
        if saved.confirmation_problem:  # the edit stands; the email was not queued (e.g. the resend limit)
            response["Confirmation-Problem"] = saved.confirmation_problem
        return response


class OrderCancelView(ApiView):
    """Cancel order: the stock goes back; refused once anything has shipped."""

    permissions = {"POST": "orders.cancel_order"}

    @extend_schema(request=ReasonInput, responses=OrderSerializer,
                   operation_id="orders_cancel", summary="Cancel an order")
    def post(self, request, number: int):
        order = get_object_or_404(Order, number=number)
        reason = cleaned(CancelOrderForm(form_data(json_object(request))))["reason"]
        order_cancel(order=order, reason=reason, actor=request.user)
        return Response(OrderSerializer(order_read(number)).data)


class OrderHoldView(ApiView):
    """Put on hold: the order does not ship until its hold is released."""

    permissions = {"POST": "orders.hold_order"}

    @extend_schema(request=ReasonInput, responses=OrderSerializer,
                   operation_id="orders_hold", summary="Put an order on hold")
    def post(self, request, number: int):
        order = get_object_or_404(Order, number=number)
        reason = cleaned(HoldForm(form_data(json_object(request))))["reason"]
        order_hold(order=order, reason=reason, actor=request.user)
        return Response(OrderSerializer(order_read(number)).data)


class OrderReleaseView(ApiView):
    """Release hold, with an optional note of why."""

    permissions = {"POST": "orders.hold_order"}

    @extend_schema(request=ReleaseInput, responses=OrderSerializer,
                   operation_id="orders_release", summary="Release an order's hold")
    def post(self, request, number: int):
        order = get_object_or_404(Order, number=number)
        try:  # the page's note is free text; text the database cannot store (NUL) is refused here
            note = forms.CharField(required=False, max_length=500).clean(form_data(json_object(request)).get("note"))
        except forms.ValidationError as error:
            raise invalid({"note": error.messages}) from None
        order_hold_release(order=order, note=note, actor=request.user)
        return Response(OrderSerializer(order_read(number)).data)


class PaymentCreateView(ApiView):
    """Record payment: more than the balance due is refused unless `accept_overpayment`."""

    permissions = {"POST": "orders.record_payment"}

    @extend_schema(parameters=[ONCE_KEY], request=PaymentInput, responses={201: PaymentSerializer},
                   operation_id="payments_create", summary="Record a payment")
    def post(self, request, number: int):
        order = get_object_or_404(Order, number=number)
        data = cleaned(PaymentForm(form_data(json_object(request) | {"token": _once_token(request)})))
        payment = payment_record(order=order, amount=data["amount"], method=data["method"],
                                 reference=data["reference"], received_on=data["received_on"],
                                 allow_overpayment=data["accept_overpayment"], actor=request.user,
                                 token=data["token"])
        return Response(PaymentSerializer(payment).data,
                        status=status.HTTP_201_CREATED if payment.recorded_now else status.HTTP_200_OK)


class ShipmentCreateView(ApiView):
    """Mark shipped: everything that can ship, or the quantities per order line given."""

    permissions = {"POST": "orders.record_shipment"}

    @extend_schema(parameters=[ONCE_KEY], request=ShipmentInput, responses={201: ShipmentSerializer},
                   operation_id="shipments_create", summary="Record a shipment")
    def post(self, request, number: int):
        order = get_object_or_404(Order, number=number)
        if not lifecycle.can_ship(order):
            raise OrderRefused([lifecycle.why_not_ship(order)])
        data = json_object(request)
        form = ShipmentForm(form_data(_shipment_values(order, data) | {"token": _once_token(request)}),
                            lines=list(order.lines.all()), customer_email=order.customer_email)
        data = cleaned(form)
        shipment = shipment_record(order=order, actor=request.user, token=data["token"], request=ShipmentRequest(
            carrier=data["carrier"], tracking_numbers=data["tracking_numbers"], shipped_on=data["shipped_on"],
            quantities=form.quantities(), send_email=data["send_email"]))
        return Response(ShipmentSerializer(shipment).data, status=status.HTTP_201_CREATED)


def _shipment_values(order: Order, data: dict) -> dict:
    """The Mark shipped form's fields: each line's quantity as ``quantities`` says ({line id: quantity}), else
    everything that can ship (as the form starts)."""
    values = {key: data[key] for key in ("carrier", "tracking_numbers", "shipped_on") if key in data}
    values["send_email"] = checkbox(data.get("send_email"))
    quantities = data.get("quantities")
    for line in order.lines.all():
        wanted = quantities.get(str(line.pk), 0) if isinstance(quantities, dict) else line.quantity_shippable
        values[f"line_{line.pk}"] = wanted
    return values
