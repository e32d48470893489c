"""A customer's data: an Administrator exports everything held about a customer as JSON, and erases a
customer with no order under way (their orders keep their money, with the name replaced). Both are in the
audit trail; others see no control and are refused with 403, changing nothing."""

import json
import re
from decimal import Decimal

import pytest
from auditlog.models import LogEntry
from django.apps import apps
from django.contrib.admin.models import CHANGE
from django.contrib.admin.models import LogEntry as AdminLogEntry
from django.contrib.contenttypes.models import ContentType
from django.core.serializers.json import DjangoJSONEncoder
from django.urls import reverse
from django.utils import timezone

from catalog.models import StockReservation
from customers.models import Address, Customer
from customers.services import customer_update
from oms.accounts.roles import ADMINISTRATOR, MANAGER, ORDER_ENTRY
from orders.changes.editing import OrderChange, order_edit_save
from orders.changes.services import order_cancel, order_cancel_remaining, order_status_change
from orders.events import describe
from orders.fulfilment.models import Carrier, Shipment
from orders.fulfilment.services import ShipmentRequest, shipment_record
from orders.models import CreditMemo, Order, Quote, Refund, Return
from orders.notifications.services import order_email_change
from orders.ordering.checkout import DraftCustomLine
from orders.ordering.selectors import new_lines_review
from orders.ordering.stores import Cart
from orders.payments.models import Payment
from orders.payments.services import payment_record, refund_record
from orders.privacy.services import PERSONAL_DATA, customer_data_export
from orders.quotes.services import QuoteTerms, quote_create, quote_withdraw
from orders.returns.services import credit_memo_issue
from orders.services import order_note_add
from tests.factories import OrderFactory, ProductFactory, customer_with_address
from tests.helpers import logged_in, return_goods

pytestmark = pytest.mark.django_db


@pytest.fixture
def customer():
    customer = customer_with_address(first_name="Rosa", last_name="Delgado", email="rosa@example.com",
                                     phone="555-0142", company="Cedar Lane Cafe")
    customer_update(customer=customer, changes={"notes": "Prefers calls after 3pm"})
    return customer


def finished_order(customer, *, cancel=False):
    product = ProductFactory(sku=f"LMP-{Order.objects.count() + 1}", price=Decimal("39.00"))
    order = OrderFactory(customer=customer, lines=[(product, 2)])
    if cancel:
        order_cancel(order=order, reason="Changed their mind")
    else:  # shipped the way staff ship (a shipment of every line), then completed
        order_status_change(order=order, status=Order.Status.PROCESSING)
        carrier = Carrier.objects.get_or_create(name="UPS")[0]
        shipment_record(order=order, request=ShipmentRequest(carrier=carrier, tracking_numbers=["1Z999"],
                                                             shipped_on=timezone.localdate()))
        order_status_change(order=Order.objects.get(pk=order.pk), status=Order.Status.COMPLETED)
    return Order.objects.get(pk=order.pk)


def test_an_administrator_exports_everything_held_about_a_customer(customer):
    order = finished_order(customer)
    order_note_add(order=order, text="Left at the back door", visible_to_customer=False)
    client, administrator = logged_in(ADMINISTRATOR)

    response = client.post(reverse("customer_data:export", args=[customer.pk]))

    assert response.status_code == 200
    assert response["Content-Disposition"] == f'attachment; filename="customer-{customer.number}.json"'
    data = json.loads(response.content)
    assert data["customer"]["email"] == "rosa@example.com" and data["customer"]["notes"] == "Prefers calls after 3pm"
    assert [address["line1"] for address in data["addresses"]] == [customer.default_billing_address.line1]
    [exported] = data["orders"]
    assert exported["number"] == order.number and exported["total"] == str(order.total)
    assert [(line["sku"], line["quantity"]) for line in exported["lines"]] == [("LMP-1", 2)]
    assert "Left at the back door" in [event["data"].get("text") for event in exported["events"]]
    assert "Staff note: Left at the back door" in [event["message"] for event in exported["events"]]  # as shown
    entry = LogEntry.objects.get_for_object(customer).latest("pk")
    assert (entry.action, entry.actor, entry.changes_dict) == (LogEntry.Action.ACCESS, administrator,
                                                              {"data": ["", "exported"]})


