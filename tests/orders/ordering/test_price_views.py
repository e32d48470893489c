"""The ordering screens that bend prices: Change price, Discount, Add custom item, price levels after Attach, tax
by destination at checkout; who may use them, and what bad input gets."""

from decimal import Decimal

import pytest
from django.core import mail
from django.urls import reverse

from customers.models import CustomerType, TypePrice
from oms.accounts.roles import ADMINISTRATOR, MANAGER, ORDER_ENTRY
from orders.events import describe
from orders.models import Order
from orders.ordering.stores import Cart
from orders.pricing.models import TaxRate
from tests.factories import OrderFactory, ProductFactory, customer_with_address
from tests.helpers import add, cart_price_url, checkout_form, edit_price_url, logged_in, start_cart, submitted_data

pytestmark = pytest.mark.django_db
D = Decimal


@pytest.fixture
def manager():
    return logged_in(MANAGER, "manager")


@pytest.fixture
def clerk():
    return logged_in(ORDER_ENTRY, "clerk")


def cart_with(client, sku="PR-1", price="10.00", customer=None, quantity=2):
    product = ProductFactory(sku=sku, price=D(price))
    cart_id = start_cart(client, customer or customer_with_address())
    add(client, cart_id, sku, quantity)
    return cart_id, product


def stored(client, cart_id) -> Cart:
    return Cart.get(client.session, cart_id)


def test_a_manager_changes_a_price_with_a_reason_and_it_shows_everywhere(manager, checkout_setup, admin_client):
    client, user = manager
    cart_id, product = cart_with(client, sku="OVR-1")
    cart_url = reverse("orders:cart", args=[cart_id])
    assert "Change price" in client.get(cart_url).content.decode()
    price_url = cart_price_url(cart_id, product.pk)
    form_page = client.get(price_url)
    assert form_page.status_code == 200 and "New unit price" in form_page.content.decode()
    response = client.post(price_url, {"price": "7.50", "reason": "Price match"})
    assert response.status_code == 302
    cart_page = client.get(cart_url).content.decode()
    assert "$7.50" in cart_page and "List $10.00: Override: Price match" in cart_page
    review = client.get(reverse("orders:checkout", args=[cart_id])).content.decode()
    assert "List $10.00: Override: Price match" in review
    data = checkout_form(client, cart_id, send_confirmation="on")
    placed = client.post(reverse("orders:checkout", args=[cart_id]), data)
    order = Order.objects.get()
    assert placed.url == order.get_absolute_url()
    line = order.lines.get()
    assert (line.unit_price, line.price_reason, line.price_approved_by) == (D("7.50"), "Override: Price match", user)
    assert "Override: Price match" in client.get(order.get_absolute_url()).content.decode()
    assert "Override: Price match" in client.get(reverse("orders:invoice", args=[order.number])).content.decode()
    admin_page = admin_client.get(reverse("admin:orders_order_change", args=[order.number])).content.decode()
    assert "Override: Price match" in admin_page


def test_the_confirmation_email_shows_the_override_discount_and_exemption(manager, checkout_setup,
                                                                          django_capture_on_commit_callbacks):
    client, _ = manager
    customer = customer_with_address(tax_exempt=True, tax_exemption_number="EX-777")
    cart_id, product = cart_with(client, sku="EML-1", customer=customer)
    client.post(cart_price_url(cart_id, product.pk), {"price": "9.00", "reason": "Volume deal"})
    client.post(reverse("orders:cart_discount", args=[cart_id]),
                {"discount-discount": "5.00", "discount-reason": "Loyal customer"})
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("orders:checkout", args=[cart_id]), checkout_form(client, cart_id, send_confirmation="on"))
    order = Order.objects.get()
    assert (order.discount, order.tax, order.tax_exemption_number) == (D("5.00"), D("0.00"), "EX-777")
    page = client.get(order.get_absolute_url()).content.decode()
    assert "EX-777" in page and "Loyal customer" in page
    [message] = mail.outbox  # the task runs at once in tests
    assert "Volume deal" in message.body and "Loyal customer" in message.body and "EX-777" in message.body


def test_attaching_a_wholesale_customer_reprices_the_cart_and_shows_why(manager):
    client, _ = manager
    wholesale = CustomerType.objects.create(name="Wholesale", percent_off=D("20"))
    cart_id = start_cart(client)
    product = ProductFactory(sku="WH-1", price=D("10.00"))
    TypePrice.objects.create(customer_type=wholesale, product=product, price=D("6.50"))
    add(client, cart_id, "WH-1", 1)
    assert "$6.50" not in client.get(reverse("orders:cart", args=[cart_id])).content.decode()
    client.post(reverse("orders:attach", args=[cart_id]), {"customer_id": customer_with_address(
        customer_type=wholesale).pk})
    page = client.get(reverse("orders:cart", args=[cart_id])).content.decode()
    assert "Wholesale" in page and "$6.50" in page and "List $10.00: Wholesale price" in page


