"""Invoices, packing slips and credit memos: one template, print-ready as an HTML page (print CSS, A4 or US Letter)
and as a PDF rendered by WeasyPrint from the same HTML; a batch is one document of many orders, a page break apart."""

import logging
import threading
from dataclasses import dataclass

from django.contrib.staticfiles import finders
from django.db.models import Prefetch
from django.template.loader import render_to_string
from django.utils import timezone

from orders.fulfilment.models import MerchantSettings
from orders.models import Order, OrderLine
from orders.payments.models import Payment
from orders.payments.terms import balance_due
from orders.returns.models import CreditMemo, CreditMemoLine

KINDS = {"invoice": "Invoice", "packing_slip": "Packing slip"}  # an order's documents (a batch prints these)
TITLES = KINDS | {"credit_memo": "Credit memo"}
PAPERS = {"a4": "oms/paper-a4.css", "letter": "oms/paper-letter.css"}
BATCH_LIMIT = 200


@dataclass(frozen=True)
class Document:
    order: Order
    lines: list[OrderLine] | list[CreditMemoLine]
    payments: list[Payment]
    balance_due: object
    memo: CreditMemo | None = None  # a credit memo's document: its lines are the memo's


def documents_for(numbers: list[int]) -> list[Document]:
    """The orders ``numbers`` in that order, with their lines and payments: three queries, however many."""
    orders = Order.objects.select_related("customer__customer_type").prefetch_related(
        Prefetch("lines", queryset=OrderLine.objects.order_by("pk")),
        Prefetch("payments", queryset=Payment.objects.order_by("pk")))
    found = orders.in_bulk(numbers)
    return [Document(order, list(order.lines.all()), list(order.payments.all()), balance_due(order))
            for order in (found[number] for number in numbers if number in found)]


def credit_memo_documents(numbers: list[int]) -> list[Document]:
    """The credit memos ``numbers`` in that order, each with its order, customer, return and lines: two queries,
    however many lines."""
    memos = CreditMemo.objects.select_related("order__customer", "ret__reason").prefetch_related(
        Prefetch("lines", queryset=CreditMemoLine.objects.order_by("pk")))
    found = memos.in_bulk(numbers)
    return [Document(memo.order, list(memo.lines.all()), [], balance_due(memo.order), memo=memo)
            for memo in (found[number] for number in numbers if number in found)]


def document_html(*, kind: str, documents: list[Document], paper: str | None = None, pdf: bool = False,
                  links: bool = True, merchant: MerchantSettings | None = None) -> str:
    merchant = merchant or MerchantSettings.current()
    paper = paper if paper in PAPERS else merchant.paper
    context = {"kind": kind, "title": TITLES[kind], "documents": documents, "merchant": merchant, "paper": paper,
               "paper_css": PAPERS[paper], "pdf": pdf, "links": links and not pdf, "printed_on": timezone.localdate()}
    return render_to_string("orders/fulfilment/documents/document.html", context)


def document_pdf(*, kind: str, documents: list[Document], paper: str | None = None) -> bytes:
    """The same document as a PDF; the stylesheets are read from our static files, nothing from the network."""
    merchant = MerchantSettings.current()
    paper = paper if paper in PAPERS else merchant.paper
    return html_pdf(document_html(kind=kind, documents=documents, paper=paper, pdf=True, merchant=merchant), paper)


def html_pdf(html: str, paper: str) -> bytes:
    """A document's HTML (drawn for ``pdf``) as a PDF, with the documents' stylesheets for ``paper``."""
    from weasyprint import HTML  # imported on use: it loads Pango, which most requests never need

    stylesheets, font_config = _pdf_setup(paper)
    document = HTML(string=html, url_fetcher=document_url_fetcher())
    return document.write_pdf(stylesheets=stylesheets, font_config=font_config)


_renderers = threading.local()


def _pdf_setup(paper: str) -> tuple[list, object]:
    """This thread's parsed stylesheets for ``paper`` and its font configuration, made on its first PDF and reused:
    the stylesheets and fonts are the same for every document, so they are parsed and loaded once. Per thread,
    since Pango's font map is not to be shared between threads."""
    from weasyprint import CSS
    from weasyprint.text.fonts import FontConfiguration

    if not hasattr(_renderers, "font_config"):
        logging.getLogger("weasyprint.progress").setLevel(logging.WARNING)  # a line per step of every PDF otherwise
        _renderers.font_config, _renderers.stylesheets = FontConfiguration(), {}
    if paper not in _renderers.stylesheets:
        _renderers.stylesheets[paper] = [CSS(filename=finders.find(name), font_config=_renderers.font_config)
                                         for name in ("oms/documents.css", PAPERS[paper])]
    return _renderers.stylesheets[paper], _renderers.font_config


def document_url_fetcher():
    """WeasyPrint's own fetcher, allowed data: URLs only: the logo is one (an SVG logo's images too); a document
    fetches nothing else, no file and no address (what it refuses is left out of the PDF, with a warning)."""
    from weasyprint.urls import URLFetcher

    return URLFetcher(allowed_protocols={"data"}, allow_redirects=False)


def document_filename(kind: str, numbers: list[int]) -> str:
    label = kind.replace("_", "-")
    if kind == "credit_memo":
        return f"{label}-CM{numbers[0]}.pdf"
    return f"{label}-{numbers[0]}.pdf" if len(numbers) == 1 else f"{label}s-{len(numbers)}-orders.pdf"