def test_an_administrator_erases_a_customer_whose_orders_are_finished(customer):
    completed, cancelled = finished_order(customer), finished_order(customer, cancel=True)
    order_email_change(order=completed, email="rosa.d@example.com")
    totals = {order.pk: (order.total, order.subtotal, order.tax) for order in (completed, cancelled)}
    client, administrator = logged_in(ADMINISTRATOR)
    assert client.get(reverse("customer_data:erase", args=[customer.pk])).status_code == 200

    response = client.post(reverse("customer_data:erase", args=[customer.pk]))

    assert response.status_code == 302
    customer.refresh_from_db()
    assert (customer.name, customer.email, customer.phone, customer.company, customer.notes) == (
        f"Erased customer {customer.number}", "", "", "", "")
    address = customer.addresses.get()
    assert (address.name, address.line1, address.city, address.phone) == (customer.name, "[erased]", "[erased]", "")
    for order in Order.objects.filter(customer=customer).prefetch_related("lines", "events"):
        assert (order.total, order.subtotal, order.tax) == totals[order.pk]
        assert (order.customer_name, order.customer_email) == (customer.name, "")
        assert order.billing_address["line1"] == "[erased]" and order.billing_address["country"] == "US"
        assert [line.quantity for line in order.lines.all()] == [2]
        timeline = json.dumps([(event.message, event.data, describe(event)) for event in order.events.all()])
        assert "rosa" not in timeline.lower() and "Delgado" not in timeline


def test_erasing_leaves_nothing_personal_in_the_audit_trail_and_records_who_erased(customer):
    finished_order(customer)
    client, administrator = logged_in(ADMINISTRATOR)
    client.post(reverse("customer_data:erase", args=[customer.pk]))

    entries = LogEntry.objects.filter(object_repr__icontains="Delgado") | LogEntry.objects.filter(
        changes_text__icontains="rosa")
    assert not entries.exists()
    assert not any("Delgado" in json.dumps(entry.changes) or "rosa@" in json.dumps(entry.changes)
                   for entry in LogEntry.objects.all())
    erased = LogEntry.objects.get_for_object(customer).latest("pk")
    assert erased.actor == administrator and erased.changes_dict == {"personal data": ["[erased]", "erased"]}
    # the earlier entries still say who changed which field, when
    assert LogEntry.objects.get_for_object(customer).filter(changes__has_key="notes").exists()


def test_a_customer_with_an_order_under_way_is_not_erased(customer):
    open_order = OrderFactory(customer=customer)
    client, _ = logged_in(ADMINISTRATOR)

    page = client.get(reverse("customer_data:erase", args=[customer.pk]))
    assert f"#{open_order.number}" in page.content.decode()
    assert "Erase customer</button>" not in page.content.decode()
    response = client.post(reverse("customer_data:erase", args=[customer.pk]), follow=True)

    assert "orders still under way" in response.content.decode()
    customer.refresh_from_db()
    assert customer.email == "rosa@example.com"
    assert Order.objects.get(pk=open_order.pk).customer_name == "Rosa Delgado"


def test_a_customer_whose_order_is_partially_shipped_is_not_erased(customer):
    # given an order half shipped: the rest still goes out to this customer's address
    product = ProductFactory(sku="LMP-9", price=Decimal("39.00"))
    order = OrderFactory(customer=customer, lines=[(product, 2)])
    shipment_record(order=order, request=ShipmentRequest(
        carrier=Carrier.objects.get_or_create(name="UPS")[0], tracking_numbers=["1Z999"],
        shipped_on=timezone.localdate(), quantities={order.lines.get().pk: 1}))
    assert Order.objects.get(pk=order.pk).status == Order.Status.PARTIALLY_SHIPPED
    client, _ = logged_in(ADMINISTRATOR)

    # when an Administrator asks to erase the customer
    page = client.get(reverse("customer_data:erase", args=[customer.pk])).content.decode()
    response = client.post(reverse("customer_data:erase", args=[customer.pk]), follow=True)

    # then the order is named as under way and nothing is erased
    assert f"#{order.number}" in page and "Erase customer</button>" not in page
    assert f"orders still under way (#{order.number})" in response.content.decode()
    customer.refresh_from_db()
    assert customer.email == "rosa@example.com"
    assert Order.objects.get(pk=order.pk).shipping_address["line1"] != "[erased]"


