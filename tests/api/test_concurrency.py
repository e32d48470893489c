"""The same Idempotency-Key sent twice at once, for real: two PostgreSQL sessions in threads, one order."""

import pytest
from django.test import Client
from django.urls import reverse
from django_otp.plugins.otp_totp.models import TOTPDevice

from catalog.models import Product
from oms.accounts.roles import MANAGER
from oms.api.services import api_token_create
from orders.models import Order
from tests.factories import ProductFactory, ShippingMethodFactory, TaxRateFactory, UserFactory, customer_with_address
from tests.helpers import postgres_only, run_concurrently

pytestmark = [postgres_only, pytest.mark.django_db(transaction=True)]


def test_the_same_key_sent_twice_at_once_places_one_order():
    ShippingMethodFactory(), TaxRateFactory()
    customer, lamp = customer_with_address(), ProductFactory(sku="LAMP-1", stock=10)
    user = UserFactory(username="sync", role=MANAGER)
    TOTPDevice.objects.create(user=user, name="Phone", confirmed=True)
    _, key = api_token_create(user=user, name="Web store")
    body = {"customer": customer.pk, "lines": [{"sku": "LAMP-1", "quantity": 3}]}

    def post():
        response = Client(HTTP_AUTHORIZATION=f"Bearer {key}").post(
            reverse("api:orders"), body, content_type="application/json", HTTP_IDEMPOTENCY_KEY="web-order-77")
        return response.status_code, response.json()["number"]

    results = run_concurrently(post, times=2)

    assert sorted(status for status, _ in results) == [200, 201], results
    assert len({number for _, number in results}) == 1
    assert Order.objects.count() == 1
    assert Product.objects.get(pk=lamp.pk).stock == 7
