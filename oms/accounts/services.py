"""Writes of the accounts app: the role groups."""

from django.contrib.auth.models import Group, Permission
from django.core.exceptions import ImproperlyConfigured
from django.db import DEFAULT_DB_ALIAS, transaction

from .roles import ROLES


def roles_sync(*, using: str = DEFAULT_DB_ALIAS) -> None:
    """Create the role groups that are missing and give each exactly its catalogue's permissions.

    Raises ImproperlyConfigured when the catalogue names a permission that does not exist.
    """
    wanted = {name for names in ROLES.values() for name in names}
    found = {
        f"{app_label}.{codename}": pk
        for pk, app_label, codename in Permission.objects.using(using)
        .filter(codename__in={name.split(".", 1)[1] for name in wanted})
        .values_list("pk", "content_type__app_label", "codename")
    }
    missing = sorted(wanted - found.keys())
    if missing:
        raise ImproperlyConfigured(f"oms.accounts.roles names permissions that do not exist: {', '.join(missing)}")
    with transaction.atomic(using=using):
        for role, names in ROLES.items():
            group, _ = Group.objects.using(using).get_or_create(name=role)
            group.permissions.set([found[name] for name in names])