@pytest.mark.parametrize("role", [ORDER_ENTRY, MANAGER])
def test_others_see_no_customer_data_controls_and_a_forged_request_changes_nothing(customer, role):
    finished_order(customer)
    client, _ = logged_in(role)
    entries = LogEntry.objects.count()

    record = client.get(customer.get_absolute_url()).content.decode()
    assert "Export data" not in record and "Erase customer" not in record
    assert client.post(reverse("customer_data:export", args=[customer.pk])).status_code == 403
    assert client.post(reverse("customer_data:erase", args=[customer.pk])).status_code == 403

    customer.refresh_from_db()
    assert customer.email == "rosa@example.com" and LogEntry.objects.count() == entries


def test_administrators_see_the_customer_data_controls(customer):
    client, _ = logged_in(ADMINISTRATOR)
    record = client.get(customer.get_absolute_url()).content.decode()
    assert "Export data</button>" in record and "Erase customer</a>" in record


ZELDA_ADDRESS = {"name": "Zelda Quinn", "company": "Quinn Curios", "line1": "77 Secret Lane", "line2": "Flat 9",
                 "city": "Quillhaven", "region": "OR", "postal_code": "97999", "country": "US", "phone": "555-0199"}
# Every way Zelda was written down: none may survive her erasure, anywhere.
ZELDA = ["Zelda", "Quinn", "zelda@example.com", "zq@example.net", "555-0199", "77 Secret Lane", "Flat 9",
         "Quillhaven", "97999", "12 Hidden Row", "Call her after lunch", "Moved away"]


def zelda_with_her_history(admin_user):
    """Zelda, her address, and what staff did for her: notes at checkout, an edit to her address, her email
    changed, a note, a payment, a shipment with its email, a cancelled order, and an admin edit."""
    zelda = customer_with_address(first_name="Zelda", last_name="Quinn", email="zelda@example.com",
                                  phone="555-0199", company="Quinn Curios", tax_exemption_number="EX-ZQ-1")
    Address.objects.filter(customer=zelda).update(**{k: v for k, v in ZELDA_ADDRESS.items() if k != "country"})
    product = ProductFactory(sku="ZQ-1", price=Decimal("20.00"))
    order = OrderFactory(customer=zelda, lines=[(product, 2)], billing_address=ZELDA_ADDRESS,
                         shipping_address=ZELDA_ADDRESS, staff_note="Zelda Quinn prefers mornings",
                         customer_note="Ring twice, Zelda", payment_reference="PO Quinn 7")
    order_edit_save(order=order, change=OrderChange(
        version=order.version, token="edit-1", quantities={product.pk: 2},
        shipping_address=ZELDA_ADDRESS | {"line1": "12 Hidden Row"}))
    order_email_change(order=Order.objects.get(pk=order.pk), email="zq@example.net")
    order_note_add(order=order, text="Call her after lunch at 555-0199 about 77 Secret Lane",
                   visible_to_customer=False)
    payment_record(order=order, amount=Decimal("5.00"), method="check", reference="Zelda's check 31",
                   received_on=timezone.localdate())
    order_status_change(order=Order.objects.get(pk=order.pk), status=Order.Status.PROCESSING)
    carrier = Carrier.objects.get_or_create(name="UPS")[0]
    shipment_record(order=Order.objects.get(pk=order.pk), request=ShipmentRequest(
        carrier=carrier, tracking_numbers=["1Z999"], shipped_on=timezone.localdate(), send_email=True))
    order_status_change(order=Order.objects.get(pk=order.pk), status=Order.Status.COMPLETED)
    order_cancel(order=OrderFactory(customer=zelda, billing_address=ZELDA_ADDRESS, shipping_address=ZELDA_ADDRESS),
                 reason="Moved away from Quillhaven")
    apps.get_model("django_tasks_database", "DBTaskResult").objects.create(  # an email that failed for good
        args_kwargs={"args": [order.number, "shipping", "k1"], "kwargs": {}},
        task_path="orders.notifications.tasks.order_email_send",
        backend_name="default", run_after=timezone.now(), status="FAILED", exception_class_path="EmailNotSent",
        traceback="SMTPRecipientsRefused: {'zq@example.net': (550, b'No such user')}")
    AdminLogEntry.objects.create(user=admin_user, content_type=ContentType.objects.get_for_model(Customer),
                                 object_id=str(zelda.pk), object_repr=str(zelda), action_flag=CHANGE,
                                 change_message='[{"changed": {"fields": ["Phone"]}}]')
    return zelda, Order.objects.get(pk=order.pk)


