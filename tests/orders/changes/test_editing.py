"""Editing a placed order in place (orders.editing.order_edit_save): the diff, stock by deltas, totals, the timeline
in the same transaction, the version check and idempotent saves."""

from decimal import Decimal

import pytest
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext

from catalog.models import Product
from orders.changes.editing import OrderChange, OrderEditConflict, order_edit_save
from orders.changes.services import order_cancel
from orders.events import describe
from orders.lifecycle import OrderRefused
from orders.models import Order, OrderEvent, OrderLine
from orders.ordering.stores import CustomLine
from tests.factories import OrderFactory, ProductFactory, ShippingMethodFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def order(checkout_setup):
    """3 x KEEP at 10.00 and 2 x DROP at 4.00 (tracked, 10 each in stock), 1 x SVC (untracked); ground 5.00, 8% tax."""
    keep = ProductFactory(sku="KEEP", price=Decimal("10.00"), stock=10)
    drop = ProductFactory(sku="DROP", price=Decimal("4.00"), stock=10)
    service = ProductFactory(sku="SVC", price=Decimal("1.00"), stock=0, track_inventory=False)
    return OrderFactory(lines=[(keep, 3), (drop, 2), (service, 1)], shipping=checkout_setup[0])


def stock(sku: str) -> int:
    return Product.objects.get(sku=sku).stock


def pk(sku: str) -> int:
    return Product.objects.get(sku=sku).pk


def change(order, quantities: dict[str, int], token: str = "edit-1", **fields) -> OrderChange:
    return OrderChange(version=order.version, token=token, quantities={pk(sku): q for sku, q in quantities.items()},
                       **fields)


def test_an_edit_applies_the_diff_moves_stock_by_deltas_and_recomputes_totals(order, staff):
    new = ProductFactory(sku="NEW", price=Decimal("2.50"), stock=5)
    Product.objects.filter(sku="KEEP").update(price=Decimal("99.00"))  # today's price does not touch ordered lines

    saved = order_edit_save(order=order, change=change(order, {"KEEP": 5, "SVC": 1, "NEW": 2}), actor=staff)

    current = Order.objects.get()
    assert saved.changed and current.number == order.number and current.version == order.version + 1
    lines = {line.sku: (line.quantity, line.unit_price, line.line_total) for line in current.lines.all()}
    assert lines == {"KEEP": (5, Decimal("10.00"), Decimal("50.00")), "SVC": (1, Decimal("1.00"), Decimal("1.00")),
                     "NEW": (2, Decimal("2.50"), Decimal("5.00"))}
    assert (current.subtotal, current.shipping, current.tax, current.total) == (
        Decimal("56.00"), Decimal("5.00"), Decimal("4.48"), Decimal("65.48"))
    assert (stock("KEEP"), stock("DROP"), stock("NEW"), stock("SVC")) == (5, 10, 3, 0)
    event = current.events.get(kind="edited")
    assert event.actor == staff
    assert event.data["added"] == [{"sku": "NEW", "quantity": 2, "unit_price": "2.50"}]
    assert event.data["removed"] == [{"sku": "DROP", "quantity": 2}]
    assert event.data["changed"] == [{"sku": "KEEP", "before": 3, "after": 5}]
    assert event.data["restocked"] == {"DROP": 2} and event.data["taken"] == {"KEEP": 2, "NEW": 2}
    assert event.data["total"] == {"before": str(order.total), "after": "65.48"}
    assert describe(event) == ("Edited: added 2 x NEW; removed 2 x DROP; KEEP quantity 3 → 5; restocked 2 x DROP; "
                             f"total {order.total} → 65.48.")
    assert new.pk in {line.product_id for line in current.lines.all()}


def test_lowering_a_quantity_restocks_the_difference_only(order):
    order_edit_save(order=order, change=change(order, {"KEEP": 1, "DROP": 2, "SVC": 1}))
    assert (stock("KEEP"), stock("DROP")) == (9, 8)
    assert OrderEvent.objects.get(kind="edited").data["restocked"] == {"KEEP": 2}


