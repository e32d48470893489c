"""Every page is for staff: iterate the URL conf so that a new view cannot forget."""

import pytest
from django.urls import reverse

from tests.factories import UserFactory
from tests.helpers import our_url_names, sample_url

PUBLIC = {"login", "logout"}
# Pages for any logged-in user, staff or not, and before the second factor: entering the code, setting it up.
ANY_USER = {"accounts:verify", "accounts:setup", "accounts:recovery_codes"}

URLS = [(name, parameters) for name, parameters in our_url_names() if name not in PUBLIC]


def test_the_url_conf_is_covered():
    names = {name for name, _ in URLS}
    assert {"orders:list", "orders:checkout", "customers:detail", "catalog:list"} <= names


@pytest.mark.django_db
@pytest.mark.parametrize(("name", "parameters"), URLS, ids=[name for name, _ in URLS])
def test_anonymous_users_are_sent_to_log_in(client, name, parameters):
    url = sample_url(name, parameters)
    for method in (client.get, client.post):
        response = method(url)
        assert response.status_code == 302, f"{method.__name__} {url}"
        assert response.url.startswith(reverse("login"))


@pytest.mark.django_db
@pytest.mark.parametrize(("name", "parameters"), URLS, ids=[name for name, _ in URLS])
def test_users_who_are_not_staff_are_refused(client, name, parameters):
    if name in ANY_USER:
        pytest.skip("open to every logged-in user")
    client.force_login(UserFactory(username="outsider", is_staff=False))
    url = sample_url(name, parameters)
    assert client.get(url).status_code == 403
    assert client.post(url).status_code == 403


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
