"""Every page is for staff: iterate the URL conf so that a new view cannot forget."""

import pytest
from django.test import Client
from django.urls import reverse

from oms.accounts.roles import ADMINISTRATOR, MANAGER, ORDER_ENTRY, ROLES, TWO_FACTOR_ROLES
from tests.factories import UserFactory
from tests.helpers import our_url_names, sample_url, verified

PUBLIC = {"login", "logout", "healthz"}
# Pages for any logged-in user, staff or not, and before the second factor: entering the code, setting it up.
ANY_USER = {"accounts:verify", "accounts:setup", "accounts:recovery_codes"}

URLS = [(name, parameters) for name, parameters in our_url_names() if name not in PUBLIC]


def is_api(name: str) -> bool:
    """The REST API, its schema and docs: no login page; a request without a token (or, for the schema and docs,
    a staff session) is answered 401 or 403 (tests/api/test_access.py checks each endpoint with tokens)."""
    return name.startswith("api:")


def test_the_url_conf_is_covered():
    names = {name for name, _ in URLS}
    assert {"orders:list", "orders:checkout", "customers:detail", "catalog:list"} <= names


@pytest.mark.django_db
@pytest.mark.parametrize(("name", "parameters"), URLS, ids=[name for name, _ in URLS])
def test_anonymous_users_are_sent_to_log_in(client, name, parameters):
    url = sample_url(name, parameters)
    for method in (client.get, client.post):
        response = method(url)
        if is_api(name):
            assert response.status_code in (401, 403), f"{method.__name__} {url}"
            continue
        assert response.status_code == 302, f"{method.__name__} {url}"
        assert response.url.startswith(reverse("login"))


@pytest.mark.django_db
@pytest.mark.parametrize(("name", "parameters"), URLS, ids=[name for name, _ in URLS])
def test_users_who_are_not_staff_are_refused(client, name, parameters):
    if name in ANY_USER:
        pytest.skip("open to every logged-in user")
    client.force_login(UserFactory(username="outsider", is_staff=False))
    url = sample_url(name, parameters)
    refused = (401, 403) if is_api(name) else (403,)
    assert client.get(url).status_code in refused
    assert client.post(url).status_code in refused


@pytest.mark.django_db
@pytest.mark.parametrize("name", sorted(ANY_USER))
def test_the_two_factor_pages_open_to_users_who_are_not_staff(client, name):
    client.force_login(UserFactory(username="outsider", is_staff=False))
    assert client.get(reverse(name)).status_code in (200, 302)  # the code page sends those with no app to setup


@pytest.mark.django_db
def test_anyone_logged_in_can_log_out(client):
    client.force_login(UserFactory(username="outsider", is_staff=False))
    response = client.post(reverse("logout"))
    assert response.status_code == 302
    assert "_auth_user_id" not in client.session
    assert client.post(reverse("logout")).url == reverse("login")  # and logging out again does no harm


@pytest.mark.django_db
def test_login_page_is_open_and_logs_staff_in(client):
    UserFactory(username="bob")
    assert client.get(reverse("login")).status_code == 200
    response = client.post(reverse("login"), {"username": "bob", "password": "correct horse battery staple"})
    assert response.status_code == 302
    assert client.get(reverse("orders:list")).status_code == 200