def test_every_shortfall_is_reported_at_once_and_nothing_changes(order):
    ProductFactory(sku="GONE", is_active=False)
    ProductFactory(sku="FEW", stock=1)
    with pytest.raises(OrderRefused) as refused:
        order_edit_save(order=order, change=change(order, {"KEEP": 20, "DROP": 2, "GONE": 1, "FEW": 3}))
    assert sorted(refused.value.problems) == sorted([
        f"KEEP ({Product.objects.get(sku='KEEP').name}), 17 more: 17 ordered, only 7 in stock.",
        f"GONE ({Product.objects.get(sku='GONE').name}): No longer sold.",
        f"FEW ({Product.objects.get(sku='FEW').name}): 3 ordered, only 1 in stock.",
    ])
    assert (stock("KEEP"), stock("FEW")) == (7, 1)
    assert Order.objects.get().version == order.version and not OrderEvent.objects.filter(kind="edited").exists()


def test_a_product_no_longer_sold_may_keep_or_lower_its_line(order):
    Product.objects.filter(sku="KEEP").update(is_active=False)
    order_edit_save(order=order, change=change(order, {"KEEP": 2, "DROP": 3, "SVC": 1}))
    assert OrderLine.objects.get(sku="KEEP").quantity == 2


def test_saving_twice_applies_once(order):
    first = order_edit_save(order=order, change=change(order, {"KEEP": 4, "DROP": 2, "SVC": 1}))
    second = order_edit_save(order=order, change=change(order, {"KEEP": 4, "DROP": 2, "SVC": 1}))
    assert first.changed and second.already_saved and not second.changed
    assert stock("KEEP") == 6 and OrderEvent.objects.filter(kind="edited").count() == 1


def test_an_edit_started_before_another_save_is_refused_whole(order):
    order_edit_save(order=order, change=change(order, {"KEEP": 4, "DROP": 2, "SVC": 1}, token="tab-1"))
    with pytest.raises(OrderEditConflict, match="after you started editing it"):
        order_edit_save(order=order, change=change(order, {"KEEP": 1, "SVC": 1}, token="tab-2"))
    assert (stock("KEEP"), stock("DROP")) == (6, 8)
    assert {line.sku: line.quantity for line in Order.objects.get().lines.all()} == {"KEEP": 4, "DROP": 2, "SVC": 1}


def test_nothing_different_saves_nothing(order):
    saved = order_edit_save(order=order, change=change(order, {"KEEP": 3, "DROP": 2, "SVC": 1}))
    assert not saved.changed and Order.objects.get().version == order.version
    assert not OrderEvent.objects.filter(kind="edited").exists()


@pytest.mark.parametrize("status", ["shipped", "completed", "cancelled"])
def test_only_placed_or_processing_orders_can_be_edited(order, status):
    Order.objects.filter(pk=order.pk).update(status=status)
    with pytest.raises(OrderRefused, match="only placed or processing orders can be edited"):
        order_edit_save(order=order, change=change(order, {"KEEP": 4}))
    assert stock("KEEP") == 7


@pytest.mark.parametrize("quantities", [{}, {"KEEP": 0}, {"KEEP": 10_000}, {"KEEP": -1}])
def test_bad_quantities_are_refused(order, quantities):
    with pytest.raises(OrderRefused):
        order_edit_save(order=order, change=change(order, quantities))
    assert stock("KEEP") == 7


def test_addresses_and_shipping_change_with_the_charge(order):
    express = ShippingMethodFactory(name="Express", price=Decimal("15.00"))
    address = dict(order.shipping_address) | {"line1": "2 Harbor Rd"}
    saved = order_edit_save(order=order, change=change(order, {"KEEP": 3, "DROP": 2, "SVC": 1},
                                                       shipping_address=address, billing_address=order.billing_address,
                                                       shipping_method_id=express.pk))
    current = Order.objects.get()
    assert current.shipping_address["line1"] == "2 Harbor Rd" and current.billing_address == order.billing_address
    assert (current.shipping_method, current.shipping) == ("Express", Decimal("15.00"))
    assert current.total == order.total + Decimal("10.00")
    sentence = describe(saved.event)
    assert "shipping address changed" in sentence and "billing address" not in sentence
    assert "shipping Ground (5.00) → Express (15.00)" in sentence
    assert saved.event.data["shipping_address"]["after"]["line1"] == "2 Harbor Rd"


