"""Login throttling (django-axes): wrong passwords lock the username and the address; an admin unlocks."""

import pytest
from axes.models import AccessAttempt
from django.contrib.auth.models import Group
from django.core.management import call_command
from django.test import Client
from django.urls import reverse

from oms.accounts.roles import ADMINISTRATOR
from tests.factories import UserFactory
from tests.helpers import production_settings, verified
from tests.logins import log_in, logged_in

pytestmark = pytest.mark.django_db

def test_thirty_wrong_passwords_then_the_right_one_does_not_log_in(client):
    UserFactory(username="bob")
    for _ in range(30):
        log_in(client, "bob", "wrong password")

    response = log_in(client, "bob")

    assert response.status_code == 429
    assert not logged_in(client)
    assert client.get(reverse("orders:list")).status_code == 302


def test_the_lockout_page_says_what_happened_and_when_to_try_again(client):
    UserFactory(username="bob")
    for _ in range(5):
        response = log_in(client, "bob", "wrong password")

    assert response.status_code == 429
    text = response.content.decode()
    assert "Login locked" in text
    assert "Too many wrong passwords" in text
    assert "Try again in 15 minutes, after" in text
    assert response["Content-Type"].startswith("text/html")


def test_four_wrong_passwords_do_not_lock(client):
    UserFactory(username="bob")
    for _ in range(4):
        assert log_in(client, "bob", "wrong password").status_code == 200  # the login form again, with its error
    assert log_in(client, "bob").status_code == 302
    assert logged_in(client)


def test_axes_reset_unlocks(client):
    UserFactory(username="bob")
    for _ in range(30):
        log_in(client, "bob", "wrong password")
    assert log_in(client, "bob").status_code == 429

    call_command("axes_reset", verbosity=0)

    assert log_in(client, "bob").status_code == 302
    assert logged_in(client)


def test_the_username_is_locked_whatever_the_address(client):
    UserFactory(username="bob")
    for number in range(5):
        log_in(client, "bob", "wrong password", address=f"10.0.1.{number}")

    assert log_in(client, "bob", address="10.0.2.1").status_code == 429
    assert not logged_in(client)


def test_the_address_is_locked_whatever_the_username(client):
    UserFactory(username="carol")
    for number in range(5):
        log_in(client, f"guess{number}", "wrong password", address="10.0.3.1")

    assert log_in(client, "carol", address="10.0.3.1").status_code == 429
    assert log_in(client, "carol", address="10.0.3.2").status_code == 302  # another address may still


def test_a_forged_forwarded_for_header_does_not_dodge_the_address_lock(client):
    UserFactory(username="carol")
    for number in range(5):
        log_in(client, f"guess{number}", "wrong password", address="10.0.4.1", HTTP_X_FORWARDED_FOR=f"1.2.3.{number}")

    assert log_in(client, "carol", address="10.0.4.1", HTTP_X_FORWARDED_FOR="1.2.3.99").status_code == 429


def test_behind_the_proxy_the_address_it_forwards_is_the_one_locked(client, settings):
    settings.SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    UserFactory(username="carol")
    for number in range(5):  # every request comes from the proxy, 10.0.5.1, which appends the client's address
        log_in(client, f"guess{number}", "wrong password", address="10.0.5.1", HTTP_X_FORWARDED_FOR="forged, 1.2.3.4")

    assert log_in(client, "carol", address="10.0.5.1", HTTP_X_FORWARDED_FOR="1.2.3.4").status_code == 429
    assert log_in(client, "carol", address="10.0.5.1", HTTP_X_FORWARDED_FOR="1.2.3.5").status_code == 302


def test_an_administrator_unlocks_in_the_admin(client):
    # given bob locked out, and an Administrator (past the second factor)
    UserFactory(username="bob")
    for _ in range(5):
        log_in(client, "bob", "wrong password")
    assert log_in(client, "bob").status_code == 429
    administrator = UserFactory(username="root-admin")
    administrator.groups.add(Group.objects.get(name=ADMINISTRATOR))
    admin_client = Client()
    admin_client.force_login(administrator)
    verified(admin_client, administrator)

    # when they delete bob's access attempts in the admin
    changelist = reverse("admin:axes_accessattempt_changelist")
    assert admin_client.get(changelist).status_code == 200
    attempts = list(AccessAttempt.objects.values_list("pk", flat=True))
    response = admin_client.post(changelist, {"action": "delete_selected", "_selected_action": attempts, "post": "yes"})
    assert response.status_code == 302

    # then bob logs in
    assert not AccessAttempt.objects.exists()
    assert log_in(client, "bob").status_code == 302
    assert logged_in(client)


def test_limit_and_lockout_time_come_from_the_environment():
    values = production_settings("AXES_FAILURE_LIMIT", "AXES_COOLOFF_TIME", LOGIN_FAILURE_LIMIT="3",
                                 LOGIN_LOCKOUT_MINUTES="60")
    assert values == {"AXES_FAILURE_LIMIT": 3, "AXES_COOLOFF_TIME": "datetime.timedelta(seconds=3600)"}
    defaults = production_settings("AXES_FAILURE_LIMIT", "AXES_COOLOFF_TIME", "AXES_LOCKOUT_PARAMETERS")
    assert defaults == {"AXES_FAILURE_LIMIT": 5, "AXES_COOLOFF_TIME": "datetime.timedelta(seconds=900)",
                        "AXES_LOCKOUT_PARAMETERS": ["username", "ip_address"]}


HOSTILE_USERNAMES = ["x" * 255, "x" * 256, "ü" * 300, "x" * 10_000, "a\x00b", "\u200b" * 500, "<script>" * 40]


@pytest.mark.parametrize("url", ["login", "admin:login"])
@pytest.mark.parametrize("username", HOSTILE_USERNAMES, ids=lambda name: f"{name[:8]!r}x{len(name)}")
def test_any_username_an_anonymous_user_sends_is_answered_without_an_error(client, url, username):
    response = client.post(reverse(url), {"username": username, "password": "wrong password"})
    assert response.status_code < 500
    assert not logged_in(client)


def test_wrong_passwords_with_an_overlong_username_are_counted_and_lock_it(client):
    for _ in range(5):
        response = client.post(reverse("login"), {"username": "x" * 300, "password": "wrong password"})

    assert response.status_code == 429
    assert AccessAttempt.objects.get().username == "x" * 255
