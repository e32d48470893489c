"""An order's life in one place: its statuses, the moves between them, and every "may this order be ...?"
question the code asks, each with the sentence that refuses it.

Services, views, templates (through their views' context), the admin, the dashboard, the selectors and the
partial indexes on Order all ask here; nothing else lists statuses. Each question is a frozenset of the
statuses that allow it, a ``can_...`` function over an order and a ``why_not_...`` function that says why
not ("" when allowed).

Adding a state (a hold, a backorder, a return, a quote):

1. Add it to ``Status`` (value, label) and run ``manage.py makemigrations orders`` (the field's choices change).
2. Say in ``TRANSITIONS`` where a plain status change may take it, and add it to the sets of the states that
   may become it. Shipments (``SHIPPABLE``) and cancelling (``CANCELLABLE``) move orders by their own services.
3. Put it in every set below it belongs to. Leaving it out of a set refuses that action, with its message.
   ``OPEN`` is everything not ``CLOSED``: a new state keeps its customer from being erased until it is closed.
4. A set a partial index is built from (``AWAITING_SHIPMENT``, ``NOT_PAYABLE``) changes that index when it
   changes: makemigrations says so.
5. Add its row to the table in tests/orders/test_lifecycle.py, which fails until every action answers for it.
"""

from collections.abc import Iterable

from django.db import models


class Status(models.TextChoices):
    PLACED = "placed", "Placed"
    PROCESSING = "processing", "Processing"
    PARTIALLY_SHIPPED = "partially_shipped", "Partially shipped"
    SHIPPED = "shipped", "Shipped"
    COMPLETED = "completed", "Completed"
    CANCELLED = "cancelled", "Cancelled"


ALL = frozenset(Status)


# Where a plain status change (the order page's Mark ... buttons, the admin's actions) may take an order.
# Shipping is recorded as shipments (orders.fulfilment), which move an order to partially shipped or shipped,
# and cancelling gives stock back (orders.services.order_cancel): neither is a plain status change.
TRANSITIONS: dict[Status, frozenset[Status]] = {
    Status.PLACED: frozenset({Status.PROCESSING}),
    Status.PROCESSING: frozenset(),
    Status.PARTIALLY_SHIPPED: frozenset(),
    Status.SHIPPED: frozenset({Status.COMPLETED}),
    Status.COMPLETED: frozenset(),
    Status.CANCELLED: frozenset(),
}


CLOSED = frozenset({Status.COMPLETED, Status.CANCELLED})  # nothing more happens to the order


OPEN = ALL - CLOSED  # still under way: its customer cannot be erased


EDITABLE = frozenset({Status.PLACED, Status.PROCESSING})  # nothing has left the warehouse


CANCELLABLE = frozenset({Status.PLACED, Status.PROCESSING})


SHIPPABLE = frozenset({Status.PLACED, Status.PROCESSING, Status.PARTIALLY_SHIPPED})  # something is left to ship


SHIPPED_SOME = frozenset({Status.PARTIALLY_SHIPPED, Status.SHIPPED, Status.COMPLETED})  # has shipments


# A balance can be owed, paid and fall overdue in every status but these; queries and the partial indexes
# order_balance_open and order_balance_due exclude these, so a new payable state leaves the indexes as they are.
NOT_PAYABLE = frozenset({Status.CANCELLED})


PAYABLE = ALL - NOT_PAYABLE


AWAITING_SHIPMENT = SHIPPABLE  # the dashboard's count (partial index order_awaiting_shipment)


IN_SALES = ALL - {Status.CANCELLED}  # counted in the sales summary (orders.sales)


def ordered(statuses: Iterable[str]) -> list[str]:
    """``statuses`` as values in Status order: the same SQL every time, for querysets and the partial indexes."""
    wanted = set(statuses)
    return [status.value for status in Status if status in wanted]


def ordered_methods(methods: Iterable[str]) -> list[str]:
    """``methods`` as values in PaymentMethod order (the same SQL every time, as ``ordered``)."""
    wanted = set(methods)
    return [method.value for method in PaymentMethod if method in wanted]


