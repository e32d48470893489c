"""Edit order through the screens: its own URL, lines like the cart, Save changes, and every kind of bad input."""

import re
from decimal import Decimal

import pytest
from django.test import Client
from django.urls import reverse

from catalog.models import Product
from oms.accounts.roles import ORDER_ENTRY
from orders.events import describe
from orders.models import Order, OrderEvent
from tests.factories import OrderFactory, ProductFactory, UserFactory
from tests.helpers import submitted_data

pytestmark = pytest.mark.django_db


@pytest.fixture
def order(checkout_setup):
    return OrderFactory(lines=[(ProductFactory(sku="KEEP", price=Decimal("10.00"), stock=10), 3)],
                        shipping=checkout_setup[0])


def start(client, order) -> str:
    response = client.post(reverse("orders:edit_start", args=[order.number]))
    assert response.status_code == 302, response
    return re.search(r"/edit/([^/]+)/$", response.url).group(1)


def save_form(client, order, edit_id, **changes) -> dict:
    """The Save changes form as the browser submits it with what the page shows, plus changes (None removes)."""
    response = client.get(reverse("orders:edit", args=[order.number, edit_id]))
    return submitted_data(response, ("form", "billing_form", "shipping_form"), **changes)


def test_edit_add_change_remove_and_save_shows_the_diff_in_the_timeline(staff_client, order):
    ProductFactory(sku="ADD-1", name="Added thing", price=Decimal("2.00"), stock=5)
    gone = ProductFactory(sku="BYE", stock=5)
    edit_id = start(staff_client, order)
    url = reverse("orders:edit", args=[order.number, edit_id])
    staff_client.post(reverse("orders:edit_add", args=[order.number, edit_id]), {"query": "add-1", "quantity": "2"})
    staff_client.post(reverse("orders:edit_add", args=[order.number, edit_id]), {"query": "BYE", "quantity": "1"})
    staff_client.post(reverse("orders:edit_line", args=[order.number, edit_id]), {"line": gone.pk, "remove": "1"})
    keep = Product.objects.get(sku="KEEP")
    staff_client.post(reverse("orders:edit_line", args=[order.number, edit_id]), {"line": keep.pk, "quantity": "5"})
    page = staff_client.get(url).content.decode()
    assert "Was 3" in page and "New" in page and "Editing order #" in page

    response = staff_client.post(url, save_form(staff_client, order, edit_id), follow=True)

    html = response.content.decode()
    assert response.redirect_chain[-1][0] == order.get_absolute_url()
    assert f"Order #{order.number} saved." in html
    assert "Edited: added 2 x ADD-1; KEEP quantity 3 → 5;" in html  # on the timeline, by alice
    current = Order.objects.get()
    assert {line.sku: line.quantity for line in current.lines.all()} == {"KEEP": 5, "ADD-1": 2}
    assert (Product.objects.get(sku="KEEP").stock, Product.objects.get(sku="BYE").stock) == (5, 5)
    # the edit is gone: its URL says it was saved
    again = staff_client.get(url, follow=True)
    assert "These changes were already saved." in again.content.decode()


def test_saving_twice_applies_once(staff_client, order):
    edit_id = start(staff_client, order)
    keep = Product.objects.get(sku="KEEP")
    staff_client.post(reverse("orders:edit_line", args=[order.number, edit_id]), {"line": keep.pk, "quantity": "4"})
    data = save_form(staff_client, order, edit_id)
    url = reverse("orders:edit", args=[order.number, edit_id])
    staff_client.post(url, data)
    second = staff_client.post(url, data, follow=True)
    assert "These changes were already saved." in second.content.decode()
    assert Product.objects.get(sku="KEEP").stock == 6
    assert OrderEvent.objects.filter(kind="edited").count() == 1


