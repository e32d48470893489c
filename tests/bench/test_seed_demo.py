"""The demo data: one login per role, none a superuser, only where it is safe (or asked for), and the
deploy check refuses every one of them."""

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.core.management.base import SystemCheckError
from django.db import connection
from django.db.models import F
from django.test import Client
from django.urls import reverse

from oms.accounts.roles import ADMINISTRATOR, MANAGER, ORDER_ENTRY
from orders.fulfilment.models import Carrier
from orders.models import CreditMemo, Order, Refund, Return
from orders.stock.services import stock_receive
from tests.helpers import verified

pytestmark = pytest.mark.django_db

DEMO_PASSWORD = "demo-password"


def demo_users():
    return {user.username: user for user in get_user_model().objects.filter(username__startswith="demo")}


def test_seed_demo_with_logins_makes_one_non_superuser_per_role(capsys):
    call_command("seed_demo", "--logins")
    users = demo_users()
    assert {name: [group.name for group in user.groups.all()] for name, user in users.items()} == {
        "demo-entry": [ORDER_ENTRY], "demo-manager": [MANAGER], "demo-admin": [ADMINISTRATOR]}
    assert all(user.is_staff and not user.is_superuser and user.check_password(DEMO_PASSWORD)
               for user in users.values())
    assert "username 'demo-manager', password 'demo-password'" in capsys.readouterr().out
    assert Order.objects.filter(placed_by=users["demo-entry"]).count() == 10
    # one of them had a unit returned, received (a credit memo) and refunded
    assert (Return.objects.count(), CreditMemo.objects.count(), Refund.objects.count()) == (1, 1, 1)


def test_seed_demo_twice_adds_nothing():
    call_command("seed_demo", "--logins")
    counts = (Order.objects.count(), get_user_model().objects.count())
    call_command("seed_demo", "--logins")
    assert (Order.objects.count(), get_user_model().objects.count()) == counts


def test_seed_demo_makes_no_login_on_a_production_database_unless_asked(settings, capsys):
    settings.DEBUG = connection.vendor != "sqlite"  # PostgreSQL in development, or SQLite in production
    call_command("seed_demo", "--any-database")
    assert demo_users() == {}
    assert "No demo logins" in capsys.readouterr().out
    assert Order.objects.count() == 10  # the rest of the demo data is there


@pytest.mark.skipif(connection.vendor != "sqlite", reason="the default makes logins only on SQLite")
def test_seed_demo_makes_the_logins_on_a_development_sqlite_database(settings):
    settings.DEBUG = True
    call_command("seed_demo")
    assert set(demo_users()) == {"demo-entry", "demo-manager", "demo-admin"}


def test_deploy_check_fails_after_seed_demo_made_its_logins():
    call_command("seed_demo", "--logins")
    with pytest.raises(SystemCheckError, match=r"accounts\.E001.*demo-admin, demo-entry, demo-manager"):
        call_command("check", deploy=True, verbosity=0)


def test_seed_demo_makes_carriers_with_tracking_urls():
    call_command("seed_demo", "--any-database")
    carriers = list(Carrier.objects.filter(is_active=True))
    assert len(carriers) >= 2
    assert all(carrier.tracking_link("1Z999").startswith("https://") for carrier in carriers)


def test_the_demo_has_an_order_in_every_status_and_one_with_a_balance_due_after_a_payment():
    call_command("seed_demo", "--any-database")
    assert set(Order.objects.values_list("status", flat=True)) == set(Order.Status)
    assert Order.objects.filter(amount_paid__gt=0, amount_paid__lt=F("total")).exists()
    assert all(order.events.exists() for order in Order.objects.exclude(status=Order.Status.PLACED))


def test_the_demo_has_an_order_waiting_on_backorder_that_receive_stock_serves():
    call_command("seed_demo", "--any-database")
    [order] = Order.objects.filter(backordered=True)
    [line] = order.lines.all()
    assert (line.sku, line.quantity, line.quantity_backordered, line.backorder) == (
        "CHR-001", 10, 6, "4 in stock, 6 on backorder")
    received = stock_receive(quantities={line.product_id: 6}, reference="DN-1")
    assert received.completed == [order.pk] and not Order.objects.get(pk=order.pk).backordered


def test_the_demo_manager_can_mark_a_demo_order_shipped_and_the_order_entry_login_is_not_offered_it():
    call_command("seed_demo", "--logins")
    users = demo_users()
    order = Order.objects.filter(status=Order.Status.PLACED, backordered=False).first()
    manager, entry = Client(), Client()
    manager.force_login(users["demo-manager"])
    verified(manager, users["demo-manager"])  # Managers use a second factor
    entry.force_login(users["demo-entry"])

    assert "Mark shipped</a>" not in entry.get(order.get_absolute_url()).content.decode()
    page = manager.get(order.get_absolute_url()).content.decode()
    assert "Mark shipped</a>" in page and "Record payment</a>" in page and "Edit order</button>" in page
    form = manager.get(reverse("orders:shipment_new", args=[order.number]))
    carrier = form.context["form"].fields["carrier"].queryset.first()
    data = {"token": form.context["form"]["token"].value(), "carrier": carrier.pk,
            "tracking_numbers": "1Z999AA10123456784", "shipped_on": "2026-12-01",
            **{f"line_{line.pk}": line.quantity for line in order.lines.all()}}
    response = manager.post(reverse("orders:shipment_new", args=[order.number]), data)

    assert response.status_code == 302, response.content.decode()
    order.refresh_from_db()
    assert order.status == Order.Status.SHIPPED
    assert f"{carrier.name}</span>:" in manager.get(order.get_absolute_url()).content.decode()


def test_seed_demo_adds_nothing_to_a_database_other_than_sqlite_unless_asked(settings, monkeypatch, capsys):
    settings.DEBUG = True
    monkeypatch.setattr(connection, "vendor", "postgresql")  # `make run` with a PostgreSQL DATABASE_URL

    call_command("seed_demo")

    assert (Order.objects.count(), demo_users()) == (0, {})
    assert "No demo data added" in capsys.readouterr().out


@pytest.mark.skipif(connection.vendor == "sqlite", reason="another database than SQLite")
def test_seed_demo_loads_another_database_when_asked(settings):
    settings.DEBUG = True
    call_command("seed_demo")
    assert Order.objects.count() == 0
    call_command("seed_demo", "--any-database")
    assert Order.objects.count() == 10 and demo_users() == {}


def test_the_demo_has_one_customer_near_their_credit_limit():
    from decimal import Decimal

    from customers.models import Customer
    from orders.payments.selectors import credit_exposure

    call_command("seed_demo", "--any-database")
    [near] = Customer.objects.filter(credit_limit__isnull=False).select_related("customer_type")
    credit = credit_exposure(near)
    assert credit.exposure > 0 and Decimal("0") < credit.available <= Decimal("150")