def zelda_returns_goods(zelda) -> Return:
    """A third order of Zelda's, with a custom item named for her: paid, partly shipped, the rest cancelled (a
    reason naming her), part returned (instructions emailed, a reason naming her, the email failed), received (a
    credit memo with her plaque's line), a goodwill credit, refunds by check (its email failed) and to store
    credit; then completed."""
    product = ProductFactory(sku="ZQ-2", price=Decimal("15.00"))
    order = OrderFactory(customer=zelda, lines=[(product, 3)], billing_address=ZELDA_ADDRESS,
                         shipping_address=ZELDA_ADDRESS, custom_lines=(
                             DraftCustomLine("Engraved plaque for Zelda Quinn", Decimal("12.00"), 1),))
    payment_record(order=order, amount=order.total, method="check", reference="Quinn check 32",
                   received_on=timezone.localdate())
    lines = {line.sku: line.pk for line in order.lines.all()}
    shipment_record(order=order, request=ShipmentRequest(
        carrier=Carrier.objects.get_or_create(name="UPS")[0], tracking_numbers=["1Z998"],
        shipped_on=timezone.localdate(), quantities={lines["ZQ-2"]: 2, lines[""]: 1}))
    order_cancel_remaining(order=Order.objects.get(pk=order.pk), reason="Zelda Quinn needs only two")
    ret, _ = return_goods(Order.objects.get(pk=order.pk), {"ZQ-2": 1, "": 1}, send_email=True,
                          reason_text="Zelda says the plaque misspells Quinn", refund_shipping=True)
    Return.objects.filter(pk=ret.pk).update(email_state="failed", email_error="550 zelda@example.com: no such user")
    credit_memo_issue(order=order, amount=Decimal("2.00"), reason="Sorry for the trouble, Ms Quinn")
    refund = refund_record(order=order, amount=Decimal("20.00"), method="check", reference="Check to Zelda 4410",
                           send_email=True)
    Refund.objects.filter(pk=refund.pk).update(email_state="failed", email_error="zelda@example.com refused")
    refund_record(order=order, amount=Decimal("3.00"), method="store_credit")
    order_status_change(order=Order.objects.get(pk=order.pk), status=Order.Status.COMPLETED)
    return ret


def traces(text: str) -> list[str]:
    return [word for word in ZELDA if word.lower() in text.lower()]


def test_after_erasure_no_trace_of_the_customer_is_left_anywhere(admin_client, admin_user):
    zelda, order = zelda_with_her_history(admin_user)
    ret = zelda_returns_goods(zelda)
    memo = CreditMemo.objects.filter(ret=ret).get()
    client, _ = logged_in(ADMINISTRATOR)
    assert traces(client.get(order.get_absolute_url()).content.decode())  # there before
    assert traces(json.dumps(list(CreditMemo.objects.values("reason")) + list(Return.objects.values())
                             + list(Refund.objects.values()), cls=DjangoJSONEncoder))

    assert client.post(reverse("customer_data:erase", args=[zelda.pk])).status_code == 302

    address = zelda.addresses.get()
    pages = {
        "order page": client.get(order.get_absolute_url()),
        "customer page": client.get(zelda.get_absolute_url()),
        "export": client.post(reverse("customer_data:export", args=[zelda.pk])),
        "admin customer": admin_client.get(reverse("admin:customers_customer_change", args=[zelda.pk])),
        "admin customer history": admin_client.get(reverse("admin:customers_customer_history", args=[zelda.pk])),
        "admin address": admin_client.get(reverse("admin:customers_address_change", args=[address.pk])),
        "admin order": admin_client.get(reverse("admin:orders_order_change", args=[order.number])),
        "admin orders": admin_client.get(reverse("admin:orders_order_changelist")),
        "returned order page": client.get(memo.order.get_absolute_url()),
        "credit memo": client.get(reverse("orders:credit_memo", args=[memo.number])),
        "admin return": admin_client.get(reverse("admin:orders_return_change", args=[ret.pk])),
        "admin credit memos": admin_client.get(reverse("admin:orders_creditmemo_changelist")),
        "admin credit memo": admin_client.get(reverse("admin:orders_creditmemo_change", args=[memo.pk])),
        "admin refunds": admin_client.get(reverse("admin:orders_refund_changelist")),
    }
    assert {name: response.status_code for name, response in pages.items()} == dict.fromkeys(pages, 200)
    assert {name: traces(response.content.decode()) for name, response in pages.items()} == dict.fromkeys(pages, [])
    rows = {model._meta.label: traces(json.dumps(list(model.objects.values()), cls=DjangoJSONEncoder))
            for model in apps.get_models()}
    assert {label: found for label, found in rows.items() if found} == {}
    # what the business keeps: the money, the lines, the shipment and payment, and that a note was written
    assert (order.total, order.lines.get().quantity, order.amount_paid) == (
        Order.objects.get(pk=order.pk).total, 2, Decimal("5.00"))
    assert Shipment.objects.get(order=order).tracking_numbers == ["1Z999"]
    assert Payment.objects.get(order=order).reference == "[erased]'s check 31"
    assert order.events.get(kind="note_added").message == "Staff note: [erased]"
    # and of what came back: the quantities and money, the scrubbed reasons, references and descriptions
    assert [(line.quantity, line.quantity_received) for line in ret.lines.all()] == [(1, 1), (1, 1)]
    assert (CreditMemo.objects.get(pk=memo.pk).total, memo.lines.get(sku="").name) == (
        memo.total, "Engraved plaque for [erased]")
    assert Return.objects.get(pk=ret.pk).reason_text == "[erased] says the plaque misspells [erased]"
    assert sorted(Refund.objects.values_list("amount", "reference")) == [
        (Decimal("3.00"), ""), (Decimal("20.00"), "Check to [erased] 4410")]
    # the reasons staff typed on the timeline are cleared, as a cancellation's is
    reasons = {event.kind: event.data["reason"] for event in memo.order.events.filter(
        kind__in=["return_authorized", "remaining_cancelled", "credit_memo"], data__reason__gt="")}
    assert reasons == {"return_authorized": "[erased]", "remaining_cancelled": "[erased]", "credit_memo": "[erased]"}


