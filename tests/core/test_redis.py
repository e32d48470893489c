"""With REDIS_URL set, the cache is Redis, sessions read through it (cached_db) and login throttling counts
there; unset, everything stays in the database as before (the rest of the suite runs that way)."""

import os
import uuid

import pytest
import redis
from axes.models import AccessAttempt
from django.core.management import call_command
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from orders.models import Order
from tests.factories import ProductFactory, UserFactory, customer_with_address
from tests.helpers import add, checkout_form, production_settings
from tests.logins import PASSWORD, log_in, logged_in

REDIS_URL = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/15")


def test_redis_url_switches_cache_sessions_and_lockouts_and_unset_changes_nothing():
    names = ("CACHES", "SESSION_ENGINE", "AXES_HANDLER")
    with_redis = production_settings(*names, REDIS_URL="redis://cache.internal:6379/2")
    assert with_redis["CACHES"]["default"]["BACKEND"] == "django.core.cache.backends.redis.RedisCache"
    assert with_redis["CACHES"]["default"]["LOCATION"] == "redis://cache.internal:6379/2"
    assert with_redis["SESSION_ENGINE"] == "django.contrib.sessions.backends.cached_db"
    assert with_redis["AXES_HANDLER"] == "axes.handlers.cache.AxesCacheHandler"
    without = production_settings("SESSION_ENGINE", "REDIS_URL", REDIS_URL="")  # CACHES: Django's default, per process
    assert without == {"SESSION_ENGINE": "django.contrib.sessions.backends.db", "REDIS_URL": ""}


def use_redis(settings):
    """The settings REDIS_URL gives, on a Redis database of the tests' own, keys under a prefix of this test's."""
    server = redis.Redis.from_url(REDIS_URL)
    try:
        server.ping()
    except redis.ConnectionError:
        if os.environ.get("CI"):
            raise
        pytest.skip(f"no Redis at {REDIS_URL}")
    prefix = f"test-{uuid.uuid4().hex[:8]}"
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL,
                                   "KEY_PREFIX": prefix}}
    settings.SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"
    settings.AXES_HANDLER = "axes.handlers.cache.AxesCacheHandler"
    return server, prefix


@pytest.fixture
def with_redis(settings):
    server, prefix = use_redis(settings)
    yield server, prefix
    for key in server.scan_iter(f"{prefix}:*"):
        server.delete(key)


def logged_in_client() -> Client:
    client = Client()  # a new one: the test client builds its middleware, and so picks the session engine, once
    assert client.post(reverse("login"), {"username": "carol", "password": PASSWORD}).status_code == 302
    return client


def page_queries(client) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(reverse("orders:list")).status_code == 200
    return len(queries)


@pytest.mark.django_db
def test_sessions_are_read_from_redis_with_fewer_queries(settings):
    UserFactory(username="carol")
    client = logged_in_client()
    page_queries(client)
    database_only = page_queries(client)

    server, prefix = use_redis(settings)
    try:
        client = logged_in_client()
        page_queries(client)
        through_redis = page_queries(client)
        assert list(server.scan_iter(f"{prefix}:*django.contrib.sessions.cached_db*"))
    finally:
        for key in server.scan_iter(f"{prefix}:*"):
            server.delete(key)
    assert through_redis < database_only


@pytest.mark.django_db
def test_an_order_is_placed_with_its_cart_in_a_redis_backed_session(with_redis, staff_client, checkout_setup,
                                                                     new_cart):
    ProductFactory(sku="RED-1", stock=5)
    cart_id = new_cart(customer_with_address())
    add(staff_client, cart_id, "RED-1", 2)
    response = staff_client.post(reverse("orders:checkout", args=[cart_id]), checkout_form(staff_client, cart_id))
    assert response.status_code == 302
    assert Order.objects.get().lines.get().quantity == 2


@pytest.mark.django_db
def test_wrong_passwords_lock_in_redis_and_axes_reset_unlocks(with_redis, client):
    UserFactory(username="bob")
    for _ in range(5):
        log_in(client, "bob", "wrong password")
    assert log_in(client, "bob").status_code == 429
    assert not AccessAttempt.objects.exists()  # counted in Redis, not in the database

    call_command("axes_reset_username", "bob", verbosity=0)
    call_command("axes_reset_ip", "10.0.0.1", verbosity=0)

    assert log_in(client, "bob").status_code == 302
    assert logged_in(client)
