"""An admin inline takes at most its max_num forms: a forged form count is refused, not built."""

import pytest
from django.urls import reverse


@pytest.mark.django_db
@pytest.mark.parametrize("total", ["51", "1000000", str(2**63)])
def test_an_admin_inline_refuses_a_forged_form_count_without_building_the_forms(admin_client, total):
    response = admin_client.post(reverse("admin:customers_customer_add"), {
        "first_name": "Rosa", "last_name": "Delgado", "addresses-TOTAL_FORMS": total,
        "addresses-INITIAL_FORMS": "0", "addresses-MIN_NUM_FORMS": "0", "addresses-MAX_NUM_FORMS": "1000"})
    assert response.status_code == 200
    assert "Please submit at most 50 forms." in response.content.decode()
    assert len(response.content) < 1_000_000  # not a thousand address forms
