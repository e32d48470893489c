"""The API tokens page: a key is shown once and kept only hashed; each user revokes only their own tokens."""

import hashlib
import re

import pytest
from django.urls import reverse

from oms.accounts.roles import MANAGER, ORDER_ENTRY
from oms.api.models import ApiToken
from oms.api.services import api_token_create
from tests.factories import UserFactory
from tests.helpers import logged_in

pytestmark = pytest.mark.django_db

PAGE = reverse("api_tokens:list")


def test_the_account_menu_links_to_the_page():
    client, _ = logged_in(ORDER_ENTRY)
    assert f'href="{PAGE}">API tokens</a>' in client.get(reverse("orders:list")).content.decode()


def test_create_shows_the_key_once_and_keeps_only_its_hash():
    client, user = logged_in(ORDER_ENTRY)

    created = client.post(PAGE, {"name": "Warehouse sync", "expires": ""}, follow=True).content.decode()
    key = re.search(r"oms_[A-Za-z0-9_-]{43}", created).group()
    later = client.get(PAGE).content.decode()

    token = ApiToken.objects.get(user=user)
    assert token.key_hash == hashlib.sha256(key.encode()).hexdigest()
    assert key not in later and "Warehouse sync" in later and token.prefix in later
    assert "Create token" in later and "Revoke" in later


def test_an_expiry_in_the_past_is_refused_beside_the_field():
    client, _ = logged_in(ORDER_ENTRY)
    response = client.post(PAGE, {"name": "Old", "expires": "2000-01-01"})
    assert "That day has passed" in response.content.decode()
    assert not ApiToken.objects.exists()


def test_revoke_ends_the_token():
    client, user = logged_in(ORDER_ENTRY)
    token, key = api_token_create(user=user, name="Sync")

    response = client.post(reverse("api_tokens:revoke", args=[token.pk]))

    assert response.status_code == 302
    token.refresh_from_db()
    assert token.revoked_at is not None
    assert client.get(reverse("api:orders"), HTTP_AUTHORIZATION=f"Bearer {key}").status_code == 401


def test_another_users_token_can_be_neither_revoked_nor_seen():
    client, _ = logged_in(ORDER_ENTRY)
    theirs, _ = api_token_create(user=UserFactory(username="someone-else", role=MANAGER), name="Theirs")

    response = client.post(reverse("api_tokens:revoke", args=[theirs.pk]))

    assert response.status_code == 404
    theirs.refresh_from_db()
    assert theirs.revoked_at is None
    assert "Theirs" not in client.get(PAGE).content.decode()


def test_the_docs_page_renders_for_staff_with_its_script_as_a_file():
    client, _ = logged_in(ORDER_ENTRY)

    page = client.get(reverse("api:docs"))
    script = client.get(reverse("api:docs") + "?script=")
    schema = client.get(reverse("api:schema"))

    html = page.content.decode()
    assert page.status_code == 200 and "<style" not in html and "<script>" not in html
    assert "script-src 'self'" in page["Content-Security-Policy"]
    assert script.status_code == 200 and script["Content-Type"].startswith("application/javascript")
    assert schema.status_code == 200 and b"/api/v1/orders/" in schema.content


def test_the_docs_and_schema_are_not_public(client):
    assert client.get(reverse("api:docs")).status_code in (401, 403)
    assert client.get(reverse("api:schema")).status_code in (401, 403)


def test_the_schema_takes_a_token(api_client):
    client, _, _ = api_client(ORDER_ENTRY)
    assert client.get(reverse("api:schema")).status_code == 200


def test_a_manager_who_has_not_entered_the_code_cannot_read_the_docs_or_schema(client):
    user = UserFactory(username="mia", role=MANAGER)
    client.force_login(user)
    assert client.get(reverse("api:docs")).status_code == 403
    assert client.get(reverse("api:schema")).status_code == 403
    assert client.get(PAGE).status_code == 302  # the tokens page: sent to set up the second factor first
