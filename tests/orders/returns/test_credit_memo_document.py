"""Credit memo: a print-ready page and a PDF like the Invoice (its text read back with pypdf), numbered CM<number>,
with the merchant's details, the order and customer, the lines credited and their figures."""

import io
from decimal import Decimal

import pytest
from django.urls import reverse
from pypdf import PdfReader

from oms.accounts.roles import ORDER_ENTRY
from orders.fulfilment.models import MerchantSettings
from orders.returns.models import ReturnReason
from orders.returns.services import credit_memo_issue
from tests.factories import OrderFactory, ProductFactory, UserFactory, customer_with_address
from tests.helpers import return_goods, ship_everything

pytestmark = pytest.mark.django_db


@pytest.fixture
def merchant(db):
    return MerchantSettings.objects.create(name="Harbor Supply Co.", address="12 Quay Road\nPortland, OR 97201",
                                           tax_number="US-99-1234567")


@pytest.fixture
def order(checkout_setup):
    customer = customer_with_address(first_name="Zoë", last_name="Łukasiewicz-Øster")
    lamp = ProductFactory(sku="LMP-004", name="Desk lamp, blue", price=Decimal("12.50"))
    shade = ProductFactory(sku="SHD-001", name="Lamp shade", price=Decimal("4.00"))
    return ship_everything(OrderFactory(customer=customer, lines=[(lamp, 5), (shade, 1)], shipping=checkout_setup[0],
                                        discount="10%", discount_reason="Loyal customer"))


@pytest.fixture
def memo(order):
    reason = ReturnReason.objects.create(name="Wrong colour")
    _, memos = return_goods(order, {"LMP-004": 2}, refund_shipping=True, reason=reason)
    return memos[0]


def pdf_text(response) -> str:
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
    reader = PdfReader(io.BytesIO(response.content))
    return " ".join(" ".join(page.extract_text() for page in reader.pages).split()).replace("- ", "-")


def test_the_credit_memo_page_shows_its_number_merchant_order_lines_and_figures(staff_client, merchant, order,
                                                                                memo):
    response = staff_client.get(reverse("orders:credit_memo", args=[memo.number]))

    assert response.status_code == 200
    page = " ".join(response.content.decode().split())
    assert "<h1>Credit memo</h1>" in page and f"CM{memo.number}" in page
    assert memo.discount > 0 and memo.shipping == order.shipping and memo.tax > 0  # the figures worth showing
    for expected in ["Harbor Supply Co.", "US-99-1234567", f"#{order.number}", "Zoë Łukasiewicz-Øster",
                     "LMP-004", "Desk lamp, blue", "$12.50", "$25.00", f"-${memo.discount}", f"${memo.shipping}",
                     f"${memo.tax}", f"${memo.total}", "Wrong colour", f"R{memo.ret_id}"]:
        assert expected in page, expected
    assert "SHD-001" not in page  # only the lines that came back
    assert reverse("orders:credit_memo_pdf", args=[memo.number]) in page


def test_the_credit_memo_pdf_is_a_pdf_with_its_number_and_total(staff_client, merchant, memo):
    text = pdf_text(staff_client.get(reverse("orders:credit_memo_pdf", args=[memo.number])))

    for expected in [f"CM{memo.number}", f"${memo.total}", "Harbor Supply Co.", "LMP-004", "Credit memo"]:
        assert expected in text, expected


def test_the_pdf_follows_the_paper_chosen(staff_client, memo):
    for paper, size in [("letter", (612, 792)), ("a4", (595, 842))]:  # points
        pdf = staff_client.get(reverse("orders:credit_memo_pdf", args=[memo.number]), {"paper": paper})
        width, height = PdfReader(io.BytesIO(pdf.content)).pages[0].mediabox.upper_right
        assert (round(float(width)), round(float(height))) == size
    assert 'filename="credit-memo-CM' in pdf["Content-Disposition"]


def test_a_goodwill_credit_memo_has_its_reason_and_no_lines(staff_client, merchant, order):
    memo = credit_memo_issue(order=order, amount=Decimal("7.25"), reason="Delivered a day late")

    page = staff_client.get(reverse("orders:credit_memo", args=[memo.number])).content.decode()
    text = pdf_text(staff_client.get(reverse("orders:credit_memo_pdf", args=[memo.number])))

    assert "Delivered a day late" in page and "$7.25" in page and "A credit without returned goods" in page
    assert "<table class=\"lines\">" not in page and "LMP-004" not in page
    assert f"CM{memo.number}" in text and "$7.25" in text and "Delivered a day late" in text


def test_an_unknown_credit_memo_is_not_found(staff_client, db):
    assert staff_client.get(reverse("orders:credit_memo", args=[999_999])).status_code == 404
    assert staff_client.get(reverse("orders:credit_memo_pdf", args=[999_999])).status_code == 404


def test_staff_who_see_orders_see_credit_memos_and_others_do_not(client, memo):
    client.force_login(UserFactory(role=ORDER_ENTRY))
    assert client.get(reverse("orders:credit_memo", args=[memo.number])).status_code == 200
    client.force_login(UserFactory(username="nobody", role=""))
    assert client.get(reverse("orders:credit_memo", args=[memo.number])).status_code == 403


def test_the_credit_memo_reads_as_many_queries_for_many_lines_as_for_one(staff_client, checkout_setup):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def queries_for(line_count: int) -> int:
        products = [ProductFactory() for _ in range(line_count)]
        order = ship_everything(OrderFactory(lines=[(product, 2) for product in products],
                                             shipping=checkout_setup[0]))
        _, memos = return_goods(order, {product.sku: 1 for product in products})
        with CaptureQueriesContext(connection) as captured:
            assert staff_client.get(reverse("orders:credit_memo", args=[memos[0].number])).status_code == 200
        return len(captured)

    assert queries_for(1) == queries_for(30)


def test_a_memo_capped_by_earlier_credit_says_what_was_credited_before(staff_client, merchant, order):
    """A goodwill credit took most of the order: a return of everything credits only what is left, and its memo
    shows the figures adding up to that."""
    credit_memo_issue(order=order, amount=order.total - Decimal("10.00"), reason="Late delivery")
    _, [memo] = return_goods(order, {"LMP-004": 5, "SHD-001": 1}, refund_shipping=True)

    assert memo.total == Decimal("10.00")
    assert memo.subtotal - memo.discount + memo.shipping + memo.tax - memo.credited_before == memo.total
    page = " ".join(staff_client.get(reverse("orders:credit_memo", args=[memo.number])).content.decode().split())
    assert f"Less what earlier credit memos credited</th><td class=\"num\">-${memo.credited_before}" in page
