"""Writes of the accounts app: the role groups, and a user's two-factor devices."""

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, Permission
from django.core.exceptions import ImproperlyConfigured
from django.db import DEFAULT_DB_ALIAS, transaction
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from .roles import ROLES

RECOVERY_CODE_COUNT = 10


def roles_sync(*, using: str = DEFAULT_DB_ALIAS) -> None:
    """Create the role groups that are missing and give each exactly its catalogue's permissions; take away every
    other permission of a non-superuser (granted to the user directly, or to a group that is no role), so that
    the roles are the only source of them. Each change goes through the relation, into the audit trail.

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
        for group in Group.objects.using(using).exclude(name__in=ROLES).filter(permissions__isnull=False).distinct():
            group.permissions.clear()
        users = get_user_model().objects.using(using).filter(is_superuser=False, user_permissions__isnull=False)
        for user in users.distinct():
            user.user_permissions.clear()


def totp_device_for_setup(*, user) -> TOTPDevice:
    """The user's unconfirmed authenticator (made on first call), whose secret the setup page shows."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).order_by("pk").first()
    return device or TOTPDevice.objects.create(user=user, name="Authenticator app", confirmed=False)


def totp_device_confirm(*, device: TOTPDevice, code: str) -> list[str] | None:
    """Confirm ``device`` with a code from the app; replace the user's recovery codes and return the new ones.

    Returns None (and changes nothing but the device's throttling) when the code is wrong.
    """
    with transaction.atomic():
        device = TOTPDevice.objects.select_for_update().get(pk=device.pk)
        if not device.verify_token(code):
            return None
        device.confirmed = True
        device.save(update_fields=["confirmed"])
        StaticDevice.objects.filter(user=device.user).delete()
        recovery = StaticDevice.objects.create(user=device.user, name="Recovery codes", confirmed=True)
        codes = [StaticToken.random_token() for _ in range(RECOVERY_CODE_COUNT)]
        StaticToken.objects.bulk_create(StaticToken(device=recovery, token=code) for code in codes)
    return codes
