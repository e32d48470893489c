"""Every change to a placed order is on its Timeline: what, who, when; resends go where the order says."""

import re
from datetime import UTC, datetime, timedelta

import pytest
from django.core import mail
from django.db import connection
from django.template import engines
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from orders import events
from orders.changes.services import order_status_change
from orders.events import describe
from orders.lifecycle import OrderRefused
from orders.models import Order, OrderEvent
from orders.notifications.services import order_confirmation_request
from orders.selectors import order_timeline
from tests.factories import OrderFactory, UserFactory

pytestmark = pytest.mark.django_db


def kinds(order) -> list[str]:
    return list(order.events.values_list("kind", flat=True))


def test_placing_and_sending_the_confirmation_are_on_the_timeline(checkout_setup, staff,
                                                                    django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        order = OrderFactory(shipping=checkout_setup[0], placed_by=staff, send_confirmation=True)

    assert kinds(order) == ["confirmation_sent", "confirmation_queued", "placed"]
    placed = order.events.get(kind="placed")
    assert placed.actor == staff
    assert order.events.get(kind="confirmation_sent").actor is None  # the system sent it


def test_a_status_change_records_before_after_and_who(checkout_setup, staff):
    order = OrderFactory(shipping=checkout_setup[0])
    order_status_change(order=order, status="processing", actor=staff)
    event = order.events.get(kind="status_changed")
    assert (event.actor, event.data) == (staff, {"before": "placed", "after": "processing"})
    assert describe(event) == "Status changed from placed to processing."


def test_a_refused_status_change_records_nothing(checkout_setup, staff):
    order = OrderFactory(shipping=checkout_setup[0])
    with pytest.raises(OrderRefused):
        order_status_change(order=order, status="completed", actor=staff)
    assert kinds(order) == ["placed"]


def test_resend_goes_to_the_address_saved_on_the_order_not_the_customers_new_one(
        staff_client, checkout_setup, django_capture_on_commit_callbacks):
    order = OrderFactory(shipping=checkout_setup[0])
    saved = order.customer_email
    order.customer.email = "someone-else@example.net"
    order.customer.save()

    with django_capture_on_commit_callbacks(execute=True):
        staff_client.post(reverse("orders:resend", args=[order.number]))

    assert [message.to for message in mail.outbox] == [[saved]]
    order.refresh_from_db()
    assert order.customer_email == saved
    resent = order.events.get(kind="confirmation_resent")
    assert resent.actor.username == "alice" and resent.data == {"to": saved}


def test_resends_are_limited_per_order_per_hour(settings, checkout_setup, staff):
    settings.RESEND_LIMIT_PER_HOUR = 2
    order = OrderFactory(shipping=checkout_setup[0])
    order_confirmation_request(order=order, actor=staff)
    order_confirmation_request(order=order, actor=staff)
    with pytest.raises(OrderRefused, match="already resent 2 times in the last hour"):
        order_confirmation_request(order=order, actor=staff)
    # an hour later it may be resent again
    OrderEvent.objects.filter(kind="confirmation_resent").update(created_at=order.created_at - timedelta(hours=2))
    order_confirmation_request(order=order, actor=staff)
    assert order.events.filter(kind="confirmation_resent").count() == 3


def test_changing_the_orders_email_is_explicit_and_logged(staff_client, checkout_setup):
    order = OrderFactory(shipping=checkout_setup[0])
    before = order.customer_email
    response = staff_client.post(reverse("orders:email", args=[order.number]), {"email": "ap@example.org"})
    assert response.status_code == 302
    order.refresh_from_db()
    assert order.customer_email == "ap@example.org"
    assert order.customer.email == before  # the customer's record is not touched
    event = order.events.get(kind="email_changed")
    assert event.data == {"before": before, "after": "ap@example.org"}


@pytest.mark.parametrize("typed", ["not an email", "x" * 10_000 + "@example.com", "a\x00b@example.com"])
def test_a_bad_order_email_is_refused_next_to_the_field_and_kept(staff_client, checkout_setup, typed):
    order = OrderFactory(shipping=checkout_setup[0])
    response = staff_client.post(reverse("orders:email", args=[order.number]), {"email": typed})
    assert response.status_code == 400
    assert response.context["email_form"].errors["email"]
    assert response.context["email_form"]["email"].value() == typed
    page = response.content.decode()  # the message is drawn beside the field, which points to it
    assert 'aria-describedby="id_email_error"' in page
    assert '<div id="id_email_error" class="invalid-feedback">' in page
    assert Order.objects.get().customer_email == order.customer_email
    assert kinds(order) == ["placed"]


def test_the_order_page_shows_the_timeline_newest_first_in_a_fixed_number_of_queries(
        staff_client, checkout_setup, django_assert_max_num_queries):
    order = OrderFactory(shipping=checkout_setup[0])
    manager = UserFactory(username="maria")
    order_status_change(order=order, status="processing", actor=manager)
    for index in range(40):
        OrderEvent.objects.create(order=order, kind="email_changed", actor=manager, message=f"Change {index}")

    with django_assert_max_num_queries(9):  # session, user, authenticator, permissions (2), order, lines, events (+1)
        response = staff_client.get(order.get_absolute_url())

    text = response.content.decode()
    assert "Timeline" in text
    assert text.index("Change 39") < text.index("Status changed from placed to processing.") < text.index("Placed:")
    assert "by maria" in text and "by alice" not in text


@pytest.mark.parametrize("zone", ["UTC", "Asia/Kolkata", "America/St_Johns"])
def test_the_timeline_shows_times_with_djangos_date_filter_in_the_current_time_zone(staff_client, settings,
                                                                                    checkout_setup, zone):
    settings.TIME_ZONE = zone
    order = OrderFactory(shipping=checkout_setup[0])
    moments = [datetime(2030, 1, 5, 23, 50, tzinfo=UTC), datetime(2030, 12, 31, 20, 5, 9, tzinfo=UTC)]  # newest
    drawn = engines["django"].from_string(
        r'<time datetime="{{ moment|date:"Y-m-d\TH:i:sO" }}">{{ moment|date:"M j, Y H:i" }}</time>')
    for moment in moments:
        event = OrderEvent.objects.create(order=order, kind="note_added", actor=None, message="Staff note: x")
        OrderEvent.objects.filter(pk=event.pk).update(created_at=moment)

    text = staff_client.get(order.get_absolute_url()).content.decode()

    with timezone.override(zone):
        expected = [drawn.render({"moment": moment}) for moment in reversed(moments)]
    assert zone == "UTC" or "23:50</time>" not in text  # shown in the zone, not in UTC
    assert expected[0] in text and expected[1] in text
    assert text.index(expected[0]) < text.index(expected[1])  # newest first
    assert {entry["actor_name"] for entry in order_timeline(order)[:2]} == {"system"}


def record_one_of_each(order, actor, index: int) -> None:
    events.note_added_event(order=order, actor=actor, text=f"Note {index}", visible_to_customer=bool(index % 2))
    events.email_changed_event(order=order, actor=actor, before="", after=f"buyer{index}@example.com")
    events.order_edited_event(order=order, actor=actor, token=f"t-{index}", changes={
        "added": [{"sku": f"SKU-{index}", "quantity": 1}], "removed": [], "changed": [], "restocked": {},
        "taken": {}, "total": {"before": "10.00", "after": "12.00"}})
    events.email_failed_event(order=order, kind=OrderEvent.Kind.CONFIRMATION_FAILED, key=f"k{index}", attempt=1,
                              tries=5, error="busy", retry_at=timezone.now())


def test_the_timeline_draws_typed_events_in_queries_that_do_not_grow_with_their_number(
        staff_client, checkout_setup, django_assert_num_queries):
    order = OrderFactory(shipping=checkout_setup[0])
    manager = UserFactory(username="maria")
    record_one_of_each(order, manager, 0)
    with CaptureQueriesContext(connection) as few:
        staff_client.get(order.get_absolute_url())
    for index in range(1, 30):
        record_one_of_each(order, manager if index % 2 else None, index)

    with django_assert_num_queries(len(few)):
        newest = staff_client.get(order.get_absolute_url()).content.decode()
    earliest = show_every_earlier_page(staff_client, order, newest)[-1][0]  # 121 events: the third page

    assert "Note for the customer: Note 29" in newest and "Staff note: Note 0" in earliest
    assert "Edited: added 1 x SKU-29; total 10.00 → 12.00." in newest
    assert "Email address changed from none to buyer23@example.com." in newest
    assert "Confirmation email: try 1 of 5 failed, trying again at" in newest
    assert newest.index("Note 29") < newest.index("Note 28")
    assert earliest.index("Note 0") < earliest.index("Placed: 1 line(s)")


EARLIER = re.compile(r'<a href="\?before=([0-9]+)#timeline-heading">Show earlier events</a>')


def show_every_earlier_page(client, order, text: str) -> list[tuple[str, int]]:
    """Follow Show earlier events from the page ``text`` to the order's first event: each page's text and the
    number of queries it took."""
    pages = []
    while found := EARLIER.search(text):
        with CaptureQueriesContext(connection) as queries:
            text = client.get(f"{order.get_absolute_url()}?before={found[1]}").content.decode()
        pages.append((text, len(queries)))
    return pages


def test_the_order_page_shows_the_newest_events_and_the_earlier_ones_a_page_at_a_time(staff_client, checkout_setup):
    order = OrderFactory(shipping=checkout_setup[0])  # its Placed event, then 119 notes
    start = timezone.now()
    for index in range(1, 120):
        OrderEvent.objects.create(order=order, kind="note_added", message=f"Staff note: number {index}.")
    OrderEvent.objects.filter(order=order, kind="note_added").update(created_at=start)  # one moment: ties by id
    with CaptureQueriesContext(connection) as first:
        newest = staff_client.get(order.get_absolute_url()).content.decode()

    pages = [text for text, _ in show_every_earlier_page(staff_client, order, newest)]

    shown = [re.findall(r"number ([0-9]+)\.", page) for page in [newest, *pages]]
    assert [len(numbers) for numbers in shown] == [50, 50, 19]  # and Placed last
    assert [int(number) for numbers in shown for number in numbers] == list(range(119, 0, -1))  # each once
    assert "Placed:" in pages[-1] and "Show earlier events" not in pages[-1]
    assert "Show the newest events" in pages[0] and "Show the newest events" not in newest
    queries = {count for _, count in show_every_earlier_page(staff_client, order, newest)}
    assert len(queries) == 1 and queries.pop() <= len(first) + 1  # at most the event it starts before, more


@pytest.mark.parametrize("before", ["²", "x\x00", "9" * 10_000, "-1", "99999999999999999999", "other order"])
def test_a_bad_or_foreign_before_shows_the_newest_events(staff_client, checkout_setup, before):
    order, other = OrderFactory(shipping=checkout_setup[0]), OrderFactory(shipping=checkout_setup[0])
    OrderEvent.objects.create(order=other, kind="note_added", message="Staff note: not this order's.")
    if before == "other order":
        before = str(other.events.order_by("-pk").first().pk)

    response = staff_client.get(order.get_absolute_url(), {"before": before})

    text = response.content.decode()
    assert response.status_code == 200
    assert "Placed:" in text and "not this order's" not in text and "Show the newest events" not in text


def test_an_older_row_keeps_showing_its_stored_sentence_on_the_page(staff_client, checkout_setup):
    order = OrderFactory(shipping=checkout_setup[0])
    OrderEvent.objects.create(order=order, kind="payment_recorded", actor=None,
                              message="Payment of $5.00 recorded (Cash); partially paid, balance due $9.80.",
                              data={"payment": 1, "amount": "5.00", "status": "partially_paid"})

    text = staff_client.get(order.get_absolute_url()).content.decode()

    assert "Payment of $5.00 recorded (Cash); partially paid, balance due $9.80." in text