def listed(statuses: Iterable[str]) -> str:
    """``statuses`` as words for a sentence: "placed or processing"."""
    labels = [Status(status).label.lower() for status in ordered(statuses)]
    return " or ".join([", ".join(labels[:-1]), labels[-1]] if len(labels) > 2 else labels)


def _is(order) -> str:
    return f"Order #{order.number} is {Status(order.status).label.lower()}"


def is_open(order) -> bool:
    return order.status in OPEN


def next_statuses(order) -> list[Status]:
    """The statuses a plain status change may move ``order`` to, in Status order."""
    return [Status(status) for status in ordered(TRANSITIONS[order.status])]


def manual_statuses() -> list[Status]:
    """Every status a plain status change can reach (the admin's Mark selected orders ... actions)."""
    return [Status(status) for status in ordered(set().union(*TRANSITIONS.values()))]


def can_change_status(order, status: str) -> bool:
    return status in TRANSITIONS[order.status]


def why_not_change_status(order, status: str) -> str:
    if can_change_status(order, status):
        return ""
    return (f"An order that is {Status(order.status).label.lower()} cannot become "
            f"{Status(status).label.lower()}.")


# Who may edit a held order: those who may release its hold (Managers), not Order entry.
EDIT_HELD_PERMISSION = "orders.hold_order"


def can_edit(order, *, user=None) -> bool:
    """``user``: who would edit it (a held order is theirs to edit only with EDIT_HELD_PERMISSION); None asks about
    the order alone."""
    return order.status in EDITABLE and not _held_from(order, user)


def why_not_edit(order, *, user=None) -> str:
    if order.status in EDITABLE and _held_from(order, user):
        return (f"Order #{order.number} is on hold ({order.hold_reason}): only a Manager can edit it until the hold "
                "is released.")
    if can_edit(order, user=user):
        return ""
    shipped = " Once anything has shipped the order's lines stay as they are." if order.status in SHIPPED_SOME else ""
    return f"{_is(order)}: only {listed(EDITABLE)} orders can be edited.{shipped}"


def _held_from(order, user) -> bool:
    return order.on_hold and user is not None and not user.has_perm(EDIT_HELD_PERMISSION)


def can_cancel(order) -> bool:
    return order.status in CANCELLABLE


def why_not_cancel(order) -> str:
    if can_cancel(order):
        return ""
    if order.status == Status.CANCELLED:
        return f"{_is(order)} already."
    return f"{_is(order)}: a shipped order cannot be cancelled."


def is_cancelled(order) -> bool:
    return order.status == Status.CANCELLED


def after_cancel() -> Status:
    """What cancelling makes an order (a ``CANCELLABLE`` one)."""
    return Status.CANCELLED


def can_ship(order) -> bool:
    return order.status in SHIPPABLE and not order.on_hold


def why_not_ship(order) -> str:
    if order.status in SHIPPABLE and order.on_hold:
        return f"Order #{order.number} is on hold ({order.hold_reason}): release the hold before shipping."
    return "" if can_ship(order) else f"{_is(order)}: nothing can be shipped."


# A hold is not a status: an order keeps its own (placed, processing, partially shipped) while it is held, and
# the hold stops shipping (can_ship) and the invoice from reading as final until it is released.
HOLDABLE = OPEN


def can_hold(order) -> bool:
    return order.status in HOLDABLE and not order.on_hold


def why_not_hold(order) -> str:
    if order.on_hold:
        return f"Order #{order.number} is already on hold ({order.hold_reason})."
    return "" if can_hold(order) else f"{_is(order)}: only an order still under way can be put on hold."


ON_HOLD = "on_hold"  # the order list's Status filter offers held orders under this value, beside the statuses


def can_release(order) -> bool:
    return order.on_hold


def why_not_release(order) -> str:
    return "" if can_release(order) else f"Order #{order.number} is not on hold."


