"""Only a superuser makes a superuser, grants permissions outside the roles, or changes a superuser's account;
an Administrator manages the other users (roles, active, staff) in the admin."""

import pytest
from django.contrib.auth.models import Group, Permission
from django.urls import reverse

from oms.accounts.roles import ADMINISTRATOR, MANAGER, ORDER_ENTRY
from tests.factories import UserFactory
from tests.helpers import logged_in, verified

pytestmark = pytest.mark.django_db


def change_form(user, **changes) -> dict:
    """The admin's change form of ``user`` as the browser sends it, with ``changes``."""
    data = {"username": user.username, "first_name": "", "last_name": "", "email": "", "is_active": "on",
            "is_staff": "on", "groups": [str(group.pk) for group in user.groups.all()],
            "date_joined_0": user.date_joined.date().isoformat(), "date_joined_1": "00:00:00",
            "initial-date_joined_0": user.date_joined.date().isoformat(), "initial-date_joined_1": "00:00:00"}
    return data | changes


@pytest.fixture
def administrator():
    return logged_in(ADMINISTRATOR)[0]


@pytest.fixture
def superuser_client(client):
    root = UserFactory(username="root", is_superuser=True)
    client.force_login(root)
    verified(client, root)
    return client


def test_an_administrator_cannot_make_a_superuser_or_grant_a_permission_with_a_forged_post(administrator):
    clerk = UserFactory(username="clerk")
    delete_user = Permission.objects.get(content_type__app_label="auth", codename="delete_user")
    data = change_form(clerk, is_superuser="on", user_permissions=[str(delete_user.pk)],
                       groups=[str(Group.objects.get(name=MANAGER).pk)])

    response = administrator.post(reverse("admin:auth_user_change", args=[clerk.pk]), data)

    assert response.status_code == 302
    clerk.refresh_from_db()
    assert not clerk.is_superuser
    assert not clerk.user_permissions.exists()
    assert list(clerk.groups.values_list("name", flat=True)) == [MANAGER]  # roles are theirs to give


def test_a_superuser_can_do_both(superuser_client):
    clerk = UserFactory(username="clerk")
    delete_user = Permission.objects.get(content_type__app_label="auth", codename="delete_user")
    data = change_form(clerk, is_superuser="on", user_permissions=[str(delete_user.pk)])

    assert superuser_client.post(reverse("admin:auth_user_change", args=[clerk.pk]), data).status_code == 302

    clerk.refresh_from_db()
    assert clerk.is_superuser and clerk.user_permissions.get() == delete_user


@pytest.mark.parametrize("url_name", ["admin:auth_user_change", "admin:auth_user_password_change",
                                      "admin:auth_user_delete"])
def test_an_administrator_cannot_change_a_superusers_account(administrator, url_name):
    root = UserFactory(username="root", is_superuser=True, email="root@example.com")
    url = reverse(url_name, args=[root.pk])
    data = {"username": "root", "email": "mine@example.com", "password1": "a new long passphrase",
            "password2": "a new long passphrase", "post": "yes"}

    response = administrator.post(url, data)

    assert response.status_code == 403
    root.refresh_from_db()
    assert root.email == "root@example.com" and root.check_password("correct horse battery staple")


def test_an_administrator_cannot_give_a_group_more_permissions(administrator):
    group = Group.objects.get(name=ORDER_ENTRY)
    before = set(group.permissions.values_list("pk", flat=True))
    everything = [str(pk) for pk in Permission.objects.values_list("pk", flat=True)]

    response = administrator.post(reverse("admin:auth_group_change", args=[group.pk]),
                                  {"name": ORDER_ENTRY, "permissions": everything})

    assert response.status_code == 302
    assert set(group.permissions.values_list("pk", flat=True)) == before
