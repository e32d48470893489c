import pytest
from django.core.cache import cache
from django.test import Client
from django_otp.plugins.otp_totp.models import TOTPDevice

from oms.accounts.roles import MANAGER, TWO_FACTOR_ROLES
from oms.api.services import api_token_create
from tests.factories import UserFactory


def token_client(role: str, username: str | None = None) -> tuple[Client, object, str]:
    """A client that sends a fresh token of a new staff user of ``role`` (with an authenticator where the role
    needs one); the user and the key."""
    user = UserFactory(username=username or f"api-{role or 'none'}".replace(" ", "-").lower(), role=role)
    if role in TWO_FACTOR_ROLES:
        TOTPDevice.objects.create(user=user, name="Phone", confirmed=True)
    _, key = api_token_create(user=user, name="Warehouse sync")
    return Client(HTTP_AUTHORIZATION=f"Bearer {key}"), user, key


@pytest.fixture(autouse=True)
def fresh_rate_limits():
    """Each test starts with no requests counted against its tokens (the throttle counts in the cache)."""
    cache.clear()


@pytest.fixture
def api_client(db):
    """token_client, for tests: ``api_client(role)`` -> (client, user, key)."""
    return token_client


@pytest.fixture
def manager_api(db):
    client, user, _ = token_client(MANAGER)
    return client, user
