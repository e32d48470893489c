"""Two-factor login (django-otp): Managers, Administrators and superusers enter a code from an
authenticator app after their password; those without one set it up first and get recovery codes."""

import re
import time
from urllib.parse import unquote

import pytest
from django.contrib.auth.models import Group
from django.test import Client
from django.urls import reverse
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.plugins.otp_static.models import StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from oms.accounts.roles import ADMINISTRATOR, MANAGER, ORDER_ENTRY
from oms.accounts.sessions import SEEN_AT
from tests.factories import UserFactory
from tests.helpers import our_url_names, sample_url, totp_code

pytestmark = pytest.mark.django_db

PASSWORD = "correct horse battery staple"
OPEN = {"login", "logout", "healthz", "accounts:verify", "accounts:setup", "accounts:recovery_codes"}
# The REST API has no pages to send anyone to: it refuses instead (tests/api/test_access.py, test_tokens_page.py).
PAGES = [sample_url(name, parameters) for name, parameters in our_url_names()
         if name not in OPEN and not name.startswith("api:")]


def member(role: str | None, username: str = "mia", **fields):
    user = UserFactory(username=username, **fields)
    if role:
        user.groups.add(Group.objects.get(name=role))
    return user


def with_authenticator(user) -> TOTPDevice:
    return TOTPDevice.objects.create(user=user, name="Phone", confirmed=True)


def logged_in_with_password(user) -> Client:
    client = Client()
    response = client.post(reverse("login"), {"username": user.username, "password": PASSWORD})
    assert response.status_code == 302
    return client


def enter_code(client, code, next_url="/orders/"):
    return client.post(reverse("accounts:verify"), {"code": code, "next": next_url})


@pytest.mark.parametrize("url", [*PAGES, "/admin/", "/admin/auth/user/"])
def test_a_manager_without_an_authenticator_is_sent_to_set_one_up_from_every_page(url):
    client = logged_in_with_password(member(MANAGER))
    response = client.get(url)
    assert response.status_code == 302
    assert response.url.startswith(reverse("accounts:setup") + "?next=")


def test_htmx_requests_are_sent_there_as_a_whole_page():
    client = logged_in_with_password(member(MANAGER))
    response = client.get(reverse("orders:list"), HTTP_HX_REQUEST="true", HTTP_HX_CURRENT_URL="http://testserver/customers/")
    assert response.status_code == 200
    assert response["HX-Redirect"] == reverse("accounts:setup") + "?next=%2Fcustomers%2F"


def test_setup_shows_the_secret_as_text_and_a_qr_code_image():
    client = logged_in_with_password(member(MANAGER))
    response = client.get(reverse("accounts:setup"))
    device = TOTPDevice.objects.get(user__username="mia", confirmed=False)
    text = response.content.decode()

    secret = re.search(r'<code[^>]*id="secret-key">([A-Z2-7 ]+)</code>', text).group(1)
    assert secret.replace(" ", "") in device.config_url
    uri = re.search(r'<img[^>]*src="data:image/svg\+xml;charset=utf-8,([^"]+)"[^>]*alt="QR code for your', text)
    svg = unquote(uri.group(1))
    assert "<path" in svg and "<script" not in svg.lower()
    assert client.get(reverse("accounts:setup")).content.decode().count(secret) == 1  # a reload keeps the secret


def test_setup_with_the_apps_code_turns_it_on_and_shows_ten_recovery_codes_once():
    client = logged_in_with_password(member(MANAGER))
    client.get(reverse("accounts:setup"))
    device = TOTPDevice.objects.get(user__username="mia")

    response = client.post(reverse("accounts:setup"), {"code": totp_code(device), "next": "/customers/"})

    assert response.status_code == 302
    shown = client.get(response.url)
    codes = re.findall(r"<li>([a-z2-7]{8})</li>", shown.content.decode())
    assert len(set(codes)) == 10
    assert set(codes) == set(StaticToken.objects.filter(device__user__username="mia").values_list("token", flat=True))
    assert shown.context["next"] == "/customers/"
    assert re.findall(r"<li>([a-z2-7]{8})</li>", client.get(response.url).content.decode()) == []  # once only
    device.refresh_from_db()
    assert device.confirmed
    assert client.get(reverse("orders:list")).status_code == 200


def test_setup_refuses_a_wrong_code():
    client = logged_in_with_password(member(MANAGER))
    client.get(reverse("accounts:setup"))
    device = TOTPDevice.objects.get(user__username="mia")

    response = client.post(reverse("accounts:setup"), {"code": f"{(int(totp_code(device)) + 1) % 10**6:06d}"})

    assert response.status_code == 200
    assert "That code is not right" in response.content.decode()
    assert not TOTPDevice.objects.filter(user__username="mia", confirmed=True).exists()
    assert client.get(reverse("orders:list")).url.startswith(reverse("accounts:setup"))


def test_with_an_authenticator_a_wrong_code_is_refused():
    user = member(MANAGER)
    device = with_authenticator(user)
    client = logged_in_with_password(user)
    assert client.get(reverse("orders:list")).url.startswith(reverse("accounts:verify") + "?next=")

    response = enter_code(client, f"{(int(totp_code(device)) + 1) % 10**6:06d}")

    assert response.status_code == 200
    assert "That code is not right" in response.content.decode()
    assert client.get(reverse("orders:list")).url.startswith(reverse("accounts:verify"))


