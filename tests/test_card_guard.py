"""Every free-text field staff type refuses a card number, however its digit groups are separated, in every form
that writes it: our pages' and the admin's (the validator sits on the model field, so both inherit it)."""

from decimal import Decimal

import pytest
from django.contrib import admin
from django.test import RequestFactory
from django.urls import reverse
from django.utils import timezone

from customers.models import Customer
from oms.core.validators import CARD_MESSAGE
from orders.models import Order, OrderEvent
from orders.payments.models import Payment
from tests.factories import CustomerFactory, OrderFactory, ProductFactory, UserFactory

pytestmark = pytest.mark.django_db

SEPARATORS = ["  ", " - ", "/", "\t", "\u00a0", "_", ",", "\u200b"]
IDS = ["two spaces", "spaced dash", "slash", "tab", "no-break space", "underscore", "comma", "zero-width space"]


def card_text(separator: str) -> str:
    return f"Paid by card {separator.join(['4111', '1111', '1111', '1111'])}, exp 12/29"


def admin_form(model, obj, data: dict):
    request = RequestFactory().post("/")
    request.user = UserFactory(username="root", is_superuser=True)
    model_admin = admin.site._registry[model]
    form_class = model_admin.get_form(request, obj, change=True)
    initial = {name: value for name, value in form_class(instance=obj).initial.items() if value is not None}
    return form_class(initial | data, instance=obj)


@pytest.mark.parametrize("separator", SEPARATORS, ids=IDS)
def test_customer_notes_in_our_form(staff_client, separator):
    customer = CustomerFactory()
    data = {"first_name": customer.first_name, "last_name": customer.last_name, "email": customer.email,
            "phone": customer.phone, "company": "", "notes": card_text(separator)}
    response = staff_client.post(reverse("customers:edit", args=[customer.pk]), data)
    assert response.status_code == 200
    assert CARD_MESSAGE in response.context["form"].errors["notes"]
    assert Customer.objects.get().notes == ""


@pytest.mark.parametrize("separator", SEPARATORS, ids=IDS)
def test_customer_notes_in_the_admin(separator):
    form = admin_form(Customer, CustomerFactory(), {"notes": card_text(separator)})
    assert not form.is_valid()
    assert form.errors["notes"] == [CARD_MESSAGE]


@pytest.mark.parametrize("separator", SEPARATORS, ids=IDS)
def test_the_staff_note_in_the_order_admin(checkout_setup, separator):
    form = admin_form(Order, OrderFactory(shipping=checkout_setup[0]), {"staff_note": card_text(separator)})
    assert not form.is_valid()
    assert form.errors["staff_note"] == [CARD_MESSAGE]


@pytest.mark.parametrize("separator", SEPARATORS, ids=IDS)
def test_order_notes(staff_client, checkout_setup, separator):
    order = OrderFactory(shipping=checkout_setup[0])
    response = staff_client.post(reverse("orders:note", args=[order.number]), {"text": card_text(separator)})
    assert response.status_code == 400
    assert CARD_MESSAGE in response.context["note_form"].errors["text"]
    assert not OrderEvent.objects.filter(kind="note_added").exists()


@pytest.mark.parametrize("separator", SEPARATORS, ids=IDS)
def test_payment_references(staff_client, checkout_setup, separator):
    order = OrderFactory(lines=[(ProductFactory(price=Decimal("10.00")), 1)], shipping=checkout_setup[0])
    data = {"amount": "5.00", "method": "check", "reference": card_text(separator),
            "received_on": timezone.localdate().isoformat()}
    response = staff_client.post(reverse("orders:payment_new", args=[order.number]), data)
    assert response.status_code == 400
    assert CARD_MESSAGE in response.context["form"].errors["reference"]
    assert not Payment.objects.exists()


@pytest.mark.parametrize(("model", "field"), [(Customer, "notes"), (Order, "staff_note"), (Order, "customer_note"),
                                              (Order, "payment_reference"), (Payment, "reference")])
def test_the_guard_sits_on_the_model_field(model, field):
    from oms.core.validators import validate_no_card_number

    assert validate_no_card_number in model._meta.get_field(field).validators