def test_a_second_tabs_save_is_refused_and_nothing_is_half_applied(staff_client, order):
    first, second = start(staff_client, order), start(staff_client, order)
    keep = Product.objects.get(sku="KEEP")
    staff_client.post(reverse("orders:edit_line", args=[order.number, first]), {"line": keep.pk, "quantity": "4"})
    staff_client.post(reverse("orders:edit_line", args=[order.number, second]), {"line": keep.pk, "quantity": "9"})
    second_data = save_form(staff_client, order, second, **{"shipping-line1": "9 Other St"})
    staff_client.post(reverse("orders:edit", args=[order.number, first]), save_form(staff_client, order, first))

    response = staff_client.post(reverse("orders:edit", args=[order.number, second]), second_data)

    assert response.status_code == 409
    assert "after you started editing it" in response.content.decode()
    assert response.context["shipping_form"]["line1"].value() == "9 Other St"  # what was typed is kept
    current = Order.objects.get()
    assert current.lines.get().quantity == 4 and current.shipping_address["line1"] != "9 Other St"
    assert Product.objects.get(sku="KEEP").stock == 6


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [("billing-line1", "x" * 10_000, "at most"), ("billing-line1", "a\x00b", "Null characters are not allowed"),
     ("billing-line1", "", "This field is required"), ("shipping_method", "²", "no longer offered"),
     ("shipping_method", "999999", "no longer offered")],
)
def test_bad_save_input_is_refused_next_to_the_field_and_kept(staff_client, order, field, value, message):
    edit_id = start(staff_client, order)
    data = save_form(staff_client, order, edit_id, **{field: value})
    response = staff_client.post(reverse("orders:edit", args=[order.number, edit_id]), data)
    assert response.status_code == 400
    form_name, _, name = field.rpartition("-")
    form = response.context[f"{form_name}_form" if form_name else "form"]
    assert message in " ".join(form.errors[name])
    assert form[name].value() == value
    assert Order.objects.get().version == order.version


def test_another_orders_line_or_edit_is_not_reachable(staff_client, order, checkout_setup):
    other = OrderFactory(shipping=checkout_setup[0])
    edit_id = start(staff_client, order)
    other_line = other.lines.get()
    response = staff_client.post(reverse("orders:edit_line", args=[order.number, edit_id]),
                                 {"line": other_line.product_id, "quantity": "2"}, follow=True)
    assert "That line is no longer in the order." in response.content.decode()
    # this order's edit under the other order's number is not found
    response = staff_client.get(reverse("orders:edit", args=[other.number, edit_id]), follow=True)
    assert "That edit was not found" in response.content.decode()
    assert other.lines.get().quantity == 1


def test_a_cancelled_orders_edit_url_goes_back_to_the_order(staff_client, order):
    edit_id = start(staff_client, order)
    Order.objects.filter(pk=order.pk).update(status="cancelled")
    response = staff_client.get(reverse("orders:edit", args=[order.number, edit_id]), follow=True)
    assert "is cancelled: only placed or processing orders can be edited" in response.content.decode()
    assert "Edit order" not in response.content.decode()  # the order page offers no edit now


def test_a_shipped_order_cannot_start_an_edit(staff_client, order):
    Order.objects.filter(pk=order.pk).update(status="shipped")
    response = staff_client.post(reverse("orders:edit_start", args=[order.number]), follow=True)
    assert "is shipped: only placed or processing orders can be edited" in response.content.decode()


def test_an_order_entry_clerk_sees_no_edit_and_a_forged_one_changes_nothing(staff_client, order):
    edit_id = start(staff_client, order)
    data = save_form(staff_client, order, edit_id)
    clerk = Client()
    clerk.force_login(UserFactory(username="clerk", role=ORDER_ENTRY))
    assert "Edit order" not in clerk.get(order.get_absolute_url()).content.decode()
    assert clerk.post(reverse("orders:edit_start", args=[order.number])).status_code == 403
    assert clerk.post(reverse("orders:edit", args=[order.number, edit_id]), data).status_code == 403
    assert Order.objects.get().version == order.version


def test_the_order_page_offers_edit_to_managers(staff_client, order):
    assert ">Edit order</button>" in staff_client.get(order.get_absolute_url()).content.decode()


def test_removing_every_line_is_refused_with_a_pointer_to_cancel(staff_client, order):
    edit_id = start(staff_client, order)
    keep = Product.objects.get(sku="KEEP")
    staff_client.post(reverse("orders:edit_line", args=[order.number, edit_id]), {"line": keep.pk, "remove": "1"})
    response = staff_client.post(reverse("orders:edit", args=[order.number, edit_id]),
                                 save_form(staff_client, order, edit_id))
    assert response.status_code == 400
    assert "use Cancel order" in response.content.decode()
    assert Product.objects.get(sku="KEEP").stock == 7