def test_checkout_offers_only_the_payment_methods_of_the_type(manager, checkout_setup):
    client, _ = manager
    trade = CustomerType.objects.create(name="Trade", payment_methods=["on_account"])
    cart_id, _ = cart_with(client, customer=customer_with_address(customer_type=trade))
    form = client.get(reverse("orders:checkout", args=[cart_id])).context["form"]
    assert [code for code, _ in form.fields["payment_method"].choices] == ["on_account"]
    forged = checkout_form(client, cart_id, payment_method="check")
    response = client.post(reverse("orders:checkout", args=[cart_id]), forged)
    assert response.status_code == 200 and not Order.objects.exists()


def test_checkout_review_recomputes_tax_for_the_address_typed(manager, shipping):
    client, _ = manager
    TaxRate.objects.create(name="Default", rate=D("5"))
    TaxRate.objects.create(name="Washington", country="US", region="WA", rate=D("10"))
    cart_id, _ = cart_with(client, price="100.00", quantity=1)
    data = checkout_form(client, cart_id)
    response = client.post(reverse("orders:checkout_review", args=[cart_id]),
                           data | {"billing-region": "WA", "same_as_billing": "on"}, HTTP_HX_REQUEST="true")
    page = response.content.decode()
    assert response.status_code == 200 and "Washington" in page and "$10.00" in page
    assert 'id="checkout-review"' in page and "<html" not in page


def test_an_address_changed_without_javascript_is_reviewed_before_it_is_placed(manager, shipping):
    client, _ = manager
    TaxRate.objects.create(name="Default", rate=D("5"))
    TaxRate.objects.create(name="Washington", country="US", region="WA", rate=D("10"))
    cart_id, _ = cart_with(client, price="100.00", quantity=1)
    data = checkout_form(client, cart_id) | {"billing-region": "WA", "same_as_billing": "on"}
    response = client.post(reverse("orders:checkout", args=[cart_id]), data)
    assert response.status_code == 200 and not Order.objects.exists()
    assert "The order changed since this page was loaded" in response.content.decode()
    assert "Washington" in response.content.decode()
    resubmitted = checkout_form(client, cart_id) | {"billing-region": "WA", "same_as_billing": "on",
                                                    "fingerprint": response.context["review"].fingerprint}
    client.post(reverse("orders:checkout", args=[cart_id]), resubmitted)
    assert Order.objects.get().tax_jurisdiction == "Washington"


def test_a_price_level_changed_between_review_and_submit_is_refused_and_reshown(manager, checkout_setup):
    client, _ = manager
    customer = customer_with_address()
    cart_id, _ = cart_with(client, customer=customer)
    data = checkout_form(client, cart_id)
    customer.customer_type = CustomerType.objects.create(name="Gold", percent_off=D("10"))
    customer.save()
    response = client.post(reverse("orders:checkout", args=[cart_id]), data)
    assert response.status_code == 200 and not Order.objects.exists()
    assert "Gold 10% off list" in response.content.decode()


def test_the_editor_changes_a_price_and_the_discount_on_the_timeline(manager, checkout_setup):
    client, user = manager
    product = ProductFactory(price=D("10.00"))
    order = OrderFactory(lines=[(product, 2)])
    edit_id = client.post(reverse("orders:edit_start", args=[order.number])).url.split("/")[-2]
    price_url = edit_price_url(order.number, edit_id, product.pk)
    assert client.post(price_url, {"price": "8.00", "reason": "Price match"}).status_code == 302
    client.post(reverse("orders:edit_discount", args=[order.number, edit_id]),
                {"discount-discount": "1.00", "discount-reason": "Correction"})
    edit_page = client.get(reverse("orders:edit", args=[order.number, edit_id]))
    data = submitted_data(edit_page, ("form", "billing_form", "shipping_form"))
    client.post(reverse("orders:edit", args=[order.number, edit_id]), data)
    order.refresh_from_db()
    line = order.lines.get()
    assert (line.unit_price, line.price_approved_by, order.discount) == (D("8.00"), user, D("1.00"))
    assert order.subtotal == D("16.00")
    event = order.events.filter(kind="edited").get()
    assert "price 10.00 → 8.00 (Price match)" in describe(event) and "discount" in describe(event)


def test_a_clerk_cannot_reach_the_editors_price_controls(clerk, checkout_setup):
    client, _ = clerk
    product = ProductFactory()
    order = OrderFactory(lines=[(product, 1)])
    url = edit_price_url(order.number, "abc", product.pk)
    assert client.post(url, {"price": "1", "reason": "x"}).status_code == 403
    assert client.post(reverse("orders:edit_discount", args=[order.number, "abc"])).status_code == 403


