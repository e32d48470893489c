"""Every page renders for staff, and list pages keep a fixed query budget however long the list."""

import pytest
from django.urls import reverse

from orders.ordering.stores import Cart
from tests.factories import CustomerFactory, OrderFactory, ProductFactory, customer_with_address

pytestmark = pytest.mark.django_db


@pytest.fixture
def records(checkout_setup):
    customer = customer_with_address(company="Acme Supply")
    product = ProductFactory()
    order = OrderFactory(customer=customer, lines=[(product, 1)], shipping=checkout_setup[0])
    return customer, product, order


def test_every_page_renders_for_staff(staff_client, records):
    customer, product, order = records
    session = staff_client.session
    cart = Cart.create(session, customer_id=customer.pk)
    cart.add(product, 1)
    session.save()
    urls = [
        reverse("orders:list"), reverse("orders:detail", args=[order.number]),
        reverse("customers:list"), reverse("customers:create"), reverse("customers:detail", args=[customer.pk]),
        reverse("customers:edit", args=[customer.pk]), reverse("catalog:list"),
        reverse("orders:cart", args=[cart.id]), reverse("orders:identify", args=[cart.id]),
        reverse("orders:checkout", args=[cart.id]), reverse("admin:index"),
    ]
    for url in urls:
        response = staff_client.get(url)
        assert response.status_code == 200, url


@pytest.mark.parametrize(
    ("url_name", "budget"),
    # session, user, the authenticator, the user's and their groups' permissions, the page's keys, its rows
    # (+ orders in progress, and the staff the order list's Taken by offers)
    [("customers:list", 7), ("catalog:list", 7), ("orders:list", 9)],
)
def test_list_pages_have_a_fixed_query_budget(staff_client, records, django_assert_max_num_queries, url_name, budget):
    customers = CustomerFactory.create_batch(60)
    ProductFactory.create_batch(60)
    product = ProductFactory(stock=1000)
    for customer in customers:
        OrderFactory(customer=customer, lines=[(product, 1)])
    with django_assert_max_num_queries(budget):
        response = staff_client.get(reverse(url_name))
    assert response.status_code == 200
    assert len(response.context["page"]) == 25


@pytest.mark.parametrize(
    "model_admin_url",
    ["admin:customers_customer_changelist", "admin:customers_address_changelist",
     "admin:catalog_product_changelist", "admin:orders_order_changelist",
     "admin:orders_shippingmethod_changelist", "admin:orders_taxrate_changelist"],
)
def test_admin_changelists_render_within_a_query_budget(admin_client, records, django_assert_max_num_queries,
                                                        model_admin_url):
    CustomerFactory.create_batch(60)
    with django_assert_max_num_queries(12):
        response = admin_client.get(reverse(model_admin_url))
    assert response.status_code == 200


def test_customer_page_query_budget_does_not_grow_with_orders(staff_client, checkout_setup,
                                                               django_assert_max_num_queries):
    customer = customer_with_address()
    product = ProductFactory(stock=1000)
    OrderFactory.create_batch(60, customer=customer, lines=[(product, 1)], shipping=checkout_setup[0])
    # session, user, device, perms (2), customer, addresses, credit (order_customer_exposure), orders, quotes,
    # whether any may come back, returns, store credit (+1)
    with django_assert_max_num_queries(14):
        response = staff_client.get(customer.get_absolute_url())
    assert len(response.context["orders"]) == 50


def test_country_lists_render_with_the_customers_country_chosen(staff_client):
    from django.template import engines

    from customers.forms import AddressForm

    form = AddressForm(prefix="billing", initial={"country": "CA"})
    html = engines["django"].from_string("{{ field.as_field_group }}").render({"field": form["country"]})
    assert '<option value="CA" selected>Canada</option>' in html
    assert html.count("<option") > 200 and 'name="billing-country"' in html
    assert html.count(" selected") == 1
    assert '<select name="billing-country" class="form-select" id="id_billing-country">' in html


def test_labels_of_required_fields_read_as_their_words(staff_client):
    from selectolax.lexbor import LexborHTMLParser as HTMLParser

    page = HTMLParser(staff_client.get(reverse("customers:create")).content.decode())
    labels = {label.text(strip=True) for label in page.css("label")}
    assert {"Last name", "Address line 1", "Country"} <= labels
    assert not any("*" in label for label in labels)
