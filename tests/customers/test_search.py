import pytest
from django.urls import reverse

from customers.selectors import customer_identify_search, customer_search
from tests.factories import CustomerFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def people():
    return {
        "grace": CustomerFactory(first_name="Grace", last_name="Hopper", company="Navy Labs",
                                 email="grace@navy.example", phone="555-0100"),
        "alan": CustomerFactory(first_name="Alan", last_name="Turing", company="Bletchley Park",
                                email="alan@bp.example", phone="555-0199"),
    }


@pytest.mark.parametrize(
    ("query", "expected"),
    [("hop", "grace"), ("HOPPER", "grace"), ("grace", "grace"), ("navy", "grace"), ("bletch", "alan"),
     ("alan@bp", "alan"), ("555-0199", "alan"), ("Grace Hop", "grace")],
)
def test_customer_list_search_finds_by_each_field(people, query, expected):
    assert list(customer_search(query)) == [people[expected]]


def test_customer_list_search_finds_by_customer_number(people):
    grace = people["grace"]
    for query in (grace.number, grace.number.lower(), str(grace.pk)):
        assert grace in customer_search(query)


def test_customer_list_search_is_a_prefix_match(people):
    assert list(customer_search("opper")) == []


def test_identify_search_needs_every_filled_field_to_match(people):
    assert list(customer_identify_search(last_name="tur")) == [people["alan"]]
    assert list(customer_identify_search(company="navy", email="grace@")) == [people["grace"]]
    assert list(customer_identify_search(last_name="tur", company="navy")) == []
    assert list(customer_identify_search()) == []


def test_customer_list_page_searches_and_links_names(staff_client, people):
    response = staff_client.get(reverse("customers:list"), {"q": "turing"})
    assert [customer.pk for customer in response.context["page"]] == [people["alan"].pk]
    assert f'href="{people["alan"].get_absolute_url()}"'.encode() in response.content


def test_customer_list_pages_through_results(staff_client):
    CustomerFactory.create_batch(30, last_name="Smith")
    first = staff_client.get(reverse("customers:list"), {"q": "smith"})
    second = staff_client.get(reverse("customers:list"), {"q": "smith", "page": 2})
    assert len(first.context["page"]) == 25 and first.context["page"].has_next
    assert len(second.context["page"]) == 5 and not second.context["page"].has_next
    assert b"q=smith&amp;page=2" in first.content


def test_customer_create_and_edit(staff_client):
    response = staff_client.post(reverse("customers:create"), {
        "new-first_name": "Mae", "new-last_name": "Jemison", "new-email": "mae@example.com",
        "new-line1": "1 Space Rd", "new-city": "Houston", "new-country": "US",
    })
    from customers.models import Customer

    mae = Customer.objects.get(last_name="Jemison")
    assert response.url == mae.get_absolute_url()
    assert mae.default_shipping_address.city == "Houston"
    staff_client.post(reverse("customers:edit", args=[mae.pk]), {
        "first_name": "Mae", "last_name": "Jemison", "company": "NASA", "email": "mae@example.com"})
    mae.refresh_from_db()
    assert mae.company == "NASA"


def test_customer_form_explains_a_bad_email_and_keeps_input(staff_client):
    response = staff_client.post(reverse("customers:create"), {
        "new-first_name": "Bo", "new-last_name": "Diddley", "new-email": "not-an-email",
        "new-line1": "1 Road", "new-city": "Town", "new-country": "US"})
    assert response.status_code == 200
    assert "Enter a valid email address." in response.context["form"].errors["email"]
    assert response.context["form"]["first_name"].value() == "Bo"
