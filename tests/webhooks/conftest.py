import pytest

from oms.webhooks.models import Endpoint, EventType

from .receiver import receiver


@pytest.fixture(autouse=True)
def private_addresses_allowed(settings):
    """The test's receiver listens on 127.0.0.1, which production refuses."""
    settings.WEBHOOKS_ALLOW_PRIVATE = True


@pytest.fixture
def hooks():
    """A real HTTP receiver for the test (tests/webhooks/receiver.py)."""
    with receiver() as listening:
        yield listening


@pytest.fixture
def endpoint(db, hooks):
    """An endpoint of the receiver that wants every event."""
    return Endpoint.objects.create(url=hooks.url, events=list(EventType.values), description="Warehouse")
