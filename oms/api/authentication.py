"""Who calls the API: `Authorization: Bearer <key>` of a personal token, acting with its owner's permissions; the
permission each view needs; the rate limit per token."""

from django.conf import settings
from rest_framework import exceptions
from rest_framework.authentication import BaseAuthentication
from rest_framework.permissions import BasePermission
from rest_framework.throttling import SimpleRateThrottle

from oms.accounts.two_factor import authenticator, second_factor_needed, second_factor_required
from oms.audit.middleware import audit_actor_set
from oms.core.via import via_set

from .models import ApiToken
from .services import api_token_for_key, api_token_used

REFUSED = "The token is unknown, revoked or expired: create a new one on the API tokens page."
NOT_STAFF = "The token's owner may no longer use the back office."
NO_SECOND_FACTOR = "The token's owner must set up a second factor (an authenticator app) before their tokens work."


def via_token(token: ApiToken) -> str:
    return f"API token {token.name}"


class ApiTokenAuthentication(BaseAuthentication):
    """A personal token (oms.api.models.ApiToken). Refused: unknown, revoked or expired keys; owners no longer active
    or staff; Managers and Administrators (whoever must use a second factor) without a confirmed authenticator.
    Changes made with the token say so on the order's timeline and in the audit trail."""

    def authenticate(self, request):
        scheme, _, key = request.META.get("HTTP_AUTHORIZATION", "").partition(" ")
        if scheme.lower() != "bearer":
            return None
        token = api_token_for_key(key.strip())
        if token is None:
            raise exceptions.AuthenticationFailed(REFUSED)
        user = token.user
        if not (user.is_active and user.is_staff):
            raise exceptions.AuthenticationFailed(NOT_STAFF)
        if second_factor_required(user) and authenticator(user) is None:
            raise exceptions.AuthenticationFailed(NO_SECOND_FACTOR)
        api_token_used(token)
        via_set(via_token(token))
        audit_actor_set(user)
        return user, token

    def authenticate_header(self, request) -> str:
        return 'Bearer realm="api"'


def _staff_past_second_factor(request) -> bool:
    """Staff, and a session user who owes a second factor has entered it (a token's owner was checked above)."""
    user = request.user
    if not (user and user.is_authenticated and user.is_staff):
        return False
    if isinstance(request.auth, ApiToken):
        return True
    return user.is_verified() or not second_factor_needed(user)


class IsStaff(BasePermission):
    """The schema and the docs page: any staff member, by session or token."""

    def has_permission(self, request, view) -> bool:
        return _staff_past_second_factor(request)


class HasViewPermission(BasePermission):
    """The Django permission the view names for this method (``view.permissions``), as the matching page checks."""

    def has_permission(self, request, view) -> bool:
        needed = view.permissions.get(request.method)
        return bool(needed) and _staff_past_second_factor(request) and request.user.has_perm(needed)


class TokenRateThrottle(SimpleRateThrottle):
    """API_RATE requests (e.g. "600/min") per token, counted in the default cache (Redis with REDIS_URL)."""

    scope = "api"

    def get_rate(self) -> str:
        return settings.API_RATE

    def get_cache_key(self, request, view) -> str | None:
        if not isinstance(request.auth, ApiToken):
            return None
        return self.cache_format % {"scope": self.scope, "ident": request.auth.pk}
