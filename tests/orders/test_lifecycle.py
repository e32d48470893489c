"""The order lifecycle (orders.lifecycle) as one table: every status x every action, allowed or refused with its
message, asked of the lifecycle, done through the real service, and offered (or not) on the page that has its
button. A status added to Status without a row here fails every case of it."""

from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from oms.accounts.roles import ADMINISTRATOR, MANAGER
from orders import lifecycle
from orders.changes.editing import OrderChange, order_edit_save
from orders.changes.services import order_cancel, order_status_change
from orders.fulfilment.models import Carrier
from orders.fulfilment.services import ShipmentRequest, shipment_record
from orders.lifecycle import OrderRefused
from orders.models import Order
from orders.payments.services import payment_record
from orders.privacy.services import CustomerErasureRefused, customer_erase
from tests.factories import OrderFactory, ProductFactory
from tests.helpers import logged_in

pytestmark = pytest.mark.django_db

Status = lifecycle.Status
OK = ""
EDIT = "Order #{number} is {status}: only placed or processing orders can be edited."
GONE = " Once anything has shipped the order's lines stay as they are."
CANCEL = "Order #{number} is {status}: a shipped order cannot be cancelled."
ALREADY = "Order #{number} is cancelled already."  # the service changes nothing and says so
SHIP = "Order #{number} is {status}: nothing can be shipped."
PAY = "Order #{number} is {status}: no payment can be recorded against it."
ERASE = "This customer has orders still under way (#{number}): erase them once those are completed or cancelled."
BECOME = "An order that is {status} cannot become {to}."

# status: (edit, cancel, ship, pay, erase the customer, the statuses a plain status change may move it to)
TABLE = {
    Status.PLACED: (OK, OK, OK, OK, ERASE, {Status.PROCESSING}),
    Status.PROCESSING: (OK, OK, OK, OK, ERASE, set()),
    Status.PARTIALLY_SHIPPED: (EDIT + GONE, CANCEL, OK, OK, ERASE, set()),
    Status.SHIPPED: (EDIT + GONE, CANCEL, SHIP, OK, ERASE, {Status.COMPLETED}),
    Status.COMPLETED: (EDIT + GONE, CANCEL, SHIP, OK, OK, set()),
    Status.CANCELLED: (EDIT, ALREADY, SHIP, PAY, OK, set()),
}
ACTIONS = ("edit", "cancel", "ship", "pay", "erase")
CASES = [(status, action) for status in Status
         for action in [*ACTIONS, *(f"become {to}" for to in Status if to != status)]]


def expected(status: Status, action: str) -> str:
    row = TABLE[status]
    if action.startswith("become "):
        to = Status(action.removeprefix("become "))
        return OK if to in row[5] else BECOME.format(status=status.label.lower(), to=to.label.lower())
    return row[ACTIONS.index(action)]


def asked(order: Order, action: str) -> tuple[bool, str]:
    """What the lifecycle answers: may it, and why not."""
    if action.startswith("become "):
        to = action.removeprefix("become ")
        return lifecycle.can_change_status(order, to), lifecycle.why_not_change_status(order, to)
    if action == "erase":
        refusal = lifecycle.why_not_erase([order.number] if lifecycle.is_open(order) else [])
        return not refusal, refusal
    return getattr(lifecycle, f"can_{action}")(order), getattr(lifecycle, f"why_not_{action}")(order)


def done(order: Order, action: str) -> str:
    """Do ``action`` through its service; "" when it was done, else the refusal's message."""
    today = timezone.localdate()
    try:
        if action.startswith("become "):
            order_status_change(order=order, status=action.removeprefix("become "))
        elif action == "edit":
            line = order.lines.get()
            order_edit_save(order=order, change=OrderChange(version=order.version, token="lifecycle",
                                                            quantities={line.product_id: line.quantity + 1}))
        elif action == "cancel":
            if not order_cancel(order=order, reason="Changed their mind").changed:
                return f"Order #{order.number} is cancelled already."
        elif action == "ship":
            carrier = Carrier.objects.create(name="UPS", tracking_url="https://ups.example/track?n={number}")
            shipment_record(order=order, request=ShipmentRequest(carrier=carrier, tracking_numbers=["1Z1"],
                                                                 shipped_on=today))
        elif action == "pay":
            payment_record(order=order, amount=Decimal("1.00"), method="check", received_on=today)
        elif action == "erase":
            customer_erase(customer=order.customer)
    except OrderRefused as refused:
        return " ".join(refused.problems)
    except CustomerErasureRefused as refused:
        return str(refused)
    return OK


def offered(order: Order, action: str) -> bool:
    """Whether the page that has the action's button shows it, to the role that may use it."""
    if action == "erase":
        client, _ = logged_in(ADMINISTRATOR)
        return "Erase customer</button>" in client.get(reverse("customer_data:erase",
                                                               args=[order.customer_id])).content.decode()
    client, _ = logged_in(MANAGER)
    page = client.get(order.get_absolute_url()).content.decode()
    if action.startswith("become "):
        return f'name="status" value="{action.removeprefix("become ")}"' in page
    return {"edit": "Edit order</button>", "cancel": "Cancel order</a>", "ship": "Mark shipped</a>",
            "pay": "Record payment</a>"}[action] in page


@pytest.mark.parametrize(("status", "action"), CASES, ids=[f"{status}-{action}" for status, action in CASES])
def test_every_status_allows_or_refuses_every_action_with_its_message(status, action):
    # given an order of one line (2 of a tracked product) in ``status``
    order = OrderFactory(lines=[(ProductFactory(stock=10), 2)])
    Order.objects.filter(pk=order.pk).update(status=status)
    order = Order.objects.get(pk=order.pk)
    message = expected(status, action).format(number=order.number, status=status.label.lower())

    # then the lifecycle, the page and the service agree with the table
    assert asked(order, action) == (not message, message)
    assert offered(order, action) is (not message)
    assert done(order, action) == message


def test_every_status_has_a_row_and_every_transition_leads_to_a_status():
    assert set(TABLE) == set(Status) == set(lifecycle.TRANSITIONS)
    assert set().union(*lifecycle.TRANSITIONS.values()) <= set(Status)


def test_note_added_is_not_a_status():
    assert "note_added" not in Status.values and "note_added" not in Order.Status.values