def test_the_export_holds_the_customers_payments_and_shipments(admin_user):
    zelda, order = zelda_with_her_history(admin_user)

    data = customer_data_export(customer=zelda)

    [exported, _] = data["orders"]
    assert [payment["reference"] for payment in exported["payments"]] == ["Zelda's check 31"]
    assert [shipment["email_to"] for shipment in exported["shipments"]] == ["zq@example.net"]


def test_the_export_holds_the_customers_returns_credit_memos_refunds_and_store_credit(admin_user):
    zelda, _ = zelda_with_her_history(admin_user)
    ret = zelda_returns_goods(zelda)

    data = json.loads(json.dumps(customer_data_export(customer=zelda), cls=DjangoJSONEncoder))

    [exported] = data["returns"]
    assert (exported["number"], exported["reason_text"], exported["email_to"]) == (
        ret.label, "Zelda says the plaque misspells Quinn", "zelda@example.com")
    assert [(line["quantity"], line["quantity_received"]) for line in exported["lines"]] == [(1, 1), (1, 1)]
    returned = data["orders"][-1]
    memos = returned["credit_memos"]
    assert [memo["reason"] for memo in memos] == ["", "Sorry for the trouble, Ms Quinn"]
    assert "Engraved plaque for Zelda Quinn" in [line["name"] for line in memos[0]["lines"]]
    assert [(refund["amount"], refund["reference"]) for refund in returned["refunds"]] == [
        ("20.00", "Check to Zelda 4410"), ("3.00", "")]
    assert [entry["amount"] for entry in data["store_credit"]] == ["3.00"]