def test_a_retired_shipping_method_is_refused(order):
    retired = ShippingMethodFactory(name="Freight", price=Decimal("50.00"), is_active=False)
    with pytest.raises(OrderRefused, match="Choose a shipping method that is still offered"):
        order_edit_save(order=order, change=change(order, {"KEEP": 3, "DROP": 2, "SVC": 1},
                                                   shipping_method_id=retired.pk))


def test_the_edit_and_its_event_are_one_transaction(order, monkeypatch):
    from orders import events

    def broken(**kwargs):
        raise RuntimeError("the timeline could not be written")

    monkeypatch.setattr(events, "order_edited_event", broken)
    with pytest.raises(RuntimeError):
        order_edit_save(order=order, change=change(order, {"KEEP": 5, "SVC": 1}))
    assert (stock("KEEP"), stock("DROP")) == (7, 8)
    assert Order.objects.get().version == order.version and OrderLine.objects.count() == 3


def test_products_are_locked_in_primary_key_order_after_the_order(order):
    if connection.vendor != "postgresql":
        pytest.skip("SQLite has no FOR UPDATE")
    with CaptureQueriesContext(connection) as captured:
        order_edit_save(order=order, change=change(order, {"KEEP": 4, "DROP": 1, "SVC": 1}))
    locks = [query["sql"] for query in captured.captured_queries if " FOR " in query["sql"]]
    assert 'FROM "orders_order"' in locks[0]
    assert 'FROM "catalog_product"' in locks[1] and 'ORDER BY "catalog_product"."id" ASC' in locks[1]
    assert locks[1].endswith("FOR NO KEY UPDATE")


def test_an_updated_confirmation_goes_through_the_resend_machinery(order, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        saved = order_edit_save(order=order, change=change(order, {"KEEP": 4, "DROP": 2, "SVC": 1}),
                                send_confirmation=True)
    assert saved.confirmation_problem == ""
    assert len(mail.outbox) == 1 and "KEEP" in mail.outbox[0].body
    kinds = list(Order.objects.get().events.values_list("kind", flat=True))
    assert {"edited", "confirmation_resent", "confirmation_sent"} <= set(kinds)


def test_an_updated_confirmation_refused_leaves_the_edit_saved(order):
    Order.objects.filter(pk=order.pk).update(customer_email="")
    saved = order_edit_save(order=order, change=change(order, {"KEEP": 4, "DROP": 2, "SVC": 1}),
                            send_confirmation=True)
    assert saved.changed and "no email address" in saved.confirmation_problem
    assert stock("KEEP") == 6


def test_cancel_after_an_edit_restocks_what_the_order_has_then(order):
    order_edit_save(order=order, change=change(order, {"KEEP": 5, "SVC": 1}))
    cancelled = order_cancel(order=order, reason="customer called back")
    assert cancelled.restocked == {"KEEP": 5}
    assert (stock("KEEP"), stock("DROP")) == (10, 10)


@pytest.mark.parametrize("custom", [
    (CustomLine("n1", "Freight", "5.00", 0, True),),
    (CustomLine("n1", "Freight", "5.00", 10_000, True),),
    (CustomLine("n1", "Freight", "-1.00", 1, True),),
    tuple(CustomLine(f"n{index}", "Freight", "1.00", 1, True) for index in range(51)),
])
def test_bad_custom_items_are_refused_and_nothing_changes(order, custom):
    with pytest.raises(OrderRefused, match="Custom items"):
        order_edit_save(order=order, change=change(order, {"KEEP": 3, "DROP": 2, "SVC": 1}, custom=custom))
    assert Order.objects.get().version == order.version and not OrderLine.objects.filter(is_custom=True).exists()


def test_custom_items_alone_keep_an_order_whose_product_lines_are_all_removed(order):
    saved = order_edit_save(order=order, change=change(order, {}, custom=(
        CustomLine("n1", "Consulting", "50.00", 2, False),)))
    lines = list(saved.order.lines.all())
    assert [(line.name, line.line_total, line.taxable) for line in lines] == [("Consulting", Decimal("100.00"), False)]
    assert (stock("KEEP"), stock("DROP")) == (10, 10)
    assert describe(saved.event).startswith("Edited: added 2 x Consulting; removed 3 x KEEP;")
