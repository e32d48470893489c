"""Invoice and Packing slip: print-ready pages and PDFs (their text read back with pypdf), and the batch PDF."""

import io
import socket
import threading
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone
from PIL import Image
from pypdf import PdfReader

from orders.fulfilment.admin import MerchantSettingsForm
from orders.fulfilment.documents import document_url_fetcher
from orders.fulfilment.models import MerchantSettings
from orders.payments.services import payment_record
from tests.factories import OrderFactory, ProductFactory, customer_with_address
from tests.helpers import ADDRESS

pytestmark = pytest.mark.django_db


@pytest.fixture
def merchant(db):
    return MerchantSettings.objects.create(name="Harbor Supply Co.", address="12 Quay Road\nPortland, OR 97201",
                                           tax_number="US-99-1234567", invoice_footer="Pay by check to Harbor Supply.")


@pytest.fixture
def order(checkout_setup):
    customer = customer_with_address(first_name="Zoë", last_name="Łukasiewicz-Øster", payment_terms_days=30)
    lamp = ProductFactory(sku="LMP-004", name="Desk lamp, blue", price=Decimal("12.50"))
    address = ADDRESS | {"name": "Zoë Łukasiewicz-Øster", "city": "Kraków", "country": "PL", "region": ""}
    order = OrderFactory(customer=customer, lines=[(lamp, 2)], shipping=checkout_setup[0],
                         billing_address=address, shipping_address=address)
    payment_record(order=order, amount=Decimal("10.00"), method="check", reference="Check 1042",
                   received_on=timezone.localdate())
    return order


def pdf_text(response) -> tuple[str, int]:
    assert response["Content-Type"] == "application/pdf"
    reader = PdfReader(io.BytesIO(response.content))
    text = " ".join(" ".join(page.extract_text() for page in reader.pages).split())
    return text.replace("- ", "-"), len(reader.pages)  # a name may wrap after its hyphen


def test_the_invoice_pdf_has_the_merchant_customer_lines_payments_and_balance(staff_client, merchant, order):
    text, pages = pdf_text(staff_client.get(reverse("orders:invoice_pdf", args=[order.number])))
    assert pages == 1 and "bill to zoë łukasiewicz-øster" in text.lower()
    for expected in ["Harbor Supply Co.", "Invoice", f"#{order.number}", "Zoë Łukasiewicz-Øster", "LMP-004",
                     "Desk lamp, blue", "$12.50", "$25.00", "Net 30 days", "Check 1042", "Balance due",
                     "US-99-1234567", "Pay by check to Harbor Supply."]:
        assert expected in text, expected
    balance = order.total - Decimal("10.00")
    assert f"${balance}" in text


def test_the_packing_slip_pdf_has_quantities_and_no_prices(staff_client, merchant, order):
    text, _ = pdf_text(staff_client.get(reverse("orders:packing_slip_pdf", args=[order.number])))
    assert "Packing slip" in text and "ship to zoë łukasiewicz-øster" in text.lower() and "Kraków" in text
    assert "LMP-004" in text
    assert "$" not in text


def test_a_50_line_invoice_runs_over_several_pages_with_every_line(staff_client, merchant, checkout_setup):
    products = [ProductFactory(sku=f"BULK-{n:03d}", name=f"Bulk part number {n} with a long descriptive name")
                for n in range(50)]
    order = OrderFactory(lines=[(product, 1) for product in products], shipping=checkout_setup[0])
    text, pages = pdf_text(staff_client.get(reverse("orders:invoice_pdf", args=[order.number])))
    assert pages >= 2
    assert all(f"BULK-{n:03d}" in text for n in range(50))
    assert f"Page {pages} of {pages}" in text


def test_the_print_page_uses_print_css_for_the_paper_chosen(staff_client, merchant, order):
    page = staff_client.get(reverse("orders:invoice", args=[order.number])).content.decode()
    assert "oms/documents.css" in page and "oms/paper-a4.css" in page and "Zoë Łukasiewicz-Øster" in page
    letter = staff_client.get(reverse("orders:invoice", args=[order.number]), {"paper": "letter"}).content.decode()
    assert "oms/paper-letter.css" in letter
    for paper, size in [("letter", (612, 792)), ("a4", (595, 842)), ("letter", (612, 792))]:  # points
        pdf = staff_client.get(reverse("orders:invoice_pdf", args=[order.number]), {"paper": paper})
        width, height = PdfReader(io.BytesIO(pdf.content)).pages[0].mediabox.upper_right
        assert (round(float(width)), round(float(height))) == size  # each paper's stylesheets, kept for the next


def test_the_merchant_details_come_from_the_settings(staff_client, order):
    text, _ = pdf_text(staff_client.get(reverse("orders:invoice_pdf", args=[order.number])))
    assert "Our company" in text  # nothing set yet: the default
    MerchantSettings.objects.create(name="Renamed Ltd")
    text, _ = pdf_text(staff_client.get(reverse("orders:invoice_pdf", args=[order.number])))
    assert "Renamed Ltd" in text