# Who may use each URL: the permission its view checks (GET and POST alike). A new URL without a rule
# here fails test_every_url_has_a_rule. OPEN: no login; LOGGED_IN: any logged-in user.
OPEN, LOGGED_IN, API = "open", "logged in", "API token"
RULES = {
    "home": LOGGED_IN, "login": OPEN, "logout": OPEN, "healthz": OPEN, "password_change": LOGGED_IN,
    "password_change_done": LOGGED_IN, "accounts:verify": LOGGED_IN, "accounts:setup": LOGGED_IN,
    "accounts:recovery_codes": LOGGED_IN,
    "customers:list": "customers.view_customer", "customers:detail": "customers.view_customer",
    "customers:create": "customers.add_customer", "customers:edit": "customers.change_customer",
    "catalog:list": "catalog.view_product",
    "stock:receive": "catalog.receive_stock",
    "stock:product_receive": "catalog.receive_stock",
    "orders:list": "orders.view_order", "orders:detail": "orders.view_order",
    "orders:new": "orders.place_order", "orders:cart": "orders.place_order", "orders:cart_add": "orders.place_order",
    "orders:cart_products": "orders.place_order", "orders:cart_line": "orders.place_order",
    "orders:identify": "orders.place_order", "orders:attach": "orders.place_order",
    "orders:create_customer": "customers.add_customer", "orders:checkout": "orders.place_order",
    "orders:discard": "orders.place_order", "orders:cart_paste": "orders.place_order",
    "customer_data:export": "customers.export_customer_data", "customer_data:erase": "customers.erase_customer",
    "orders:resend": "orders.resend_confirmation", "orders:status": "orders.change_status",
    "orders:email": "orders.edit_order", "orders:cancel": "orders.cancel_order", "orders:note": "orders.add_note",
    "orders:payment_new": "orders.record_payment", "orders:shipment_new": "orders.record_shipment",
    "orders:shipment_resend": "orders.record_shipment",
    "orders:invoice": "orders.view_order", "orders:invoice_pdf": "orders.view_order",
    "orders:packing_slip": "orders.view_order", "orders:packing_slip_pdf": "orders.view_order",
    "orders:documents_batch": "orders.view_order", "orders:dashboard": "orders.view_dashboard",
    "orders:reorder": "orders.place_order", "orders:reorder_chosen": "orders.place_order",
    "orders:export": "orders.view_order",
    "orders:edit_start": "orders.edit_order", "orders:edit": "orders.edit_order",
    "orders:edit_add": "orders.edit_order", "orders:edit_line": "orders.edit_order",
    "orders:edit_discard": "orders.edit_order", "orders:edit_paste": "orders.edit_order",
    # Bending prices (issue 9): the price and discount forms need orders.change_price (the editor's also
    # orders.edit_order, which every role with change_price has); custom items are whoever's may change the lines.
    "orders:cart_price": "orders.change_price", "orders:cart_discount": "orders.change_price",
    "orders:edit_price": "orders.change_price", "orders:edit_discount": "orders.change_price",
    "orders:cart_custom": "orders.place_order", "orders:edit_custom": "orders.edit_order",
    "orders:edit_products": "orders.edit_order",
    "orders:checkout_review": "orders.place_order",
    # Goods coming back (issue 23): Order entry authorizes returns; Managers receive them, credit and refund.
    "orders:return_new": "orders.create_return", "orders:return_new_for_customer": "orders.create_return",
    "orders:return_detail": "orders.view_order", "orders:return_receive": "orders.receive_return",
    "orders:credit_memo_new": "orders.receive_return", "orders:refund_new": "orders.receive_return",
    "orders:cancel_remaining": "orders.cancel_remaining",
    "orders:hold": "orders.hold_order",
    "orders:release": "orders.hold_order",
    "orders:credit_memo": "orders.view_order", "orders:credit_memo_pdf": "orders.view_order",
    "orders:return_exchange": "orders.place_order",
    # Quotes (issue 25): Order entry saves, revises, sends, withdraws and converts them (converting is placing).
    "orders:quotes": "orders.view_quote", "orders:quote": "orders.view_quote",
    "orders:quote_print": "orders.view_quote", "orders:quote_pdf": "orders.view_quote",
    "orders:quote_send": "orders.change_quote", "orders:quote_withdraw": "orders.change_quote",
    "orders:cart_save_quote": "orders.add_quote",
    "orders:quote_convert": "orders.place_order", "orders:quote_revise": "orders.change_quote",
    "orders:quote_edit": "orders.change_quote", "orders:quote_edit_save": "orders.change_quote",
    "orders:quote_edit_discard": "orders.change_quote", "orders:quote_edit_add": "orders.change_quote",
    "orders:quote_edit_line": "orders.change_quote", "orders:quote_edit_paste": "orders.change_quote",
    "orders:quote_edit_custom": "orders.change_quote", "orders:quote_edit_products": "orders.change_quote",
    "orders:quote_edit_price": "orders.change_price", "orders:quote_edit_discount": "orders.change_price",
    # The REST API (issue 26): personal tokens on the API tokens page (any staff member, their own tokens only);
    # the schema and docs for staff. Each endpoint's permission per method, as its page checks it, is the table of
    # tests/api/test_access.py, which calls them with tokens (sessions do not reach the API).
    "api_tokens:list": LOGGED_IN, "api_tokens:revoke": LOGGED_IN, "api:schema": LOGGED_IN, "api:docs": LOGGED_IN,
    **{f"api:{name}": API for name in ("customers", "customer", "products", "product", "orders", "order",
                                       "order_cancel", "order_hold", "order_release", "order_payments",
                                       "order_shipments")},
}
ROLE_NAMES = ["", ORDER_ENTRY, MANAGER, ADMINISTRATOR]  # "" is staff with no role


