"""``manage.py import_orders``: orders from another system's CSV or JSON file, placed once per reference through
the API's checks and ``order_place``."""

import json
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from oms.accounts.roles import ORDER_ENTRY
from orders.models import Order
from orders.selectors import order_timeline
from tests.factories import (
    CustomerFactory,
    ProductFactory,
    ShippingMethodFactory,
    TaxRateFactory,
    UserFactory,
    customer_with_address,
)

pytestmark = pytest.mark.django_db

CSV = """reference,customer,sku,quantity,staff_note
WEB-1001,{ada},LAMP-1,2,From the old shop
WEB-1001,{ada},shade-2,1,
WEB-1002,{bo_email},LAMP-1,3,
"""


@pytest.fixture
def world(db):
    ShippingMethodFactory()
    TaxRateFactory()
    ada = customer_with_address(email="ada@harbor.example")
    bo = customer_with_address(first_name="Bo", email="Bo@Example.com")
    lamp, shade = ProductFactory(sku="LAMP-1", stock=10), ProductFactory(sku="SHADE-2", stock=10)
    UserFactory(username="migration", role=ORDER_ENTRY)
    return ada, bo, lamp, shade


def run(tmp_path, text: str, name: str = "orders.csv", *options) -> tuple[str, str]:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    out, err = StringIO(), StringIO()
    call_command("import_orders", str(path), "--user", "migration", *options, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def run_failing(tmp_path, text: str, name: str = "orders.csv") -> tuple[str, str, str]:
    """Import a file the command refuses in part: what it printed, and the message it failed with."""
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    out, err = StringIO(), StringIO()
    with pytest.raises(CommandError) as failure:
        call_command("import_orders", str(path), "--user", "migration", stdout=out, stderr=err)
    return out.getvalue(), err.getvalue(), str(failure.value)


def csv_for(ada, bo) -> str:
    return CSV.format(ada=ada.pk, bo_email="bo@example.com")


def test_a_csv_file_places_one_order_per_reference_with_its_lines(tmp_path, world):
    ada, bo, lamp, shade = world

    out, _ = run(tmp_path, csv_for(ada, bo))

    first, second = Order.objects.order_by("number")
    assert (first.customer, second.customer) == (ada, bo)  # the second found by its email, in any case
    assert sorted((line.sku, line.quantity) for line in first.lines.all()) == [("LAMP-1", 2), ("SHADE-2", 1)]
    assert first.staff_note == "From the old shop"
    assert first.placed_by.username == "migration"
    lamp.refresh_from_db()
    assert lamp.stock == 5
    assert f"WEB-1001: placed as order #{first.number}" in out
    assert "2 placed." in out
    # A migration does not email the customers unless the file asks
    assert {first.confirmation_state, second.confirmation_state} == {Order.EmailState.NOT_REQUESTED}


def test_importing_the_same_file_again_places_nothing_new(tmp_path, world):
    ada, bo, lamp, _ = world
    run(tmp_path, csv_for(ada, bo))

    out, _ = run(tmp_path, csv_for(ada, bo))

    assert Order.objects.count() == 2
    lamp.refresh_from_db()
    assert lamp.stock == 5
    assert "2 already imported." in out


def test_the_timeline_names_the_import_and_its_reference(tmp_path, world):
    ada, bo, _, _ = world
    run(tmp_path, csv_for(ada, bo))

    order = Order.objects.get(customer=ada)

    assert "(via import WEB-1001)" in order_timeline(order)[-1]["message"]


def test_a_json_file_takes_the_apis_shape_with_a_reference(tmp_path, world):
    ada, _, _, shade = world
    orders = [{"reference": "ERP-7", "customer": ada.pk, "lines": [{"sku": "SHADE-2", "quantity": 4}],
               "send_confirmation": True,
               "shipping_address": {"line1": "9 Quay Street", "city": "Cork", "postal_code": "T12",
                                    "country": "IE"}}]

    out, _ = run(tmp_path, json.dumps(orders), "orders.json")

    order = Order.objects.get()
    assert order.shipping_address["line1"] == "9 Quay Street"
    assert [(line.sku, line.quantity) for line in order.lines.all()] == [("SHADE-2", 4)]
    assert order.confirmation_state != Order.EmailState.NOT_REQUESTED  # asked for, so queued
    assert "1 placed." in out


def test_a_bad_order_is_reported_with_its_field_errors_and_the_others_are_placed(tmp_path, world):
    ada, bo, _, _ = world
    text = csv_for(ada, bo) + (f"WEB-1003,{ada.pk},NOPE-9,1\nWEB-1004,nobody@example.com,LAMP-1,1\n"
                               f"WEB-1005,{ada.pk},LAMP-1,²\n")

    _, err, failure = run_failing(tmp_path, text)

    assert failure == "2 placed, 3 not imported."
    assert Order.objects.count() == 2
    assert "WEB-1003: not imported: lines.0.sku: No product has the SKU NOPE-9." in err
    assert "WEB-1004: not imported: customer: No customer has the email nobody@example.com." in err
    assert "WEB-1005: not imported: lines.0.quantity: Enter a whole number, such as 1 or 12." in err


def test_short_stock_is_refused_with_the_checkout_message(tmp_path, world):
    ada, _, lamp, _ = world
    _, err, failure = run_failing(tmp_path, f"reference,customer,sku,quantity\nBIG-1,{ada.pk},LAMP-1,50\n")

    assert failure == "1 not imported."
    assert "BIG-1: not imported: order:" in err
    assert "50 ordered, only 10 in stock" in err
    assert not Order.objects.exists()


def test_check_places_nothing_and_says_what_was_imported_before(tmp_path, world):
    ada, bo, _, _ = world
    run(tmp_path, CSV.format(ada=ada.pk, bo_email="bo@example.com").rsplit("WEB-1002", 1)[0])

    out, _ = run(tmp_path, csv_for(ada, bo), "orders.csv", "--check")

    assert Order.objects.count() == 1
    number = Order.objects.get().number
    assert f"WEB-1001: already imported as order #{number}" in out
    assert "WEB-1002: can be placed" in out


def test_an_orders_rows_must_be_together(tmp_path, world):
    ada, _, _, _ = world
    text = f"reference,customer,sku,quantity\nA-1,{ada.pk},LAMP-1,1\nA-2,{ada.pk},LAMP-1,1\nA-1,{ada.pk},SHADE-2,1\n"

    with pytest.raises(CommandError, match="The rows of A-1 are not together"):
        run(tmp_path, text)

    assert not Order.objects.exists()  # the file is refused before anything is placed


@pytest.mark.parametrize(("text", "name", "message"), [
    ("sku,quantity\nLAMP-1,1\n", "orders.csv", "The CSV file has no column reference, customer"),
    ('{"reference": "A"}', "orders.json", "A JSON import is a list of orders"),
    ("[{", "orders.json", "The file is not JSON"),
    ("reference", "orders.txt", "neither a .csv nor a .json file"),
])
def test_a_file_of_the_wrong_shape_is_refused_with_what_is_expected(tmp_path, world, text, name, message):
    with pytest.raises(CommandError, match=message):
        run(tmp_path, text, name)


def test_bad_references_are_refused_one_by_one(tmp_path, world):
    ada, _, _, _ = world
    orders = [{"reference": "x" * 10_000, "customer": ada.pk, "lines": [{"sku": "LAMP-1", "quantity": 1}]},
              {"reference": "A\x00B", "customer": ada.pk, "lines": [{"sku": "LAMP-1", "quantity": 1}]},
              {"customer": ada.pk, "lines": [{"sku": "LAMP-1", "quantity": 1}]},
              "not an order"]
    _, err, failure = run_failing(tmp_path, json.dumps(orders), "orders.json")

    assert failure == "4 not imported."
    assert "A reference is at most 100 characters (this one has 10000)." in err
    assert "A reference cannot contain a NUL character." in err
    assert "(no reference): not imported: reference: Give each order its reference" in err
    assert not Order.objects.exists()


def test_the_user_must_be_allowed_to_place_orders(tmp_path, world):
    UserFactory(username="looker", role="")  # staff with no role
    path = tmp_path / "orders.csv"
    path.write_text("reference,customer,sku,quantity\n", encoding="utf-8")

    with pytest.raises(CommandError, match="No active user 'looker' may place orders"):
        call_command("import_orders", str(path), "--user", "looker", stdout=StringIO())


def test_an_email_two_customers_share_asks_for_the_id(tmp_path, world):
    ada, _, _, _ = world
    CustomerFactory(email="ADA@harbor.example")
    _, err, _ = run_failing(tmp_path, "reference,customer,sku,quantity\nD-1,ada@harbor.example,LAMP-1,1\n")

    assert "More than one customer has the email ada@harbor.example: give the customer's id." in err
