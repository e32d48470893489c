"""Every search, ours and every ModelAdmin's, takes at most SEARCH_MAX_LENGTH characters and SEARCH_MAX_TERMS
words: longer ones are cut with a message (or refused beside the field in a form), never a 500."""

import pytest
from django.contrib import admin
from django.urls import reverse

from oms.core.search import SEARCH_MAX_LENGTH, SEARCH_MAX_TERMS, search_capped
from tests.factories import CustomerFactory
from tests.helpers import start_cart

LONG = "smith" * 12_000  # 60,000 characters
WORDS = " ".join(f"w{index}" for index in range(2_000))


def test_search_capped_cuts_words_then_characters_and_says_so():
    assert search_capped("  Mary   Smith ") == ("Mary Smith", None)
    words, notice = search_capped(WORDS)
    assert words.split() == [f"w{index}" for index in range(SEARCH_MAX_TERMS)] and "first 10 words" in notice
    text, notice = search_capped(LONG)
    assert len(text) == SEARCH_MAX_LENGTH and "first 100 characters" in notice


@pytest.mark.django_db
@pytest.mark.parametrize("name", ["customers:list", "catalog:list", "orders:list"])
@pytest.mark.parametrize(("query", "notice"), [(LONG, "first 100 characters"), (WORDS, "first 10 words")])
def test_our_search_pages_cut_a_long_search_and_say_so(staff_client, name, query, notice):
    CustomerFactory(last_name="Smith")
    response = staff_client.get(reverse(name), {"q": query})
    assert response.status_code == 200
    assert notice in response.content.decode()


@pytest.mark.django_db
def test_a_short_search_gets_no_notice(staff_client):
    response = staff_client.get(reverse("customers:list"), {"q": "Smith"})
    assert response.status_code == 200 and "Searched for the first" not in response.content.decode()


@pytest.mark.django_db
@pytest.mark.parametrize(("value", "error"), [
    ("x" * 10_000, "at most 100 characters"), (WORDS, "at most 10 words")])
def test_identify_refuses_a_long_search_beside_the_field(staff_client, value, error):
    cart_id = start_cart(staff_client)
    response = staff_client.get(reverse("orders:identify", args=[cart_id]), {"last_name": value})
    assert response.status_code == 200
    assert error in response.content.decode()


@pytest.mark.django_db
def test_product_type_ahead_cuts_a_long_search_and_says_so(staff_client):
    cart_id = start_cart(staff_client)
    response = staff_client.get(reverse("orders:cart_products", args=[cart_id]), {"query": WORDS})
    assert response.status_code == 200 and "first 10 words" in response.content.decode()


SEARCHABLE = sorted(
    (f"admin:{model._meta.app_label}_{model._meta.model_name}_changelist" for model, model_admin
     in admin.site._registry.items() if model_admin.search_fields),
)


def test_the_admin_has_searchable_changelists_of_ours_and_of_libraries():
    assert {"admin:customers_customer_changelist", "admin:auth_user_changelist",
            "admin:axes_accessattempt_changelist"} <= set(SEARCHABLE)


@pytest.mark.django_db
@pytest.mark.parametrize("name", SEARCHABLE)
@pytest.mark.parametrize(("query", "notice"), [(LONG, "first 100 characters"), (WORDS, "first 10 words")])
def test_every_admin_search_cuts_a_long_search_and_says_so(admin_client, name, query, notice):
    response = admin_client.get(reverse(name), {"q": query})
    assert response.status_code == 200
    assert notice in response.content.decode()