def test_with_an_authenticator_the_right_code_lets_them_in():
    user = member(MANAGER)
    device = with_authenticator(user)
    client = logged_in_with_password(user)

    response = enter_code(client, totp_code(device), next_url="/customers/")

    assert response.status_code == 302
    assert response.url == "/customers/"
    assert client.get(reverse("orders:list")).status_code == 200
    assert client.get(reverse("admin:index")).status_code == 200


@pytest.mark.parametrize("next_url", ["²", "orders:list", "https://evil.example/", "//evil.example/", "\x00"])
def test_a_next_that_is_no_path_of_ours_goes_to_the_order_list(next_url):
    user = member(MANAGER)
    device = with_authenticator(user)
    client = logged_in_with_password(user)

    response = enter_code(client, totp_code(device), next_url=next_url)

    assert response.status_code == 302 and response.url == reverse("orders:list")
    assert client.get(reverse("accounts:verify"), {"next": next_url}).url == reverse("orders:list")


def test_a_code_works_only_once():
    user = member(MANAGER)
    device = with_authenticator(user)
    code = totp_code(device)
    assert enter_code(logged_in_with_password(user), code).status_code == 302

    assert enter_code(logged_in_with_password(user), code).status_code == 200  # replayed: refused


def test_a_recovery_code_works_once():
    user = member(ADMINISTRATOR)
    with_authenticator(user)
    recovery = user.staticdevice_set.create(name="Recovery codes", confirmed=True)
    recovery.token_set.create(token="abcd2345")
    recovery.token_set.create(token="wxyz6789")

    first = logged_in_with_password(user)
    assert enter_code(first, "ABCD 2345").status_code == 302  # as typed from a printout
    assert first.get(reverse("orders:list")).status_code == 200

    second = logged_in_with_password(user)
    assert enter_code(second, "abcd2345").status_code == 200
    assert second.get(reverse("orders:list")).status_code == 302
    assert list(recovery.token_set.values_list("token", flat=True)) == ["wxyz6789"]


def test_the_login_form_then_the_code_page_from_start_to_finish():
    user = member(MANAGER)
    device = with_authenticator(user)
    client = Client()

    response = client.post(reverse("login"), {"username": "mia", "password": PASSWORD, "next": "/customers/"},
                           follow=True)
    assert response.redirect_chain[-1][0] == reverse("accounts:verify") + "?next=%2Fcustomers%2F"
    assert "Code" in response.content.decode()
    response = client.post(response.redirect_chain[-1][0], {"code": totp_code(device), "next": "/customers/"},
                           follow=True)
    assert response.redirect_chain[-1][0] == "/customers/"
    assert response.status_code == 200


@pytest.mark.parametrize(("role", "fields"), [(ADMINISTRATOR, {}), (None, {"is_superuser": True})])
def test_administrators_and_superusers_need_it_too(role, fields):
    client = logged_in_with_password(member(role, **fields))
    assert client.get(reverse("orders:list")).url.startswith(reverse("accounts:setup"))


def test_order_entry_and_plain_staff_do_not_need_it():
    for username, role in (("ed", ORDER_ENTRY), ("pat", None)):
        client = logged_in_with_password(member(role, username=username))
        assert client.get(reverse("orders:list")).status_code == 200


def test_staff_who_set_it_up_of_their_own_accord_must_use_it():
    user = member(ORDER_ENTRY)
    device = with_authenticator(user)
    client = logged_in_with_password(user)
    assert client.get(reverse("orders:list")).url.startswith(reverse("accounts:verify"))
    enter_code(client, totp_code(device))
    assert client.get(reverse("orders:list")).status_code == 200


def test_otp_required_for_all_asks_everyone(settings):
    settings.OTP_REQUIRED_FOR_ALL = True
    client = logged_in_with_password(member(None))
    assert client.get(reverse("orders:list")).url.startswith(reverse("accounts:setup"))


def test_a_role_given_during_a_session_asks_for_the_code_within_a_minute():
    user = member(ORDER_ENTRY)
    client = logged_in_with_password(user)
    assert client.get(reverse("orders:list")).status_code == 200
    user.groups.add(Group.objects.get(name=MANAGER))

    session = client.session
    session[SEEN_AT] = int(time.time()) - 61
    session.save()

    assert client.get(reverse("orders:list")).url.startswith(reverse("accounts:setup"))


def test_a_password_alone_cannot_add_a_second_authenticator():
    user = member(MANAGER)
    with_authenticator(user)
    client = logged_in_with_password(user)

    response = client.get(reverse("accounts:setup"))

    assert response.url.startswith(reverse("accounts:verify"))
    assert TOTPDevice.objects.filter(user=user).count() == 1


def test_a_deleted_authenticator_stops_counting_at_the_next_request():
    user = member(MANAGER)
    device = with_authenticator(user)
    client = logged_in_with_password(user)
    assert enter_code(client, totp_code(device)).status_code == 302
    assert client.get(reverse("orders:list")).status_code == 200

    device.delete()  # an Administrator's answer to a lost phone

    assert client.get(reverse("orders:list")).url.startswith(reverse("accounts:setup"))


def test_another_users_authenticator_in_the_session_does_not_count():
    user, other = member(MANAGER), member(MANAGER, username="otto")
    client = logged_in_with_password(user)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = with_authenticator(other).persistent_id
    session.save()

    assert client.get(reverse("orders:list")).url.startswith(reverse("accounts:setup"))
