"""The line editor's fixtures: each test runs on both stores, a new order (``cart``) and an order being edited."""

import pytest

from tests.factories import ProductFactory
from tests.orders.ordering.line_editor import D, Editor, open_editor


@pytest.fixture(params=["cart", "edit"])
def kind(request):
    return request.param


@pytest.fixture
def opened(kind, staff_client, checkout_setup):
    """Open a store holding ``lines`` (default: 3 × KEEP at 10.00), as a Manager."""

    def make(lines=None, customer=None, client=None) -> Editor:
        lines = lines or [(ProductFactory(sku="KEEP", name="Keeper", price=D("10.00"), stock=50), 3)]
        return open_editor(kind, client or staff_client, lines, checkout_setup[0], customer)

    return make


@pytest.fixture
def editor(opened) -> Editor:
    return opened()