def test_admins_edit_types_with_their_prices_reasons_and_tax_rates(checkout_setup):
    client, _ = logged_in(ADMINISTRATOR, "admin-user")
    for name in ("customers_customertype", "customers_typeprice", "orders_pricereason", "orders_taxrate"):
        assert client.get(reverse(f"admin:{name}_changelist") + "?q=a").status_code == 200, name
        assert client.get(reverse(f"admin:{name}_add")).status_code == 200, name
    response = client.post(reverse("admin:customers_customertype_add"), {
        "name": "Distributor", "percent_off": "30", "payment_methods": ["on_account"], "payment_terms_days": "45",
        "prices-TOTAL_FORMS": "0", "prices-INITIAL_FORMS": "0"})
    assert response.status_code == 302
    assert CustomerType.objects.get(name="Distributor").payment_methods == ["on_account"]


def test_reorder_brings_custom_items_back_as_they_were_priced(manager, checkout_setup):
    from orders.ordering.checkout import DraftCustomLine
    from tests.helpers import place

    client, _ = manager
    product = ProductFactory(sku="RE-1")
    order = place(customer_with_address(), [(product.pk, 1)], checkout_setup[0],
                  custom_lines=(DraftCustomLine("Freight", D("12.00"), 1, taxable=False),)).order
    response = client.post(reverse("orders:reorder", args=[order.number]))
    cart_id = response.url.rstrip("/").split("/")[-1]
    cart = stored(client, cart_id)
    assert [line.product_id for line in cart.lines] == [product.pk]
    assert [(c.description, c.unit_price, c.taxable) for c in cart.custom_lines] == [("Freight", "12.00", False)]


def test_the_invoice_shows_the_discount_jurisdiction_and_exemption(manager, shipping):
    import dataclasses

    from orders.ordering.checkout import DraftLine
    from orders.ordering.placing import order_place
    from tests.helpers import draft

    client, user = manager
    TaxRate.objects.create(name="Oregon", country="US", region="OR", rate=D("2.5"))
    product = ProductFactory(sku="INV-1", price=D("40.00"))
    taxed = order_place(draft=dataclasses.replace(
        draft(customer_with_address(), [], shipping, discount="10.00", discount_reason="Correction"),
        lines=(DraftLine(product.pk, 1),)), placed_by=user).order
    invoice = client.get(reverse("orders:invoice", args=[taxed.number])).content.decode()
    assert "Discount 10.00 (Correction)" in invoice and "Oregon" in invoice
    exempt = order_place(draft=dataclasses.replace(
        draft(customer_with_address(tax_exempt=True, tax_exemption_number="EX-9"), [], shipping),
        lines=(DraftLine(product.pk, 1),)), placed_by=user).order
    invoice = client.get(reverse("orders:invoice", args=[exempt.number])).content.decode()
    assert "Tax exempt (certificate EX-9)" in invoice


def test_the_editor_refuses_prices_for_lines_it_does_not_have(manager, checkout_setup):
    client, _ = manager
    product, stranger = ProductFactory(price=D("10.00")), ProductFactory(sku="STRANGER")
    order = OrderFactory(lines=[(product, 1)])
    other = OrderFactory(lines=[(stranger, 1)])
    edit_id = client.post(reverse("orders:edit_start", args=[order.number])).url.split("/")[-2]
    response = client.post(edit_price_url(order.number, edit_id, stranger.pk),
                           {"price": "1.00", "reason": "x"})
    assert response.status_code == 302
    # this edit's id on another order finds no edit
    elsewhere = client.post(edit_price_url(other.number, edit_id, stranger.pk),
                            {"price": "1.00", "reason": "x"})
    assert elsewhere.status_code == 302 and elsewhere.url == other.get_absolute_url()
    bad = client.post(edit_price_url(order.number, edit_id, product.pk),
                      {"price": "²", "reason": "x" * 10_000})
    assert bad.status_code == 400 and "Enter an amount" in bad.content.decode()
    assert client.session["order_edits"][edit_id].get("prices") is None


def test_the_customer_record_shows_type_terms_and_exemption(manager):
    client, _ = manager
    trade = CustomerType.objects.create(name="Trade", percent_off=D("15"), payment_terms_days=30)
    customer = customer_with_address(customer_type=trade, tax_exempt=True, tax_exemption_number="EX-55")
    page = client.get(reverse("customers:detail", args=[customer.pk])).content.decode()
    assert "Trade (15% off list)" in page and "Net 30 days" in page and "EX-55" in page
