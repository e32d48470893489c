"""Roles are groups whose permissions are exactly the catalogue in oms.accounts.roles, after every migrate."""

import pytest
from django.contrib.auth.models import Group, Permission
from django.core.exceptions import ImproperlyConfigured
from django.core.management import call_command

from oms.accounts import roles
from oms.accounts.services import roles_sync
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def group_permissions(name: str) -> set[str]:
    return {
        f"{app_label}.{codename}"
        for app_label, codename in Group.objects.get(name=name).permissions.values_list(
            "content_type__app_label", "codename"
        )
    }


@pytest.mark.parametrize("role", roles.ROLES)
def test_after_migrate_each_group_holds_exactly_its_catalogue(role):
    assert group_permissions(role) == set(roles.ROLES[role])


def test_each_role_can_do_all_the_one_below_can():
    entry, manager, admin = (set(roles.ROLES[name]) for name in (roles.ORDER_ENTRY, roles.MANAGER, roles.ADMINISTRATOR))
    assert entry < manager < admin


def test_a_member_has_the_roles_custom_permissions():
    entry = UserFactory(username="entry")
    entry.groups.add(Group.objects.get(name=roles.ORDER_ENTRY))
    manager = UserFactory(username="manager")
    manager.groups.add(Group.objects.get(name=roles.MANAGER))

    assert entry.has_perms(["orders.place_order", "orders.add_note", "customers.change_customer"])
    assert not entry.has_perm("orders.change_price")
    assert not entry.has_perm("customers.delete_customer")
    assert manager.has_perms(["orders.change_price", "orders.cancel_order", "orders.view_dashboard"])
    assert not manager.has_perm("auth.change_user")


def test_migrate_puts_back_a_removed_permission_and_takes_away_an_extra_one():
    # given a Manager group someone edited by hand
    group = Group.objects.get(name=roles.MANAGER)
    group.permissions.remove(Permission.objects.get(content_type__app_label="orders", codename="cancel_order"))
    group.permissions.add(Permission.objects.get(content_type__app_label="auth", codename="delete_user"))
    assert group_permissions(roles.MANAGER) != set(roles.ROLES[roles.MANAGER])

    # when the next deployment migrates (nothing left to apply; post_migrate runs all the same)
    call_command("migrate", verbosity=0)

    # then
    assert group_permissions(roles.MANAGER) == set(roles.ROLES[roles.MANAGER])


def test_a_deleted_group_comes_back_with_its_permissions():
    Group.objects.filter(name=roles.ADMINISTRATOR).delete()
    roles_sync()
    assert group_permissions(roles.ADMINISTRATOR) == set(roles.ROLES[roles.ADMINISTRATOR])


def test_a_permission_added_to_the_catalogue_reaches_the_group(monkeypatch):
    monkeypatch.setitem(roles.ROLES, roles.ORDER_ENTRY, [*roles.ROLES[roles.ORDER_ENTRY], "orders.record_payment"])
    roles_sync()
    assert "orders.record_payment" in group_permissions(roles.ORDER_ENTRY)


def test_a_catalogue_naming_a_missing_permission_fails_loudly(monkeypatch):
    monkeypatch.setitem(roles.ROLES, roles.MANAGER, [*roles.ROLES[roles.MANAGER], "orders.fly_to_the_moon"])
    with pytest.raises(ImproperlyConfigured, match="orders.fly_to_the_moon"):
        roles_sync()


def test_migrate_takes_away_permissions_given_outside_the_roles_but_not_a_superusers():
    # given permissions granted by hand: to a user directly, and through a group that is no role
    clerk, root = UserFactory(username="clerk"), UserFactory(username="root", is_superuser=True)
    delete_user = Permission.objects.get(content_type__app_label="auth", codename="delete_user")
    clerk.user_permissions.add(delete_user)
    root.user_permissions.add(delete_user)
    side_door = Group.objects.create(name="Side door")
    side_door.permissions.add(delete_user)
    clerk.groups.add(side_door)

    # when the next deployment migrates
    call_command("migrate", verbosity=0)

    # then the clerk has their role's permissions only
    clerk = type(clerk).objects.get(pk=clerk.pk)
    assert not clerk.has_perm("auth.delete_user")
    assert clerk.get_all_permissions() == set(roles.ROLES[roles.ORDER_ENTRY])
    assert not side_door.permissions.exists()
    assert root.user_permissions.filter(pk=delete_user.pk).exists()
