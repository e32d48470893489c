"""Invoice and Packing slip of an order, as a print-ready page or a PDF; and a batch PDF from the order list."""

from django.contrib import messages
from django.contrib.auth.decorators import permission_required
from django.http import Http404, HttpResponse
from django.shortcuts import redirect
from django.views.decorators.http import require_POST

from oms.core.forms import parse_id

from ..documents import BATCH_LIMIT, KINDS, document_filename, document_html, document_pdf, documents_for


def _pdf_response(pdf: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{filename}"'
    return response


@permission_required("orders.view_order", raise_exception=True)
def order_document(request, number: int, kind: str, pdf: bool = False):
    documents = documents_for([number])
    if not documents:
        raise Http404("No such order.")
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
