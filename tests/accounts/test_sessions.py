"""Sessions end after idling and after a working day; logged-in pages are not stored; logging out clears
the browser's copy; a new password ends the user's other sessions."""

import time

import pytest
from django.contrib.auth.models import Group
from django.test import Client
from django.urls import reverse

from oms.accounts.roles import MANAGER, ORDER_ENTRY
from oms.accounts.sessions import LOGIN_AT, SEEN_AT
from tests.factories import UserFactory
from tests.helpers import production_settings

pytestmark = pytest.mark.django_db

PASSWORD = "correct horse battery staple"


def back_date(client, key: str, seconds: int) -> None:
    session = client.session
    session[key] = int(time.time()) - seconds
    session.save()


def test_a_request_after_more_than_the_idle_time_logs_out_and_goes_to_the_login_page(staff_client):
    back_date(staff_client, SEEN_AT, 31 * 60)

    response = staff_client.get(reverse("customers:list"), follow=True)

    assert response.redirect_chain[0][0] == f"{reverse('login')}?next=%2Fcustomers%2F"
    assert "_auth_user_id" not in staff_client.session
    assert "after 30 minutes without activity" in response.content.decode()


def test_a_request_within_the_idle_time_keeps_the_session(staff_client):
    back_date(staff_client, SEEN_AT, 29 * 60)
    assert staff_client.get(reverse("customers:list")).status_code == 200
    back_date(staff_client, SEEN_AT, 29 * 60)  # each request counts as activity, so the clock restarted
    assert staff_client.session[SEEN_AT] < time.time() - 60


def test_activity_restarts_the_idle_clock(staff_client):
    back_date(staff_client, SEEN_AT, 29 * 60)
    staff_client.get(reverse("customers:list"))
    assert staff_client.session[SEEN_AT] >= int(time.time()) - 1


def test_the_idle_time_is_a_setting(staff_client, settings):
    settings.SESSION_IDLE_MINUTES = 5
    back_date(staff_client, SEEN_AT, 6 * 60)
    assert staff_client.get(reverse("customers:list")).url.startswith(reverse("login"))


def test_a_busy_session_still_ends_a_working_day_after_login(staff_client):
    back_date(staff_client, LOGIN_AT, 12 * 3600 + 60)

    response = staff_client.get(reverse("orders:list"))

    assert response.url.startswith(reverse("login"))
    assert "_auth_user_id" not in staff_client.session


def test_idle_htmx_requests_reload_the_login_page_whole(staff_client):
    back_date(staff_client, SEEN_AT, 31 * 60)
    response = staff_client.get(reverse("customers:list"), HTTP_HX_REQUEST="true",
                                HTTP_HX_CURRENT_URL="http://testserver/customers/?q=smith")
    assert response["HX-Redirect"] == f"{reverse('login')}?next=%2Fcustomers%2F%3Fq%3Dsmith"


def test_pages_for_logged_in_users_are_not_stored(staff_client):
    for url in (reverse("orders:list"), reverse("customers:list"), reverse("admin:index")):
        assert "no-store" in staff_client.get(url)["Cache-Control"], url


def test_static_files_keep_their_caching(staff_client):
    response = staff_client.get("/static/oms/oms.css")
    assert response.status_code == 200
    assert "no-store" not in response.get("Cache-Control", "")


def test_logging_out_clears_what_the_browser_kept(staff_client):
    response = staff_client.post(reverse("logout"))
    assert response["Clear-Site-Data"] == '"cache", "cookies", "storage"'
    assert response.url == reverse("login")


def test_changing_the_password_ends_the_users_other_sessions_but_not_this_one():
    UserFactory(username="bob")
    here, elsewhere = Client(), Client()
    for client in (here, elsewhere):
        assert client.post(reverse("login"), {"username": "bob", "password": PASSWORD}).status_code == 302
        assert client.get(reverse("orders:list")).status_code == 200

    response = here.post(reverse("password_change"), {"old_password": PASSWORD,
                                                      "new_password1": "a new and longer passphrase",
                                                      "new_password2": "a new and longer passphrase"})

    assert response.url == reverse("password_change_done")
    assert here.get(reverse("orders:list")).status_code == 200
    assert elsewhere.get(reverse("orders:list")).url.startswith(reverse("login"))


def test_session_limits_come_from_the_environment():
    assert production_settings("SESSION_IDLE_MINUTES", "SESSION_COOKIE_AGE") == {
        "SESSION_IDLE_MINUTES": 30, "SESSION_COOKIE_AGE": 12 * 3600}
    assert production_settings("SESSION_IDLE_MINUTES", "SESSION_COOKIE_AGE", SESSION_IDLE_MINUTES="10",
                               SESSION_MAX_HOURS="8") == {"SESSION_IDLE_MINUTES": 10, "SESSION_COOKIE_AGE": 8 * 3600}


def test_a_role_taken_away_applies_at_the_next_request(staff_client):
    order_list = reverse("orders:list")
    assert staff_client.get(order_list).status_code == 200
    user = UserFactory._meta.model.objects.get(username="alice")

    user.groups.clear()

    assert staff_client.get(order_list).status_code == 403  # no role, no order list


def test_a_role_given_applies_at_the_next_request(staff_client):
    dashboard = reverse("orders:dashboard")
    user = UserFactory._meta.model.objects.get(username="alice")
    user.groups.set([Group.objects.get(name=ORDER_ENTRY)])
    assert staff_client.get(dashboard).status_code == 403

    user.groups.add(Group.objects.get(name=MANAGER))

    assert staff_client.get(dashboard).status_code == 200


def test_permissions_are_read_once_a_request_and_not_kept_in_the_session(staff_client, django_assert_num_queries):
    order_list = reverse("orders:list")
    staff_client.get(order_list)
    # session, user, authenticator, the user's and their groups' permissions (once, for every check of the
    # page), orders, Taken by's staff
    with django_assert_num_queries(7):
        assert staff_client.get(order_list).status_code == 200
    assert not any("perm" in key for key in staff_client.session.keys())
