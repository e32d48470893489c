"""Quotes through the pages: Save as quote from the cart, reserving stock, revising, converting at the quoted
prices (or today's, once expired), withdrawing, sending with a PDF, and the quotes list."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from catalog.models import Product, StockReservation
from oms.accounts.roles import MANAGER, ORDER_ENTRY
from orders.models import Order, OrderEvent, Quote, QuoteEvent
from tests.factories import ProductFactory, customer_with_address
from tests.helpers import add, checkout_form, logged_in, start_cart

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate


@pytest.fixture
def customer(db):
    return customer_with_address(first_name="Dana", last_name="Quoted", company="Trade Co", email="dana@example.com")


@pytest.fixture
def lamp(db):
    return ProductFactory(sku="LAMP-1", name="Desk lamp", price=Decimal("40.00"), stock=300)


@pytest.fixture
def entry():
    return logged_in(ORDER_ENTRY, "entry")


def save_quote(client, customer, lines, *, reserve=False, valid_until=None, expect=302):
    cart_id = start_cart(client, customer)
    for sku, quantity in lines:
        assert add(client, cart_id, sku, quantity).status_code == 302
    data = {"quote-valid_until": (valid_until or TODAY() + timedelta(days=14)).isoformat(),
            "token": client.session["carts"][cart_id]["token"]}
    if reserve:
        data["quote-reserve_stock"] = "on"
    response = client.post(reverse("orders:cart_save_quote", args=[cart_id]), data)
    assert response.status_code == expect, response.content.decode()[:3000]
    return cart_id, response


def place_from(client, cart_id, **changes):
    return client.post(reverse("orders:checkout", args=[cart_id]), checkout_form(client, cart_id, **changes))


def test_save_as_quote_keeps_the_lines_and_prices_empties_the_cart_and_any_colleague_sees_it(
        entry, customer, lamp, checkout_setup):
    client, clerk = entry
    cart_id, response = save_quote(client, customer, [("LAMP-1", 300)])

    quote = Quote.objects.get()
    assert response.url == reverse("orders:quote", args=[quote.number])
    assert cart_id not in client.session.get("carts", {})
    assert (quote.customer, quote.status, quote.version, quote.total) == (customer, "open", 1,
                                                                        Decimal("12960.00"))  # 12,000 + 8% tax
    version = quote.versions.get()
    assert version.lines[0] | {"product_id": None} == {
        "product_id": None, "sku": "LAMP-1", "name": "Desk lamp", "quantity": 300, "list_price": "40.00",
        "unit_price": "40.00", "reason": "", "line_total": "12000.00", "taxable": True}
    assert (version.tax, version.tax_jurisdiction) == (Decimal("960.00"), "Sales tax")
    assert quote.events.get().kind == QuoteEvent.Kind.CREATED

    colleague, _ = logged_in(MANAGER, "colleague")
    page = colleague.get(reverse("orders:quote", args=[quote.number])).content.decode()
    assert f"Quote Q{quote.number}" in page and "Desk lamp" in page and "Dana Quoted" in page


def test_a_second_submit_of_save_as_quote_makes_no_second_quote(entry, customer, lamp, checkout_setup):
    client, _ = entry
    cart_id = start_cart(client, customer)
    add(client, cart_id, "LAMP-1", 2)
    data = {"quote-valid_until": (TODAY() + timedelta(days=3)).isoformat(),
            "token": client.session["carts"][cart_id]["token"]}
    first = client.post(reverse("orders:cart_save_quote", args=[cart_id]), data)
    second = client.post(reverse("orders:cart_save_quote", args=[cart_id]), data)

    assert Quote.objects.count() == 1
    assert second.url == first.url


@pytest.mark.parametrize(("valid_until", "message"), [
    ("2001-01-01", "Choose today or a later day."),
    ("²", "Enter a date such as 2026-11-27."),
    ("x" * 10_000, "Enter a date such as 2026-11-27."),
])
def test_a_bad_valid_until_is_refused_beside_the_field_and_the_cart_is_kept(entry, customer, lamp, valid_until,
                                                                            message):
    client, _ = entry
    cart_id = start_cart(client, customer)
    add(client, cart_id, "LAMP-1", 2)
    response = client.post(reverse("orders:cart_save_quote", args=[cart_id]),
                           {"quote-valid_until": valid_until, "quote-reserve_stock": "on"})

    assert response.status_code == 400
    assert message in response.content.decode()
    assert Quote.objects.count() == 0
    assert client.session["carts"][cart_id]["lines"]


def test_reserved_units_are_refused_to_another_clerks_cart_until_the_reservation_ends_by_itself(
        entry, customer, lamp, checkout_setup):
    client, _ = entry
    save_quote(client, customer, [("LAMP-1", 280)], reserve=True)
    quote = Quote.objects.get()
    assert StockReservation.objects.get().quantity == 280
    assert Product.objects.with_reserved().get(pk=lamp.pk).free_stock == 20

    other, _ = logged_in(ORDER_ENTRY, "other")
    cart_id = start_cart(other, customer_with_address(email="sam@example.com"))
    add(other, cart_id, "LAMP-1", 25)
    page = other.get(reverse("orders:cart", args=[cart_id])).content.decode()
    assert "25 ordered, only 20 in stock (280 more reserved by quotes)." in page
    response = place_from(other, cart_id)
    assert response.status_code == 200 and not Order.objects.exists()

    # no job runs: the reservation's time passes and the units are free
    StockReservation.objects.filter(holder=quote.holder).update(until=timezone.now() - timedelta(seconds=1))
    assert place_from(other, cart_id).status_code == 302
    assert Order.objects.get().lines.get().quantity == 25


def test_free_stock_is_never_negative_when_stock_falls_below_what_is_reserved(lamp):
    StockReservation.objects.create(product=lamp, quantity=250, until=timezone.now() + timedelta(days=1), holder="Q1")
    Product.objects.filter(pk=lamp.pk).update(stock=100)  # counted down by hand

    product = Product.objects.with_reserved().get(pk=lamp.pk)
    assert (product.reserved, product.free_stock, product.available(1)) == (250, 0, False)


def test_reserving_more_than_is_free_is_refused_and_saves_nothing(entry, customer, lamp):
    StockReservation.objects.create(product=lamp, quantity=250, until=timezone.now() + timedelta(days=1), holder="Q9")
    client, _ = entry
    cart_id, response = save_quote(client, customer, [("LAMP-1", 60)], reserve=True, expect=400)

    assert "LAMP-1: only 50 free to reserve, 60 quoted." in response.content.decode()
    assert not Quote.objects.exists() and StockReservation.objects.count() == 1
    assert client.session["carts"][cart_id]["lines"]


def test_converting_inside_validity_keeps_the_quoted_prices_and_uses_the_reserved_stock(
        entry, customer, lamp, checkout_setup):
    client, clerk = entry
    save_quote(client, customer, [("LAMP-1", 300)], reserve=True)
    quote = Quote.objects.get()
    Product.objects.filter(pk=lamp.pk).update(price=Decimal("45.00"))  # the list price moved since

    response = client.post(reverse("orders:quote_convert", args=[quote.number]))
    cart_id = response.url.split("/cart/")[1].split("/")[0]
    assert response.url == reverse("orders:checkout", args=[cart_id])
    assert f"Converting <a href=\"{quote.get_absolute_url()}\">quote {quote}</a>" in client.get(
        response.url).content.decode()
    placed = place_from(client, cart_id)

    assert placed.status_code == 302, placed.content.decode()[:2000]
    order = Order.objects.get()
    line = order.lines.get()
    assert (line.quantity, line.unit_price) == (300, Decimal("40.00"))
    assert line.price_reason == f"Override: Quoted in {quote}"
    assert order.total == Decimal("12965.00")  # 12,000 + 5 shipping + 8% of the items
    quote.refresh_from_db()
    assert (quote.status, quote.order) == ("converted", order)
    assert not StockReservation.objects.exists()
    assert Product.objects.get(pk=lamp.pk).stock == 0
    placed_event = order.events.get(kind=OrderEvent.Kind.PLACED)
    assert placed_event.data["quote"] == quote.number
    page = client.get(order.get_absolute_url()).content.decode()
    assert f'href="{reverse("orders:quote", args=[quote.number])}"' in page


def test_a_manager_s_override_and_discount_stand_for_a_clerk_who_may_not_change_prices(
        customer, lamp, checkout_setup, entry):
    manager, boss = logged_in(MANAGER, "boss")
    cart_id = start_cart(manager, customer)
    add(manager, cart_id, "LAMP-1", 10)
    manager.post(reverse("orders:cart_price", args=[cart_id]) + f"?line={lamp.pk}",
                 {"price": "35.00", "reason": "Trade price"})
    manager.post(reverse("orders:cart_discount", args=[cart_id]),
                 {"discount-discount": "10%", "discount-reason": "Volume"})
    manager.post(reverse("orders:cart_save_quote", args=[cart_id]),
                 {"quote-valid_until": (TODAY() + timedelta(days=5)).isoformat()})
    quote = Quote.objects.get()
    assert quote.versions.get().lines[0]["unit_price"] == "35.00"

    client, clerk = entry
    assert not clerk.has_perm("orders.change_price")
    response = client.post(reverse("orders:quote_convert", args=[quote.number]))
    cart_id = response.url.split("/cart/")[1].split("/")[0]
    assert place_from(client, cart_id).status_code == 302
    order = Order.objects.get()
    line = order.lines.get()
    assert (line.unit_price, line.price_approved_by) == (Decimal("35.00"), boss)
    assert line.price_reason == "Override: Trade price"
    assert (order.discount, order.discount_reason) == (Decimal("35.00"), "Volume")


def test_after_validity_today_s_prices_apply_and_the_review_shows_the_change(entry, customer, lamp, checkout_setup,
                                                                             tax):
    client, _ = entry
    save_quote(client, customer, [("LAMP-1", 10)], reserve=True)
    quote = Quote.objects.get()
    Quote.objects.filter(pk=quote.pk).update(valid_until=TODAY() - timedelta(days=1))
    StockReservation.objects.update(until=timezone.now() - timedelta(seconds=1))
    Product.objects.filter(pk=lamp.pk).update(price=Decimal("45.00"))
    tax.rate = Decimal("10.000")
    tax.save()

    assert client.get(reverse("orders:quotes") + "?status=expired").context["page"].object_list == [quote]
    response = client.post(reverse("orders:quote_convert", args=[quote.number]), follow=True)
    page = response.content.decode()
    assert "expired on" in page and "today&#x27;s prices and stock apply" in page
    assert "LAMP-1 was $40.00, now $45.00" in page  # each difference, before Submit order
    cart_id = response.redirect_chain[-1][0].split("/cart/")[1].split("/")[0]
    assert place_from(client, cart_id).status_code == 302
    order = Order.objects.get()
    assert order.lines.get().unit_price == Decimal("45.00")
    assert order.total == Decimal("500.00")  # 450 + 5 shipping + 10% of 450


def test_a_double_clicked_convert_to_order_places_one_order(entry, customer, lamp, checkout_setup):
    client, _ = entry
    save_quote(client, customer, [("LAMP-1", 3)])
    quote = Quote.objects.get()

    first = client.post(reverse("orders:quote_convert", args=[quote.number]))
    second = client.post(reverse("orders:quote_convert", args=[quote.number]))
    assert first.url == second.url
    cart_id = first.url.split("/cart/")[1].split("/")[0]
    form = checkout_form(client, cart_id)
    client.post(reverse("orders:checkout", args=[cart_id]), form)
    again = client.post(reverse("orders:checkout", args=[cart_id]), form)

    assert Order.objects.count() == 1
    assert again.url == Order.objects.get().get_absolute_url()
    # and from another session, converting it again goes to the order
    colleague, _ = logged_in(ORDER_ENTRY, "colleague")
    assert colleague.post(reverse("orders:quote_convert", args=[quote.number])).url == Order.objects.get(
        ).get_absolute_url()


def test_revising_saves_a_new_version_and_the_reservation_follows_the_new_quantities(
        entry, customer, lamp, checkout_setup):
    client, _ = entry
    save_quote(client, customer, [("LAMP-1", 100)], reserve=True)
    quote = Quote.objects.get()
    response = client.post(reverse("orders:quote_revise", args=[quote.number]))
    edit_id = response.url.rstrip("/").split("/")[-1]
    assert client.get(response.url).status_code == 200
    client.post(reverse("orders:quote_edit_line", args=[quote.number, edit_id]), {"line": lamp.pk, "quantity": 250})
    saved = client.post(reverse("orders:quote_edit_save", args=[quote.number, edit_id]),
                        {"quote-valid_until": (TODAY() + timedelta(days=20)).isoformat(),
                         "quote-reserve_stock": "on"})

    assert saved.status_code == 302, saved.content.decode()[:2000]
    quote.refresh_from_db()
    assert quote.version == 2 and quote.versions.count() == 2
    assert list(StockReservation.objects.values_list("quantity", flat=True)) == [250]
    assert quote.valid_until == TODAY() + timedelta(days=20)
    page = client.get(reverse("orders:quote", args=[quote.number]) + "?version=1").content.decode()
    assert "(an older one: the newest is 2)" in page


def test_withdrawing_needs_a_reason_and_frees_the_reserved_stock(entry, customer, lamp):
    client, _ = entry
    save_quote(client, customer, [("LAMP-1", 100)], reserve=True)
    quote = Quote.objects.get()
    url = reverse("orders:quote_withdraw", args=[quote.number])

    refused = client.post(url, {"reason": ""})
    assert refused.status_code == 400 and "This field is required." in refused.content.decode()
    assert client.post(url, {"reason": "Customer ordered elsewhere"}).status_code == 302

    quote.refresh_from_db()
    assert (quote.state, quote.withdrawn_reason) == ("withdrawn", "Customer ordered elsewhere")
    assert not StockReservation.objects.exists()
    assert client.post(reverse("orders:quote_convert", args=[quote.number])).url == quote.get_absolute_url()
    assert not Order.objects.exists()


def test_send_quote_emails_the_customer_a_pdf_and_says_so_on_the_timeline(entry, customer, lamp,
                                                                          django_capture_on_commit_callbacks):
    client, _ = entry
    save_quote(client, customer, [("LAMP-1", 5)])
    quote = Quote.objects.get()

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("orders:quote_send", args=[quote.number]))
    assert response.status_code == 302

    message = mail.outbox[-1]
    assert message.to == ["dana@example.com"]
    assert message.subject == f"Your quote {quote}"
    (name, content, mimetype), = message.attachments
    assert (name, mimetype) == (f"quote-{quote}-v1.pdf", "application/pdf")
    assert content.startswith(b"%PDF")
    quote.refresh_from_db()
    assert quote.state == "sent"
    sent = quote.events.get(kind=QuoteEvent.Kind.SENT)
    assert sent.data["to"] == "dana@example.com"
    page = client.get(quote.get_absolute_url()).content.decode()
    assert "emailed to dana@example.com" in page


def test_the_quotes_list_finds_by_customer_and_status(entry, customer, lamp):
    client, _ = entry
    save_quote(client, customer, [("LAMP-1", 1)])
    other = customer_with_address(last_name="Elsewhere", email="e@example.com")
    save_quote(client, other, [("LAMP-1", 2)])
    mine, theirs = Quote.objects.order_by("number")

    def listed(query: str) -> list:
        response = client.get(reverse("orders:quotes") + query)
        assert response.status_code == 200
        return response.context["page"].object_list

    assert listed("") == [theirs, mine]
    assert listed("?q=Quoted") == [mine]
    assert listed("?q=Trade") == [mine]
    assert listed(f"?q=Q{theirs.number}") == [theirs]
    assert listed("?status=open") == [theirs, mine]
    assert listed("?status=expired") == []
    refused = client.get(reverse("orders:quotes") + "?status=bogus")
    assert refused.status_code == 400 and "Choose one of the options in the list." in refused.content.decode()


def test_the_admin_lists_quotes_read_only(admin_client, entry, customer, lamp):
    client, _ = entry
    save_quote(client, customer, [("LAMP-1", 1)])
    quote = Quote.objects.get()

    listed = admin_client.get(reverse("admin:orders_quote_changelist") + f"?q=Q{quote.number}")
    assert listed.status_code == 200 and list(listed.context["cl"].result_list) == [quote]
    assert admin_client.get(reverse("admin:orders_quote_add")).status_code == 403
    shown = admin_client.get(reverse("admin:orders_quote_change", args=[quote.number]))
    assert shown.status_code == 200 and not shown.context["has_change_permission"]


def test_a_withdrawn_or_converted_quote_offers_no_actions_and_a_forged_one_changes_nothing(entry, customer, lamp):
    client, _ = entry
    save_quote(client, customer, [("LAMP-1", 1)])
    quote = Quote.objects.get()
    client.post(reverse("orders:quote_withdraw", args=[quote.number]), {"reason": "No"})

    page = client.get(quote.get_absolute_url()).content.decode()
    for control in ("Send quote", "Convert to order", "Revise quote", "Withdraw quote"):
        assert control not in page
    assert "Quote PDF" in page
    client.post(reverse("orders:quote_send", args=[quote.number]))
    client.post(reverse("orders:quote_revise", args=[quote.number]))
    assert not mail.outbox
    assert quote.events.count() == 2  # saved, withdrawn


def test_the_customer_record_lists_their_quotes(entry, customer, lamp):
    client, _ = entry
    save_quote(client, customer, [("LAMP-1", 1)])
    quote = Quote.objects.get()

    page = client.get(customer.get_absolute_url()).content.decode()
    assert f'<a href="{quote.get_absolute_url()}">Q{quote.number}</a>' in page
    other = customer_with_address(last_name="Without", email="w@example.com")
    assert 'id="quotes-heading"' not in client.get(other.get_absolute_url()).content.decode()
