"""Every page is for staff: iterate the URL conf so that a new view cannot forget."""

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from tests.factories import UserFactory

PUBLIC = {"login"}
SAMPLE_ARGUMENTS = {"pk": 1, "number": 1, "cart_id": "abc", "product_id": 1}


def our_url_names(resolver=None, namespace=""):
    for entry in (resolver or get_resolver()).url_patterns:
        if isinstance(entry, URLResolver):
            if entry.app_name == "admin":
                continue
            yield from our_url_names(entry, f"{namespace}{entry.namespace}:" if entry.namespace else namespace)
        elif isinstance(entry, URLPattern) and entry.name:
            yield f"{namespace}{entry.name}", list(entry.pattern.regex.groupindex)


def sample_url(name, parameters):
    return reverse(name, kwargs={key: SAMPLE_ARGUMENTS[key] for key in parameters})


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
    client.force_login(UserFactory(username="outsider", is_staff=False))
    url = sample_url(name, parameters)
    assert client.get(url).status_code == 403
    assert client.post(url).status_code == 403


@pytest.mark.django_db
def test_login_page_is_open_and_logs_staff_in(client):
    UserFactory(username="bob")
    assert client.get(reverse("login")).status_code == 200
    response = client.post(reverse("login"), {"username": "bob", "password": "correct horse battery staple"})
    assert response.status_code == 302
    assert client.get(reverse("orders:list")).status_code == 200
