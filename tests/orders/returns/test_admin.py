"""Returns, credit memos, refunds and store credit in the admin: shown to who may view them, never added, changed or
deleted there (the services write them); return reasons are edited there. Pages read as many queries for many
records or lines as for one."""

from decimal import Decimal

import pytest
from django.contrib.auth.models import Permission
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from orders.models import CreditMemo, Refund, Return, ReturnReason, StoreCredit
from orders.payments.services import payment_record, refund_record
from orders.returns.services import credit_memo_issue
from tests.factories import OrderFactory, ProductFactory, UserFactory
from tests.helpers import return_goods, ship_everything, verified

pytestmark = pytest.mark.django_db

READ_ONLY = ["return", "creditmemo", "refund", "storecredit"]


def came_back(shipping, *, lines: int = 1) -> Return:
    """A shipped, paid order of ``lines`` lines, all returned and received (a credit memo), refunded to store
    credit, with a goodwill credit memo too."""
    products = [ProductFactory() for _ in range(lines)]
    order = ship_everything(OrderFactory(lines=[(product, 2) for product in products], shipping=shipping))
    payment_record(order=order, amount=order.total, method="check", received_on=timezone.localdate())
    ret, memos = return_goods(order, {product.sku: 1 for product in products},
                              reason=ReturnReason.objects.get_or_create(name="Wrong size")[0])
    refund_record(order=order, amount=memos[0].total, method="store_credit")
    credit_memo_issue(order=order, amount=Decimal("1.00"), reason="Late delivery")
    return ret


@pytest.fixture
def records(checkout_setup):
    return came_back(checkout_setup[0])


def url(model: str, view: str, *args) -> str:
    return reverse(f"admin:orders_{model}_{view}", args=args)


def first_pk(model: str):
    return {"return": Return, "creditmemo": CreditMemo, "refund": Refund, "storecredit": StoreCredit}[model] \
        .objects.order_by("pk").values_list("pk", flat=True).first()


@pytest.mark.parametrize("model", READ_ONLY)
def test_an_admin_sees_them_and_cannot_add_change_or_delete_them(admin_client, records, model):
    changelist = admin_client.get(url(model, "changelist"))
    change = admin_client.get(url(model, "change", first_pk(model)))

    assert changelist.status_code == 200 and change.status_code == 200
    assert changelist.context["cl"].result_count >= 1
    assert not changelist.context["has_add_permission"] and b'name="_save"' not in change.content
    assert admin_client.get(url(model, "add")).status_code == 403
    assert admin_client.post(url(model, "change", first_pk(model)), {}).status_code == 403
    assert admin_client.get(url(model, "delete", first_pk(model))).status_code == 403


def test_the_changelists_show_the_numbers_staff_quote(admin_client, records):
    memo = CreditMemo.objects.filter(ret=records).get()
    returns = admin_client.get(url("return", "changelist")).content.decode()
    memos = admin_client.get(url("creditmemo", "changelist")).content.decode()
    assert records.label in returns and "Wrong size" in returns
    assert memo.label in memos and "Late delivery" in memos
    page = admin_client.get(url("creditmemo", "change", memo.pk)).content.decode()
    assert reverse("orders:credit_memo", args=[memo.number]) in page  # its document
    assert memo.lines.get().sku in page  # its lines, inline


def test_a_forged_post_changes_nothing(admin_client, records):
    memo = CreditMemo.objects.filter(ret=records).get()
    admin_client.post(url("creditmemo", "change", memo.pk), {"total": "9999.00", "reason": "forged"})
    admin_client.post(url("creditmemo", "delete", memo.pk), {"post": "yes"})
    admin_client.post(url("creditmemo", "changelist"), {"action": "delete_selected", "_selected_action": [memo.pk],
                                                        "post": "yes"})
    assert CreditMemo.objects.get(pk=memo.pk).total == memo.total


@pytest.mark.parametrize(("term", "found"), [("R{ret}", 1), ("{ret}", 1), ("abc", 0), ("R" + "9" * 30, 0), ("", 1)])
def test_returns_are_searched_by_number(admin_client, records, term, found):
    response = admin_client.get(url("return", "changelist"), {"q": term.format(ret=records.number)})
    assert response.status_code == 200 and response.context["cl"].result_count == found


def test_credit_memos_and_refunds_are_found_by_their_order_number(admin_client, records):
    order = records.lines.get().order_id
    for model in ("creditmemo", "refund", "storecredit"):
        assert admin_client.get(url(model, "changelist"), {"q": str(order)}).context["cl"].result_count >= 1
        assert admin_client.get(url(model, "changelist"), {"q": "#0"}).context["cl"].result_count == 0


def test_staff_with_the_view_permission_see_them_others_are_refused(records):
    viewer, other = UserFactory(username="viewer", role=""), UserFactory(username="other", role="")
    viewer.user_permissions.add(*Permission.objects.filter(
        codename__in=[f"view_{model}" for model in READ_ONLY], content_type__app_label="orders"))
    for user, status in ((viewer, 200), (other, 403)):
        client = Client()
        client.force_login(user)
        verified(client, user)
        for model in READ_ONLY:
            assert client.get(url(model, "changelist")).status_code == status, (user, model)
            assert client.get(url(model, "change", first_pk(model))).status_code == status, (user, model)


def test_return_reasons_are_added_and_ordered_in_the_admin(admin_client, db):
    response = admin_client.post(url("returnreason", "add"), {"name": "Arrived damaged", "is_active": "on",
                                                               "position": "2"})
    assert response.status_code == 302
    reason = ReturnReason.objects.get(name="Arrived damaged")
    assert (reason.is_active, reason.position) == (True, 2)
    assert admin_client.get(url("returnreason", "changelist")).status_code == 200


def queries(client, address: str) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(address).status_code == 200
    return len(captured)


def test_the_changelists_read_as_many_queries_for_many_records_as_for_one(admin_client, checkout_setup):
    came_back(checkout_setup[0])
    few = {model: queries(admin_client, url(model, "changelist")) for model in [*READ_ONLY, "returnreason"]}
    for _ in range(8):
        came_back(checkout_setup[0])
    many = {model: queries(admin_client, url(model, "changelist")) for model in [*READ_ONLY, "returnreason"]}
    assert many == few


def test_a_return_and_a_credit_memo_read_as_many_queries_for_many_lines_as_for_one(admin_client, checkout_setup):
    def pages(ret: Return) -> tuple[int, int]:
        memo = CreditMemo.objects.filter(ret=ret).get()
        return (queries(admin_client, url("return", "change", ret.pk)),
                queries(admin_client, url("creditmemo", "change", memo.pk)))

    assert pages(came_back(checkout_setup[0], lines=1)) == pages(came_back(checkout_setup[0], lines=20))
