"""Receive stock as staff use it: one product's `Receive stock` on the Products list, several SKUs pasted at once,
bad input answered next to the field, and the stock ledger in the admin (a change of stock there is an
adjustment that needs a reason)."""

import pytest
from django.urls import reverse

from catalog.models import Product, StockMovement
from oms.accounts.roles import MANAGER, ORDER_ENTRY
from orders.models import Order
from tests.factories import ProductFactory, customer_with_address
from tests.helpers import logged_in, place

pytestmark = pytest.mark.django_db


@pytest.fixture
def lamp(db):
    return ProductFactory(sku="LAMP-1", name="Desk lamp", stock=25, allow_backorders=True)


@pytest.fixture
def manager(db):
    return logged_in(MANAGER)[0]


def test_a_manager_sees_receive_stock_and_a_clerk_does_not(lamp, manager):
    assert "Receive stock" in manager.get(reverse("catalog:list")).content.decode()
    clerk, _ = logged_in(ORDER_ENTRY)
    page = clerk.get(reverse("catalog:list")).content.decode()
    assert "LAMP-1" in page and "Receive stock" not in page
    # a forged request is refused and changes nothing
    assert clerk.post(reverse("stock:product_receive", args=[lamp.pk]), {"quantity": "5"}).status_code == 403
    assert clerk.post(reverse("stock:receive"), {"lines": "LAMP-1 5"}).status_code == 403
    assert Product.objects.get(pk=lamp.pk).stock == 25 and not StockMovement.objects.exists()


def test_receiving_one_product_serves_the_order_waiting_for_it(lamp, manager, shipping):
    order = place(customer_with_address(), [(lamp.pk, 40)], shipping).order
    url = reverse("stock:product_receive", args=[lamp.pk])
    assert "Save receipt" in manager.get(url).content.decode()

    response = manager.post(url, {"quantity": "15", "reference": "DN-1001"}, follow=True)

    page = response.content.decode()
    assert "15 × LAMP-1" in page and f"#{order.number}" in page and "ready to ship" in page
    assert not Order.objects.get(pk=order.pk).backordered
    receipt = StockMovement.objects.get(kind="receipt").receipt
    assert receipt.reference == "DN-1001"


@pytest.mark.parametrize("quantity, message", [
    ("²", "Enter a whole number of units"), ("0", "Enter at least 1 unit."), ("-4", "Enter a whole number"),
    ("1" * 10_000, "Enter a whole number"), ("", "Say how many units arrived."), ("7\x00", "Enter a whole number"),
])
def test_a_bad_quantity_is_refused_next_to_the_field(lamp, manager, quantity, message):
    response = manager.post(reverse("stock:product_receive", args=[lamp.pk]),
                            {"quantity": quantity, "reference": "DN-9"})
    assert response.status_code == 400
    assert message in response.content.decode()
    assert 'value="DN-9"' in response.content.decode()  # what was typed stays
    assert Product.objects.get(pk=lamp.pk).stock == 25


def test_pasting_several_skus_receives_them_in_one_receipt(lamp, manager):
    bulb = ProductFactory(sku="BULB-2", stock=0)
    response = manager.post(reverse("stock:receive"), {"lines": "LAMP-1 5\nbulb-2\t12", "reference": "PO 77"},
                            follow=True)
    assert response.status_code == 200
    assert Product.objects.get(pk=lamp.pk).stock == 30 and Product.objects.get(pk=bulb.pk).stock == 12
    assert StockMovement.objects.filter(kind="receipt").values("receipt").distinct().count() == 1


def test_a_paste_with_an_unknown_sku_receives_nothing_and_says_which_line(lamp, manager):
    text = "LAMP-1 5\nNOPE-9 3"
    response = manager.post(reverse("stock:receive"), {"lines": text})
    assert response.status_code == 400
    page = response.content.decode()
    assert "NOPE-9" in page and "Unknown SKU" in page and "LAMP-1 5" in page
    assert Product.objects.get(pk=lamp.pk).stock == 25 and not StockMovement.objects.exists()


def test_the_admin_lists_the_ledger_and_a_stock_change_there_is_an_adjustment_with_a_reason(lamp, admin_client):
    url = reverse("admin:catalog_product_change", args=[lamp.pk])
    form = {"sku": "LAMP-1", "name": "Desk lamp", "description": "", "price": "10.00", "is_active": "on",
            "track_inventory": "on", "allow_backorders": "on", "adjust_by": "-5"}

    refused = admin_client.post(url, form)
    assert refused.status_code == 200 and "Say why the stock changed" in refused.content.decode()
    too_many = admin_client.post(url, form | {"adjust_by": "-26", "stock_reason": "Count"})
    assert "Only 25 in stock" in too_many.content.decode()
    assert Product.objects.get(pk=lamp.pk).stock == 25

    assert admin_client.post(url, form | {"stock_reason": "Count: 5 broken"}).status_code == 302
    adjustment = StockMovement.objects.get()
    assert (adjustment.kind, adjustment.quantity, adjustment.reason) == ("adjustment", -5, "Count: 5 broken")
    assert Product.objects.get(pk=lamp.pk).stock == 20
    page = admin_client.get(url).content.decode()
    assert "Stock ledger" in page and "Count: 5 broken" in page and "Adjustment" in page


def test_saving_a_product_in_the_admin_never_writes_back_a_stock_figure_read_earlier(lamp, admin_client, shipping):
    url = reverse("admin:catalog_product_change", args=[lamp.pk])
    form = {"sku": "LAMP-1", "name": "Desk lamp, renamed", "description": "", "price": "10.00", "is_active": "on",
            "track_inventory": "on", "allow_backorders": "on", "stock": "25"}
    place(customer_with_address(), [(lamp.pk, 3)], shipping)  # while the admin's form was open
    assert admin_client.post(url, form).status_code == 302
    lamp.refresh_from_db()
    assert (lamp.name, lamp.stock) == ("Desk lamp, renamed", 22)


def test_a_new_product_s_stock_is_its_opening_stock_in_the_ledger(admin_client):
    response = admin_client.post(reverse("admin:catalog_product_add"), {
        "sku": "NEW-1", "name": "New", "description": "", "price": "1.00", "is_active": "on",
        "track_inventory": "on", "stock": "12"})
    assert response.status_code == 302
    product = Product.objects.get(sku="NEW-1")
    assert product.stock == 12
    assert list(StockMovement.objects.values_list("kind", "quantity", "reason")) == [
        ("adjustment", 12, "Opening stock")]
