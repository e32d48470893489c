"""Record payment and Mark shipped (pages of their own), resending a shipping confirmation, and what the
order page shows of payments and shipments."""

from collections import defaultdict

from django.contrib import messages
from django.contrib.auth.decorators import permission_required
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from oms.core.forms import parse_id
from orders import lifecycle
from orders.fulfilment.documents import (
    BATCH_LIMIT,
    KINDS,
    credit_memo_documents,
    document_filename,
    document_html,
    document_pdf,
    documents_for,
)
from orders.fulfilment.forms import ShipmentForm
from orders.fulfilment.models import Shipment, ShipmentLine
from orders.fulfilment.services import ShipmentRequest, shipment_email_request, shipment_record
from orders.lifecycle import OrderRefused
from orders.models import Order
from orders.payments.terms import balance_due, is_overdue


def _pdf_response(pdf: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{filename}"'
    return response


@permission_required("orders.view_order", raise_exception=True)
def order_document(request, number: int, kind: str, pdf: bool = False):
    """An order's invoice or packing slip (``number``: the order's) or a credit memo (``number``: the memo's)."""
    if kind == "credit_memo":
        documents = credit_memo_documents([number])
    else:
        documents = documents_for([number])
    if not documents:
        raise Http404("No such credit memo." if kind == "credit_memo" else "No such order.")
    paper = request.GET.get("paper")
    if pdf:
        return _pdf_response(document_pdf(kind=kind, documents=documents, paper=paper),
                             document_filename(kind, [number]))
    return HttpResponse(document_html(kind=kind, documents=documents, paper=paper))


@permission_required("orders.view_order", raise_exception=True)
@require_POST
def documents_batch(request):
    """One PDF of the selected orders' packing slips or invoices, in the order they were listed."""
    kind = request.POST.get("kind", "")
    numbers = list(dict.fromkeys(number for number in map(parse_id, request.POST.getlist("order")[:BATCH_LIMIT + 1])
                                 if number))
    if kind not in KINDS:
        messages.error(request, "Choose Packing slips or Invoices.")
    elif not numbers:
        messages.warning(request, "Tick the orders to print first.")
    elif len(numbers) > BATCH_LIMIT:
        messages.error(request, f"At most {BATCH_LIMIT} orders at a time: tick fewer.")
    elif documents := documents_for(numbers):
        found = [document.order.number for document in documents]
        return _pdf_response(document_pdf(kind=kind, documents=documents), document_filename(kind, found))
    else:
        messages.warning(request, "None of those orders exists any more.")
    return redirect("orders:list")


def fulfilment_context(order: Order) -> dict:
    """What the order page shows of payments and shipments: no query for an order with neither, three at most
    (payments only exist once something is paid, shipments once something shipped)."""
    return {
        "payments": list(order.payments.all()) if order.amount_paid else [],
        "shipments": _shipments(order) if lifecycle.has_shipments(order) else [],
        "balance_due": balance_due(order),
        "overdue": is_overdue(order, timezone.localdate()),
        "can_ship": lifecycle.can_ship(order),
        "can_pay": lifecycle.can_pay(order),
    }


def _shipments(order: Order) -> list[Shipment]:
    """The order's shipments with their carriers, each with ``contents``: (quantity, SKU) of its lines, read as
    three columns: the page lists only those, so no line or order line objects are built."""
    shipments = list(order.shipments.select_related("carrier"))
    contents = defaultdict(list)
    for shipment_id, quantity, sku in (ShipmentLine.objects.filter(shipment__order=order).order_by("pk")
                                       .values_list("shipment_id", "quantity", "order_line__sku")):
        contents[shipment_id].append((quantity, sku))
    for shipment in shipments:
        shipment.contents = contents[shipment.pk]
    return shipments


@permission_required("orders.record_shipment", raise_exception=True)
def shipment_new(request, number: int):
    order = get_object_or_404(Order, number=number)
    lines = list(order.lines.all())
    form = ShipmentForm(request.POST or None, lines=lines, customer_email=order.customer_email)
    if not lifecycle.can_ship(order):
        messages.error(request, lifecycle.why_not_ship(order))
        return redirect(order)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        shipment_request = ShipmentRequest(carrier=data["carrier"], tracking_numbers=data["tracking_numbers"],
                                           shipped_on=data["shipped_on"], quantities=form.quantities(),
                                           send_email=data["send_email"])
        try:
            shipment = shipment_record(order=order, request=shipment_request, actor=request.user,
                                       token=data["token"])
        except OrderRefused as refused:
            for problem in refused.problems:
                form.add_error(None, problem)
        else:
            _report_shipment(request, shipment)
            return redirect(order)
    return render(request, "orders/fulfilment/shipment_form.html", {"order": order, "form": form},
                  status=400 if form.is_bound else 200)


def _report_shipment(request, shipment: Shipment) -> None:
    if not getattr(shipment, "recorded_now", True):
        messages.info(request, f"Shipment {shipment.pk} was already recorded (this form was submitted twice); "
                               "nothing more was shipped.")
        return
    shipment.refresh_from_db()
    order = shipment.order
    messages.success(request, f"Shipment recorded: order #{order.number} is {order.get_status_display().lower()}.")
    if shipment.email_state == Order.EmailState.SENT:
        messages.success(request, f"Shipping confirmation sent to {shipment.email_to}.")
    elif shipment.email_state == Order.EmailState.FAILED:
        messages.error(request, "The shipping confirmation could not be sent; see Shipments and resend it.")


@permission_required("orders.record_shipment", raise_exception=True)
@require_POST
def shipment_resend(request, number: int, shipment_id: int):
    shipment = get_object_or_404(Shipment.objects.select_related("order"), pk=shipment_id, order_id=number)
    try:
        shipment = shipment_email_request(shipment=shipment, actor=request.user)
    except OrderRefused as refused:
        messages.error(request, refused.problems[0])
    else:
        _report_shipment(request, shipment)
    return redirect(shipment.order)