# Fields whose names look personal but hold no customer's personal data, each with why ("staff": the personal data
# of staff members, kept for security and removed with their account, not a customer's).
NOT_PERSONAL = {
    "admin.LogEntry.change_message": "names the fields changed, never their values",
    "auth.Permission.name": "a permission's description",
    "auth.Permission.codename": "a permission's code",
    "auth.Group.name": "a role",
    "auth.User.username": "staff account",
    "auth.User.first_name": "staff account",
    "auth.User.last_name": "staff account",
    "auth.User.email": "staff account",
    "sessions.Session.session_data": "staff sessions: a cart or an unread message may name a customer; they expire",
    "django_tasks_database.DBTaskResult.queue_name": "a queue",
    "django_tasks_database.DBTaskResult.backend_name": "a backend",
    "axes.AccessFailureLog.username": "staff login attempts (security log)",
    "axes.AccessFailureLog.ip_address": "staff login attempts",
    "axes.AccessFailureLog.user_agent": "staff",
    "axes.AccessAttempt.username": "staff login attempts (security log)",
    "axes.AccessAttempt.ip_address": "staff",
    "axes.AccessAttempt.user_agent": "staff",
    "axes.AccessAttempt.get_data": "staff login form",
    "axes.AccessAttempt.post_data": "staff login form (passwords masked)",
    "axes.AccessLog.username": "staff logins (security log)",
    "axes.AccessLog.ip_address": "staff",
    "axes.AccessLog.user_agent": "staff",
    "otp_totp.TOTPDevice.name": "a staff member's authenticator",
    "api.ApiToken.name": "a staff member's name for their API token (\"Warehouse sync\")",
    "otp_static.StaticDevice.name": "staff",
    "auditlog.LogEntry.actor_email": "staff",
    "auditlog.LogEntry.additional_data": "whether the change was made in the admin or our pages",
    "customers.CustomerType.name": "a price level",
    "catalog.Product.name": "a product",
    "catalog.Product.description": "a product",
    "catalog.StockMovement.reason": "why stock moved: an order's movements name only the order (its timeline says why)",
    "catalog.StockReceipt.reference": "a supplier's delivery note",
    "orders.ShippingMethod.name": "a shipping method",
    "orders.TaxRate.name": "a jurisdiction",
    "orders.PriceReason.text": "a reason from the admin's list",
    "orders.Carrier.name": "a carrier",
    "orders.Shipment.email_state": "whether the email was sent",
    "orders.Shipment.email_sent_at": "when",
    "orders.Return.email_state": "whether the email was sent",
    "orders.Return.email_sent_at": "when",
    "orders.Refund.email_state": "whether the email was sent",
    "orders.Refund.email_sent_at": "when",
    "orders.ReturnReason.name": "a reason from the admin's list",
    "orders.MerchantSettings.name": "the merchant's own details",
    "orders.MerchantSettings.address": "the merchant",
    "orders.MerchantSettings.email": "the merchant",
    "orders.MerchantSettings.phone": "the merchant",
    "orders.MerchantSettings.invoice_footer": "the merchant",
    "webhooks.Endpoint.description": "the receiving system, named by an Administrator",
}

LOOKS_PERSONAL = re.compile(r"name|email|phone|address|line\d|city|postal|note|text|reference|message|data|company|"
                            r"repr|change|error|traceback|return_value|ip_|user_agent|description|footer|exemption|"
                            r"reason|^to$|_to$")


def test_every_field_that_looks_personal_is_in_the_erasure_inventory_or_judged_not_personal():
    unjudged = []
    for model in apps.get_models():
        label = model._meta.label
        for field in model._meta.concrete_fields:
            if field.is_relation or not LOOKS_PERSONAL.search(field.name):
                continue
            if field.name not in PERSONAL_DATA.get(label, {}) and f"{label}.{field.name}" not in NOT_PERSONAL:
                unjudged.append(f"{label}.{field.name}")
    assert unjudged == [], ("Add each to orders.customer_data.PERSONAL_DATA (and erase it) or, if it holds no "
                            "customer's personal data, to NOT_PERSONAL here with why")
    judged = {f"{model._meta.label}.{field.name}" for model in apps.get_models()
              for field in model._meta.concrete_fields if LOOKS_PERSONAL.search(field.name)}
    assert set(NOT_PERSONAL) <= judged  # no stale entries
    for label, fields in PERSONAL_DATA.items():  # and the inventory names real fields
        if apps.is_installed(apps.get_app_config(label.split(".")[0]).name):
            model_fields = {field.name for field in apps.get_model(label)._meta.concrete_fields}
            assert set(fields) <= model_fields, label


def test_a_customer_s_quotes_are_exported_and_deleted_with_their_reservations_when_erased(customer):
    lamp = ProductFactory(sku="QLMP-1", stock=10)
    cart = Cart({}, "q", {"lines": [{"product_id": lamp.pk, "quantity": 4, "price_seen": ""}]})
    quote, _ = quote_create(review=new_lines_review(cart, customer), actor=None, token="privacy",
                            terms=QuoteTerms(valid_until=timezone.localdate(), reserve_stock=True))
    client, _ = logged_in(ADMINISTRATOR)
    [exported] = json.loads(client.post(reverse("customer_data:export", args=[customer.pk])).content)["quotes"]
    assert exported["number"] == quote.number and exported["versions"][0]["lines"][0]["sku"] == "QLMP-1"
    quote_withdraw(quote=quote, reason="Rosa Delgado changed her mind", actor=None)
    StockReservation.objects.create(product=lamp, quantity=1, until=timezone.now(), holder=quote.holder)

    assert client.post(reverse("customer_data:erase", args=[customer.pk])).status_code == 302

    assert not Quote.objects.filter(pk=quote.pk).exists()
    assert not StockReservation.objects.filter(holder=quote.holder).exists()