def test_every_url_has_a_rule():
    assert sorted(name for name, _ in our_url_names()) == sorted(RULES)


def role_client(role: str) -> tuple[Client, set[str]]:
    user = UserFactory(username=f"user-{role or 'none'}".replace(" ", "-").lower(), role=role)
    client = Client()
    client.force_login(user)
    if role in TWO_FACTOR_ROLES:
        verified(client, user)
    return client, set(ROLES.get(role, []))


@pytest.mark.django_db
@pytest.mark.parametrize("role", ROLE_NAMES, ids=lambda role: role or "no role")
def test_each_role_reaches_exactly_what_its_permissions_allow(role):
    client, allowed = role_client(role)
    wrong = []
    for name, parameters in our_url_names():
        rule, url = RULES[name], sample_url(name, parameters)
        if rule in (OPEN, LOGGED_IN, API) or name == "logout":
            continue
        for method in ("get", "post"):
            status = getattr(client, method)(url).status_code
            if (status == 403) == (rule in allowed):
                wrong.append(f"{method.upper()} {name}: {status} ({'allowed' if rule in allowed else 'denied'})")
    assert wrong == []


# Admin fields that need more than the model's change permission: who may change each, by permission. A forged
# POST of them by a role without it changes nothing.
ADMIN_FIELD_RULES = {
    "customers.customer": {field: "customers.change_customer_terms" for field in (
        "customer_type", "tax_exempt", "tax_exemption_number", "payment_terms_days", "default_billing_address",
        "default_shipping_address")},
}


@pytest.mark.django_db
@pytest.mark.parametrize("role", [ORDER_ENTRY, MANAGER, ADMINISTRATOR])
def test_each_role_may_change_exactly_the_admin_fields_its_permissions_allow(role):
    from tests.factories import CustomerFactory

    client, allowed = role_client(role)
    customer = CustomerFactory()
    for model, rules in ADMIN_FIELD_RULES.items():
        response = client.get(reverse(f"admin:{model.replace('.', '_')}_change", args=[customer.pk]))
        assert response.status_code == 200, model
        editable = set(response.context["adminform"].form.fields)
        wrong = [field for field, permission in rules.items() if (field in editable) != (permission in allowed)]
        assert wrong == [], f"{role}: {model}"


@pytest.mark.django_db
def test_order_entry_cannot_reprice_a_customer_with_a_forged_admin_post():
    from customers.models import CustomerType
    from tests.factories import CustomerFactory

    client, _ = role_client(ORDER_ENTRY)
    customer = CustomerFactory()
    wholesale = CustomerType.objects.create(name="Wholesale", percent_off=30, tax_exempt=True)
    url = reverse("admin:customers_customer_change", args=[customer.pk])
    form = {"first_name": "Pat", "last_name": "Renamed", "company": "", "email": "", "phone": "", "notes": "",
            "customer_type": wholesale.pk, "tax_exempt": "on", "tax_exemption_number": "FAKE-1",
            "payment_terms_days": "365", "addresses-TOTAL_FORMS": "0", "addresses-INITIAL_FORMS": "0"}

    response = client.post(url, form)

    assert response.status_code == 302  # the clerk's own fields are saved
    customer.refresh_from_db()
    assert customer.last_name == "Renamed"
    assert (customer.customer_type.name, customer.tax_exempt, customer.tax_exemption_number,
            customer.payment_terms_days) == ("Retail", False, "", None)
