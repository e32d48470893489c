import pytest

from oms.accounts.roles import MANAGER

from .factories import ShippingMethodFactory, TaxRateFactory, UserFactory
from .helpers import start_cart, verified


@pytest.fixture
def staff(db):
    """A Manager: every ordering screen and the order page's controls (tests of limits use other roles)."""
    return UserFactory(username="alice", role=MANAGER)


@pytest.fixture
def staff_client(client, staff):
    client.force_login(staff)
    verified(client, staff)  # Managers use a second factor
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



@pytest.fixture
def new_cart(staff_client):
    """Start an order from the order list (New): call with an optional customer, get the cart id."""

    def start(customer=None) -> str:
        return start_cart(staff_client, customer)

    return start


@pytest.fixture(autouse=True)
def fast_password_hashing(request, settings):
    """Production's Argon2 (tests/accounts/test_hardening.py) costs ~0.1 s a hash and tests hash many: the
    same algorithm at its cheapest. Not in transactional tests: those may start a server with production
    settings, which would upgrade the hash at login and so end the user's other sessions mid-test."""
    marker = request.node.get_closest_marker("django_db")
    if marker is None or not marker.kwargs.get("transaction"):
        settings.PASSWORD_HASHERS = ["tests.helpers.CheapArgon2PasswordHasher"]


@pytest.fixture
def admin_client(client, admin_user):
    """pytest-django's admin client, past the second factor that superusers need."""
    client.force_login(admin_user)
    verified(client, admin_user)
    return client


@pytest.fixture(scope="session")
def django_db_modify_db_settings(django_db_modify_db_settings_parallel_suffix, tmp_path_factory):
    """On SQLite the test database is a file rather than memory, so that a process a test starts (a task
    worker: tests/core/test_queue.py) opens the same database."""
    from django.conf import settings

    database = settings.DATABASES["default"]
    if database["ENGINE"] == "django.db.backends.sqlite3":
        database.setdefault("TEST", {})["NAME"] = str(tmp_path_factory.mktemp("sqlite") / "test.sqlite3")
