"""A quote as a document: the same print-ready HTML and PDF machinery as the invoice (orders.fulfilment.documents),
one version of one quote."""

from django.template.loader import render_to_string
from django.utils import timezone

from orders.fulfilment.documents import PAPERS, html_pdf
from orders.fulfilment.models import MerchantSettings
from orders.quotes.models import Quote, QuoteVersion


def quote_html(quote: Quote, version: QuoteVersion, *, paper: str | None = None, pdf: bool = False) -> str:
    merchant = MerchantSettings.current()
    paper = paper if paper in PAPERS else merchant.paper
    context = {"quote": quote, "version": version, "merchant": merchant, "paper": paper,
               "paper_css": PAPERS[paper], "pdf": pdf, "printed_on": timezone.localdate(),
               "address": _address(quote)}
    return render_to_string("orders/quotes/quote_document.html", context)


def quote_pdf(quote: Quote, version: QuoteVersion, *, paper: str | None = None) -> bytes:
    paper = paper if paper in PAPERS else MerchantSettings.current().paper
    return html_pdf(quote_html(quote, version, paper=paper, pdf=True), paper)


def quote_filename(quote: Quote, version: QuoteVersion) -> str:
    return f"quote-{quote}-v{version.number}.pdf"


def _address(quote: Quote) -> dict | None:
    customer = quote.customer
    address = customer.default_billing_address or customer.default_shipping_address
    return address.as_snapshot() if address else None
