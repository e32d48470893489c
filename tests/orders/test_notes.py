"""Add note: internal notes for staff; notes visible to the customer go into later emails."""

import uuid

import pytest
from django.core import mail
from django.urls import reverse

from orders.models import OrderEvent
from orders.notifications.services import order_confirmation_request
from tests.factories import OrderFactory

pytestmark = pytest.mark.django_db


def test_a_note_is_on_the_timeline_with_who_wrote_it(staff_client, checkout_setup):
    order = OrderFactory(shipping=checkout_setup[0])
    response = staff_client.post(reverse("orders:note", args=[order.number]),
                                 {"text": "Customer asked for a call before delivery", "token": uuid.uuid4()},
                                 follow=True)
    assert b"Staff note: Customer asked for a call before delivery" in response.content
    note = order.events.get(kind="note_added")
    assert note.actor.username == "alice"
    assert note.data == {"text": "Customer asked for a call before delivery", "visible_to_customer": False,
                         "token": note.data["token"]}


def test_only_notes_visible_to_the_customer_go_into_later_emails(staff_client, checkout_setup,
                                                                 django_capture_on_commit_callbacks):
    order = OrderFactory(shipping=checkout_setup[0])
    url = reverse("orders:note", args=[order.number])
    staff_client.post(url, {"text": "Leave at the back door", "visible_to_customer": "on", "token": uuid.uuid4()})
    staff_client.post(url, {"text": "Difficult customer, be patient", "token": uuid.uuid4()})

    with django_capture_on_commit_callbacks(execute=True):
        order_confirmation_request(order=order)

    body = mail.outbox[0].body
    assert "Note: Leave at the back door" in body
    assert "Difficult customer" not in body


@pytest.mark.parametrize(
    ("text", "message"),
    [("", "Write the note first."), ("x" * 10_000, "at most 2000 characters"),
     ("a\x00b", "Null characters are not allowed"), ("card 4111-1111-1111-1111", "Never store card numbers")],
)
def test_a_bad_note_is_refused_next_to_the_field_and_kept(staff_client, checkout_setup, text, message):
    order = OrderFactory(shipping=checkout_setup[0])
    response = staff_client.post(reverse("orders:note", args=[order.number]), {"text": text, "token": uuid.uuid4()})
    assert response.status_code == 400
    assert message in " ".join(response.context["note_form"].errors["text"])
    assert response.context["note_form"]["text"].value() == text
    assert not OrderEvent.objects.filter(kind="note_added").exists()
