"""The navigation's `Admin` link shows only to users the admin would show something to."""

import pytest
from django.contrib.auth.models import Permission
from django.urls import reverse

from oms.accounts.roles import ADMINISTRATOR, MANAGER, ORDER_ENTRY, TWO_FACTOR_ROLES
from tests.factories import UserFactory
from tests.helpers import verified

pytestmark = pytest.mark.django_db


def admin_link_shown(client, user) -> bool:
    client.force_login(user)
    if user.is_superuser or user.groups.filter(name__in=TWO_FACTOR_ROLES).exists():
        verified(client, user)
    page = client.get(reverse("password_change"))  # a page for every logged-in user
    assert page.status_code == 200
    return f'href="{reverse("admin:index")}"'.encode() in page.content


@pytest.mark.parametrize("role", [ORDER_ENTRY, MANAGER, ADMINISTRATOR])
def test_roles_with_admin_models_see_the_admin_link_and_can_open_it(client, role):
    user = UserFactory(username="member", role=role)
    assert admin_link_shown(client, user)
    assert client.get(reverse("admin:index")).status_code == 200


def test_staff_with_no_role_see_no_admin_link(client):
    assert not admin_link_shown(client, UserFactory(username="nobody", role=""))


def test_a_permission_on_no_admin_model_shows_no_admin_link(client):
    user = UserFactory(username="placer", role="")
    user.user_permissions.add(Permission.objects.get(codename="place_order"))
    assert not admin_link_shown(client, user)


def test_a_single_admin_model_permission_shows_the_admin_link(client):
    user = UserFactory(username="viewer", role="")
    user.user_permissions.add(Permission.objects.get(codename="view_taxrate"))
    assert admin_link_shown(client, user)


def test_superusers_see_the_admin_link(client):
    assert admin_link_shown(client, UserFactory(username="root", is_superuser=True, role=""))
