"""The demo data: one login per role, none a superuser, only where it is safe (or asked for), and the
deploy check refuses every one of them."""

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.core.management.base import SystemCheckError
from django.db import connection

from oms.accounts.roles import ADMINISTRATOR, MANAGER, ORDER_ENTRY
from orders.models import Order

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
    assert Order.objects.filter(placed_by=users["demo-entry"]).count() == 8


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
    assert Order.objects.count() == 8  # the rest of the demo data is there


@pytest.mark.skipif(connection.vendor != "sqlite", reason="the default makes logins only on SQLite")
def test_seed_demo_makes_the_logins_on_a_development_sqlite_database(settings):
    settings.DEBUG = True
    call_command("seed_demo")
    assert set(demo_users()) == {"demo-entry", "demo-manager", "demo-admin"}


def test_deploy_check_fails_after_seed_demo_made_its_logins():
    call_command("seed_demo", "--logins")
    with pytest.raises(SystemCheckError, match=r"accounts\.E001.*demo-admin, demo-entry, demo-manager"):
        call_command("check", deploy=True, verbosity=0)


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
    assert Order.objects.count() == 8 and demo_users() == {}
