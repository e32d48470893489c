import pytest

from .factories import ShippingMethodFactory, TaxRateFactory, UserFactory
from .helpers import verified


@pytest.fixture
def staff(db):
    return UserFactory(username="alice")


@pytest.fixture
def staff_client(client, staff):
    client.force_login(staff)
    return client


@pytest.fixture
def shipping(db):
    return ShippingMethodFactory()


@pytest.fixture
def tax(db):
    return TaxRateFactory()


@pytest.fixture
def checkout_setup(shipping, tax):
    """What checkout needs besides the cart: a shipping method and a tax rate."""
    return shipping, tax



@pytest.fixture(autouse=True)
def fast_password_hashing(settings):
    """Argon2 (the production hasher, see tests/accounts/test_hardening.py) costs ~0.1 s a hash; tests hash many."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def admin_client(client, admin_user):
    """pytest-django's admin client, past the second factor that superusers need."""
    client.force_login(admin_user)
    verified(client, admin_user)
    return client