def test_the_batch_gives_one_pdf_of_the_selected_orders(staff_client, merchant, order, checkout_setup):
    other = OrderFactory(customer=customer_with_address(last_name="Second"), shipping=checkout_setup[0])
    response = staff_client.post(reverse("orders:documents_batch"),
                                 {"kind": "packing_slip", "order": [str(order.number), str(other.number), "²", "x"]})
    text, pages = pdf_text(response)
    assert pages == 2 and "Łukasiewicz-Øster" in text and "Second" in text


@pytest.mark.parametrize("data", [{"kind": "invoice"}, {"kind": "bogus", "order": "1"},
                                  {"kind": "invoice", "order": ["\x00", "9" * 10_000]}])
def test_a_batch_with_nothing_to_print_says_so(staff_client, data):
    response = staff_client.post(reverse("orders:documents_batch"), data, follow=True)
    assert response.status_code == 200
    assert response.redirect_chain[-1][0] == reverse("orders:list")
    assert any(word in response.content.decode() for word in ("Tick the orders", "Choose Packing slips",
                                                               "None of those"))


def test_the_order_page_links_its_documents(staff_client, order):
    page = staff_client.get(order.get_absolute_url()).content.decode()
    assert reverse("orders:invoice", args=[order.number]) in page
    assert reverse("orders:packing_slip", args=[order.number]) in page


def logo_upload(content_type: str) -> SimpleUploadedFile:
    if content_type == "image/svg+xml":
        return SimpleUploadedFile("logo.svg", SVG_LOGO.format(href="data:,").encode(), content_type)
    buffer = io.BytesIO()
    Image.new("RGB", (8, 8), "navy").save(buffer, format=content_type.split("/")[1].upper())
    return SimpleUploadedFile("logo", buffer.getvalue(), content_type)


SVG_LOGO = ('<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" width="40" '
            'height="20"><rect width="40" height="20" fill="navy"/><image href="{href}" xlink:href="{href}" '
            'width="10" height="10"/></svg>')


def merchant_with_logo(upload) -> MerchantSettings:
    form = MerchantSettingsForm({"name": "Harbor Supply Co.", "paper": "a4"}, {"logo_file": upload})
    assert form.is_valid(), form.errors
    return form.save()


def documents_of(staff_client, order) -> dict:
    return {
        "invoice": staff_client.get(reverse("orders:invoice_pdf", args=[order.number])),
        "packing slip": staff_client.get(reverse("orders:packing_slip_pdf", args=[order.number])),
        "batch": staff_client.post(reverse("orders:documents_batch"),
                                   {"kind": "invoice", "order": [str(order.number)]}),
    }


@pytest.mark.parametrize("content_type", ["image/png", "image/jpeg", "image/svg+xml"])
def test_every_document_prints_with_a_logo_of_each_kind(staff_client, order, content_type):
    merchant_with_logo(logo_upload(content_type))

    for name, response in documents_of(staff_client, order).items():
        assert response.status_code == 200, name
        text, _ = pdf_text(response)
        assert "Harbor Supply Co." in text, name
        if content_type != "image/svg+xml":  # a raster logo is an image in the PDF; an SVG one is drawn
            assert len(PdfReader(io.BytesIO(response.content)).pages[0].images) == 1, name


@pytest.fixture
def listener():
    """A local HTTP address that records every connection made to it."""
    connections = []
    server = socket.create_server(("127.0.0.1", 0))
    server.settimeout(0.1)
    stop = threading.Event()

    def accept():
        while not stop.is_set():
            try:
                connection, _ = server.accept()
            except TimeoutError:
                continue
            connections.append(connection.recv(1024))
            connection.close()

    thread = threading.Thread(target=accept, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.getsockname()[1]}/logo.png", connections
    stop.set()
    thread.join()
    server.close()


@pytest.mark.parametrize("target", ["local", "file:///etc/passwd", "file:///etc/hostname"])
def test_a_logo_that_refers_to_a_local_address_or_file_fetches_nothing(staff_client, order, listener, target):
    address, connections = listener
    href = address if target == "local" else target
    upload = SimpleUploadedFile("logo.svg", SVG_LOGO.format(href=href).encode(), "image/svg+xml")
    merchant_with_logo(upload)

    for name, response in documents_of(staff_client, order).items():
        assert response.status_code == 200, name
        assert b"root:" not in response.content
    assert connections == []


@pytest.mark.parametrize("url", ["file:///etc/passwd", "http://127.0.0.1:1/", "https://example.com/logo.png",
                                 "ftp://127.0.0.1/logo.png"])
def test_the_document_fetcher_refuses_everything_but_data_urls(url):
    fetcher = document_url_fetcher()
    with pytest.raises(ValueError, match="disallowed protocol"):
        fetcher.fetch(url)
    assert fetcher.fetch("data:text/plain,hello").read() == b"hello"
