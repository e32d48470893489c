"""Who needs a second factor, and checking a code (django-otp's TOTP and static devices).

A user needs the code step when their role demands it (Manager, Administrator, superusers, or
everyone with OTP_REQUIRED_FOR_ALL) or when they set up an authenticator of their own accord.
"""

import re
from base64 import b32encode

import segno
from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import Exists, OuterRef
from django.utils import timezone
from django_otp.models import Device
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice

from .roles import TWO_FACTOR_ROLES

TOTP_CODE = re.compile(r"\d{6}")


def second_factor_required(user) -> bool:
    if settings.OTP_REQUIRED_FOR_ALL or user.is_superuser:
        return True
    return user.groups.filter(name__in=TWO_FACTOR_ROLES).exists()


def second_factor_needed(user) -> bool:
    """Whether ``user`` must enter a code before using the back office (one query at most)."""
    if settings.OTP_REQUIRED_FOR_ALL or user.is_superuser:
        return True
    User = get_user_model()
    needs = User.objects.filter(pk=user.pk).filter(
        Exists(User.groups.through.objects.filter(user=OuterRef("pk"), group__name__in=TWO_FACTOR_ROLES))
        | Exists(TOTPDevice.objects.filter(user=OuterRef("pk"), confirmed=True))
    )
    return needs.exists()


def authenticator(user) -> TOTPDevice | None:
    return TOTPDevice.objects.filter(user=user, confirmed=True).order_by("pk").first()


def code_check(user, code: str) -> Device | None:
    """The device that accepts ``code``: six digits go to the authenticator, anything else is a recovery code.

    Each device throttles wrong codes (django-otp's growing delay); a recovery code works once.
    """
    code = re.sub(r"[\s-]", "", code).lower()
    model = TOTPDevice if TOTP_CODE.fullmatch(code) else StaticDevice
    with transaction.atomic():
        for device in model.objects.select_for_update().filter(user=user, confirmed=True).order_by("pk"):
            if device.verify_token(code):
                return device
    return None


def wait_seconds(user) -> int:
    """Seconds until the authenticator accepts another try after wrong codes (0 when it does now)."""
    device = authenticator(user)
    if device is None:
        return 0
    allowed, details = device.verify_is_allowed()
    if allowed or not details or not details.get("locked_until"):
        return 0
    return max(1, int((details["locked_until"] - timezone.now()).total_seconds()) + 1)


def secret_text(device: TOTPDevice) -> str:
    """The secret as authenticator apps take it when typed in: base32, in groups of four."""
    secret = b32encode(device.bin_key).decode().rstrip("=")
    return " ".join(secret[index:index + 4] for index in range(0, len(secret), 4))


def qr_code_data_uri(device: TOTPDevice) -> str:
    """The device's otpauth:// address as an SVG QR code in a data: URI, for an <img> (the CSP allows data:
    images): no markup of ours or segno's enters the page."""
    return segno.make(device.config_url, error="m").svg_data_uri(scale=4, dark="#000", light="#fff")
