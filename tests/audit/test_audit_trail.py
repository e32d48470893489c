"""The audit trail records changes to customers, products and prices, tax rates, shipping methods, users and
group membership: who, when, each field before and after, and whether in our pages or the admin. Only
Administrators read it; placing an order writes none of it."""

from decimal import Decimal

import pytest
from auditlog.models import LogEntry
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from customers.services import customer_update
from oms.accounts.roles import ADMINISTRATOR, MANAGER, ORDER_ENTRY
from oms.audit.tracked import HIDDEN
from tests.factories import CustomerFactory, ProductFactory, ShippingMethodFactory, TaxRateFactory, UserFactory
from tests.helpers import logged_in, place

pytestmark = pytest.mark.django_db


def entries_for(instance) -> list[LogEntry]:
    return list(LogEntry.objects.get_for_object(instance).order_by("pk"))


def test_a_customer_edited_in_our_pages_is_recorded_with_who_and_before_after():
    customer = CustomerFactory(first_name="Rosa", last_name="Delgado", email="rosa@example.com", phone="555-0100")
    client, clerk = logged_in(ORDER_ENTRY)

    response = client.post(reverse("customers:edit", args=[customer.pk]), {
        "first_name": "Rosa", "last_name": "Delgado-Ruiz", "email": "rosa@example.com", "company": "",
        "phone": "555-0100", "notes": ""})

    assert response.status_code == 302
    entry = entries_for(customer)[-1]
    assert entry.action == LogEntry.Action.UPDATE
    assert entry.actor == clerk and entry.timestamp is not None
    assert entry.changes_dict == {"last_name": ["Delgado", "Delgado-Ruiz"]}
    assert entry.additional_data == {"via": "pages"}
    assert entry.remote_addr == "127.0.0.1"


def test_a_changes_record_takes_nothing_from_the_clients_headers():
    customer = CustomerFactory(last_name="Before", phone="555-0100", email="")
    client, clerk = logged_in(ORDER_ENTRY)

    response = client.post(reverse("customers:edit", args=[customer.pk]), {
        "first_name": customer.first_name, "last_name": "After", "email": "", "company": "", "phone": "555-0100",
        "notes": ""}, HTTP_X_CORRELATION_ID="forged-" + "x" * 1000, HTTP_X_FORWARDED_FOR="10.9.9.9")

    assert response.status_code == 302
    entry = entries_for(customer)[-1]
    assert (entry.cid, entry.remote_addr, entry.actor) == (None, "127.0.0.1", clerk)


def admin_change(client, name: str, instance, data: dict):
    response = client.post(reverse(f"admin:{name}_change", args=[instance.pk]), data)
    assert response.status_code == 302, response.content[:2000]


def test_price_tax_and_shipping_changed_in_the_admin_are_recorded_as_admin_changes():
    client, administrator = logged_in(ADMINISTRATOR)
    product = ProductFactory(sku="LMP-1", name="Desk lamp", price=Decimal("39.00"))
    tax, shipping = TaxRateFactory(), ShippingMethodFactory()

    admin_change(client, "catalog_product", product, {
        "sku": "LMP-1", "name": "Desk lamp", "description": "", "price": "41.50", "stock": product.stock,
        "track_inventory": "on", "is_active": "on"})
    admin_change(client, "orders_taxrate", tax, {"name": tax.name, "rate": "9.250", "is_active": "on"})
    admin_change(client, "orders_shippingmethod", shipping, {
        "name": shipping.name, "price": "12.00", "position": shipping.position, "is_active": "on"})

    for instance, field, after in ((product, "price", "41.50"), (tax, "rate", "9.250"), (shipping, "price", "12.00")):
        entry = entries_for(instance)[-1]
        assert (entry.actor, entry.additional_data) == (administrator, {"via": "admin"})
        assert entry.changes_dict[field][1] == after


def test_group_membership_changes_are_recorded():
    client, administrator = logged_in(ADMINISTRATOR)
    clerk = UserFactory(username="clerk", role=ORDER_ENTRY)

    clerk.groups.add(Group.objects.get(name=MANAGER))

    entry = entries_for(clerk)[-1]
    assert entry.changes_dict["groups"] == {"type": "m2m", "operation": "add", "objects": [MANAGER]}