def after_shipment(*, everything_shipped: bool) -> Status:
    """What a shipment makes the order it ships from (a ``SHIPPABLE`` one)."""
    return Status.SHIPPED if everything_shipped else Status.PARTIALLY_SHIPPED


def has_shipments(order) -> bool:
    return order.status in SHIPPED_SOME


def can_pay(order) -> bool:
    return order.status in PAYABLE


def why_not_pay(order) -> str:
    return "" if can_pay(order) else f"{_is(order)}: no payment can be recorded against it."


RETURNABLE = SHIPPED_SOME  # goods have gone out, so goods can come back


def can_return(order) -> bool:
    return order.status in RETURNABLE and any(line.quantity_shipped > line.quantity_returned
                                              for line in order.lines.all())


def why_not_return(order) -> str:
    if order.status not in RETURNABLE:
        return f"{_is(order)}: only goods that have shipped can be returned."
    if not can_return(order):
        return f"Everything shipped on order #{order.number} is already on a return."
    return ""


CREDITABLE = SHIPPED_SOME  # a credit memo without a return: before anything ships, Edit order changes prices


def can_credit(order) -> bool:
    return order.status in CREDITABLE and order.amount_credited < order.total


def why_not_credit(order) -> str:
    if order.status not in CREDITABLE:
        return (f"{_is(order)}: a credit without a return is for goods that have shipped. Before that, change the "
                "order's prices or discount with Edit order.")
    if not can_credit(order):
        return f"Order #{order.number} is credited in full."
    return ""


CANCEL_REMAINING = frozenset({Status.PARTIALLY_SHIPPED})  # some shipped: the rest can be cancelled


def can_cancel_remaining(order) -> bool:
    return order.status in CANCEL_REMAINING


def why_not_cancel_remaining(order) -> str:
    if can_cancel_remaining(order):
        return ""
    return f"{_is(order)}: only a partially shipped order has remaining items to cancel."


class ReturnStatus(models.TextChoices):
    AUTHORIZED = "authorized", "Authorized"
    RECEIVED = "received", "Received"


def can_receive(ret) -> bool:
    return ret.status == ReturnStatus.AUTHORIZED


def why_not_receive(ret) -> str:
    return "" if can_receive(ret) else f"Return R{ret.number} was already received."


def why_not_erase(open_numbers: Iterable[int]) -> str:
    """Why a customer with these open orders (``is_open``) cannot be erased; "" for none."""
    numbers = ", ".join(f"#{number}" for number in open_numbers)
    if not numbers:
        return ""
    return (f"This customer has orders still under way ({numbers}): erase them once those are "
            f"{listed(CLOSED)}.")


class OrderRefused(Exception):
    """The order cannot be placed as it stands; ``problems`` says why, one line each."""

    def __init__(self, problems: list[str]):
        super().__init__("; ".join(problems))
        self.problems = problems


# The order's other fields' choices: every capability's models read them without importing the order's model.
class Channel(models.TextChoices):
    PHONE = "phone", "Phone"
    FAX = "fax", "Fax"
    EMAIL = "email", "Email"
    OTHER = "other", "Other"


class PaymentMethod(models.TextChoices):
    CHECK = "check", "Check"
    PURCHASE_ORDER = "purchase_order", "Purchase order"
    ON_ACCOUNT = "on_account", "On account"
    CARD_BY_PHONE = "card_by_phone", "Card by phone (external terminal)"


# Paid later, on the customer's credit: what a credit limit counts (the order_customer_exposure partial index).
ON_CREDIT = frozenset({PaymentMethod.ON_ACCOUNT, PaymentMethod.PURCHASE_ORDER})


class PaymentStatus(models.TextChoices):
    UNPAID = "unpaid", "Unpaid"
    PARTIALLY_PAID = "partially_paid", "Partially paid"
    PAID = "paid", "Paid"
    OVERPAID = "overpaid", "Overpaid"


class EmailState(models.TextChoices):
    NOT_REQUESTED = "not_requested", "Not requested"
    PENDING = "pending", "Pending"
    SENT = "sent", "Sent"
    FAILED = "failed", "Failed"