def test_discard_leaves_the_order_as_it_was(staff_client, order):
    edit_id = start(staff_client, order)
    keep = Product.objects.get(sku="KEEP")
    staff_client.post(reverse("orders:edit_line", args=[order.number, edit_id]), {"line": keep.pk, "quantity": "8"})
    staff_client.post(reverse("orders:edit_discard", args=[order.number, edit_id]))
    assert Order.objects.get().lines.get().quantity == 3
    assert staff_client.get(reverse("orders:edit", args=[order.number, edit_id])).status_code == 302


@pytest.mark.parametrize("edit_id", ["a%00b", "x" * 5000, "%D9%A3", "abc"])
def test_a_garbage_edit_id_goes_back_to_the_order(staff_client, order, edit_id):
    response = staff_client.get(f"/orders/{order.number}/edit/{edit_id}/", follow=True)
    assert response.status_code == 200
    assert "That edit was not found" in response.content.decode()


def test_custom_items_added_and_removed_in_the_editor_are_saved_and_on_the_timeline(staff_client, checkout_setup):
    from orders.ordering.checkout import DraftCustomLine
    from tests.factories import customer_with_address
    from tests.helpers import place

    product = ProductFactory(sku="KEEP", price=Decimal("10.00"), stock=10)
    order = place(customer_with_address(), [(product.pk, 1)], checkout_setup[0],
                  custom_lines=(DraftCustomLine("Setup fee", Decimal("20.00"), 1),)).order
    edit_id = start(staff_client, order)
    custom_url = reverse("orders:edit_custom", args=[order.number, edit_id])
    staff_client.post(custom_url, {"custom-description": "Freight", "custom-unit_price": "12.50",
                                   "custom-quantity": "2"})
    [setup_fee] = [line for line in staff_client.get(reverse("orders:edit", args=[order.number, edit_id]))
                   .context["review"].custom_lines if line.name == "Setup fee"]
    staff_client.post(reverse("orders:edit_line", args=[order.number, edit_id]), {"custom": setup_fee.id,
                                                                                "remove": "1"})
    assert Order.objects.get().lines.filter(name="Setup fee").exists()  # nothing changes until Save changes

    response = staff_client.post(reverse("orders:edit", args=[order.number, edit_id]),
                                 save_form(staff_client, order, edit_id), follow=True)

    assert f"Order #{order.number} saved." in response.content.decode()
    current = Order.objects.get()
    custom = current.lines.filter(is_custom=True).get()
    assert (custom.name, custom.unit_price, custom.quantity, custom.line_total, custom.taxable) == (
        "Freight", Decimal("12.50"), 2, Decimal("25.00"), False)
    assert current.subtotal == Decimal("35.00")
    event = current.events.get(kind=OrderEvent.Kind.EDITED)
    assert describe(event).startswith("Edited: added 2 x Freight; removed 1 x Setup fee;")


def test_an_edit_started_before_edits_held_custom_items_keeps_the_orders(staff_client, checkout_setup):
    from orders.ordering.checkout import DraftCustomLine
    from tests.factories import customer_with_address
    from tests.helpers import place

    product = ProductFactory(sku="KEEP", price=Decimal("10.00"), stock=10)
    order = place(customer_with_address(), [(product.pk, 1)], checkout_setup[0],
                  custom_lines=(DraftCustomLine("Setup fee", Decimal("20.00"), 1),)).order
    edit_id = start(staff_client, order)
    session = staff_client.session
    stored = session["order_edits"][edit_id]
    stored["lines"] = [[product.pk, 2]]  # as edits were kept before: [product, quantity], no custom items
    del stored["custom"]
    session.save()

    page = staff_client.get(reverse("orders:edit", args=[order.number, edit_id]))
    assert "Setup fee" in page.content.decode()
    staff_client.post(reverse("orders:edit", args=[order.number, edit_id]), save_form(staff_client, order, edit_id))

    current = Order.objects.get()
    assert {line.name: line.quantity for line in current.lines.all()} == {product.name: 2, "Setup fee": 1}
