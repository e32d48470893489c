"""Making, revoking and finding personal API tokens."""

import hashlib
import secrets
from datetime import date, timedelta

from django.db import transaction
from django.shortcuts import get_object_or_404
from django.utils import timezone

from .models import ApiToken

KEY_PREFIX = "oms_"
MAX_KEY_LENGTH = 200  # a key is 47 characters; anything much longer is not one of ours
LAST_USED_STEP = timedelta(minutes=1)  # last_used_at is written at most this often per token


def key_hash(key: str) -> str:
    return hashlib.sha256(key.encode("utf-8", "replace")).hexdigest()


def api_token_create(*, user, name: str, expires: date | None = None) -> tuple[ApiToken, str]:
    """A new token of ``user`` and its key: the only time the key exists outside the caller's hands."""
    key = KEY_PREFIX + secrets.token_urlsafe(32)
    token = ApiToken.objects.create(user=user, name=name, expires=expires, prefix=key[:12], key_hash=key_hash(key))
    return token, key


@transaction.atomic
def api_token_revoke(*, user, pk: int) -> ApiToken:
    """Revoke ``user``'s token ``pk`` (revoking twice keeps the first time). Raises Http404 for a token that is not
    theirs: another user's token is not found, and nothing changes."""
    token = get_object_or_404(ApiToken.objects.select_for_update(), pk=pk, user=user)
    if token.revoked_at is None:
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at"])
    return token


def api_token_for_key(key: str) -> ApiToken | None:
    """The live token with this key (not revoked, not expired) and its user, or None."""
    if not key.startswith(KEY_PREFIX) or len(key) > MAX_KEY_LENGTH:
        return None
    token = ApiToken.objects.select_related("user").filter(key_hash=key_hash(key), revoked_at__isnull=True).first()
    if token is None or (token.expires is not None and token.expires < timezone.localdate()):
        return None
    return token


def api_token_used(token: ApiToken) -> None:
    """Note that ``token`` was used now (at most once a minute, so a busy integration costs no write a request)."""
    now = timezone.now()
    if token.last_used_at is None or now - token.last_used_at >= LAST_USED_STEP:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
        token.last_used_at = now