def test_a_user_created_in_the_admin_is_recorded_without_the_password():
    client, administrator = logged_in(ADMINISTRATOR)
    response = client.post(reverse("admin:auth_user_add"), {
        "username": "newcomer", "password1": "a long enough passphrase", "password2": "a long enough passphrase",
        "usable_password": "true"})
    assert response.status_code == 302, response.content[:3000]

    newcomer = get_user_model().objects.get(username="newcomer")
    entry = entries_for(newcomer)[0]
    assert entry.action == LogEntry.Action.CREATE and entry.actor == administrator
    assert "passphrase" not in str(entry.changes) and newcomer.password not in str(entry.changes)


@pytest.mark.parametrize(("role", "status"), [(ORDER_ENTRY, 403), (MANAGER, 403), (ADMINISTRATOR, 200)])
def test_only_administrators_read_the_audit_trail(role, status):
    CustomerFactory()
    client, _ = logged_in(role)
    assert client.get(reverse("admin:auditlog_logentry_changelist")).status_code == status
    entry = LogEntry.objects.first()
    assert client.get(reverse("admin:auditlog_logentry_change", args=[entry.pk])).status_code == status


def test_administrators_cannot_change_or_delete_the_audit_trail():
    client, _ = logged_in(ADMINISTRATOR)
    entry = entries_for(CustomerFactory())[0]
    assert client.post(reverse("admin:auditlog_logentry_delete", args=[entry.pk]), {"post": "yes"}).status_code == 403
    assert LogEntry.objects.filter(pk=entry.pk).exists()


def audit_queries(function) -> list[str]:
    with CaptureQueriesContext(connection) as captured:
        function()
    return [query["sql"] for query in captured if "auditlog" in query["sql"]]


def test_placing_an_order_writes_nothing_to_the_audit_trail(shipping):
    customer = CustomerFactory()
    product = ProductFactory(stock=10)
    assert audit_queries(lambda: place(customer, [(product.pk, 2)], shipping)) == []
    product.refresh_from_db()
    assert product.stock == 8


def test_saving_a_customer_costs_one_read_and_one_audit_row():
    customer = CustomerFactory(last_name="Before")
    with CaptureQueriesContext(connection) as captured:
        customer_update(customer=customer, changes={"last_name": "After"})
    sql = [query["sql"] for query in captured if not query["sql"].startswith(("SAVEPOINT", "RELEASE"))]
    # the row as it was, the UPDATE, the audit row, the webhook endpoints that want customer.changed (none here)
    assert len(sql) == 4
    assert sum("auditlog_logentry" in statement for statement in sql) == 1
    assert sum("webhooks_endpoint" in statement for statement in sql) == 1


def test_a_changed_password_is_recorded_as_changed_with_nothing_of_the_hash(client):
    user = UserFactory(username="bob")
    old_hash = user.password
    client.force_login(user)
    new = "a new and longer passphrase"

    response = client.post(reverse("password_change"), {"old_password": "correct horse battery staple",
                                                         "new_password1": new, "new_password2": new})

    assert response.status_code == 302
    user.refresh_from_db()
    entry = [entry for entry in entries_for(user) if "password" in entry.changes_dict][-1]
    assert entry.action == LogEntry.Action.UPDATE
    assert entry.changes_dict["password"] == [HIDDEN, HIDDEN]
    recorded = str(entry.changes)
    for digest in (old_hash, user.password):
        assert not any(digest[index:index + 6] in recorded for index in range(len(digest) - 5))


def test_entries_recorded_before_keep_nothing_of_the_hash_after_migrating():
    from importlib import import_module

    from django.apps import apps

    user = UserFactory(username="bob")
    entry = LogEntry.objects.log_create(user, action=LogEntry.Action.UPDATE, force_log=True,
                                        changes={"password": ["****Je9ptDd", "****abcXYZ"], "email": ["", "b@x"]})
    migration = import_module("oms.audit.migrations.0001_hide_recorded_passwords")

    migration.hide_recorded_passwords(apps, None)

    entry.refresh_from_db()
    assert entry.changes == {"password": [HIDDEN, HIDDEN], "email": ["", "b@x"]}
