"""Section 12 of `manage.py bench` at the smallest size: the API's order list through a real token within its query
limit; on PostgreSQL, orders placed over HTTP that reconcile, and one worker delivering every webhook once, signed."""

import json
from io import StringIO

import pytest
from django.core.management import call_command
from django.db import connection

from oms.api.models import ApiToken
from oms.bench import api
from oms.webhooks.models import Endpoint

SIZES = {"customers": 300, "products": 60, "orders": 300}
LIST_CASES = ("API order list, first page", "API order list, search by customer name")


@pytest.mark.django_db(transaction=True)
def test_bench_api_section_lists_places_orders_and_delivers_each_webhook_once(tmp_path):
    call_command("bench", quick=True, repeats=1, http_seconds=1.5, sections=["12"], results=tmp_path, verbosity=0,
                 stdout=StringIO(), **SIZES)

    run = json.loads((tmp_path / "bench-custom-sections-12.json").read_text())
    assert {row["section"] for row in run["results"]} == {api.SECTION}
    by_case = {row["case"]: row for row in run["results"]}
    for case in LIST_CASES:
        assert 0 < by_case[case]["extra"]["rows"] <= 25
        assert by_case[case]["extra"]["queries"] <= api.LIST_QUERIES, case  # not one more per row
        assert by_case[case]["target"] == f"<= 25 ms, <= {api.LIST_QUERIES} queries"
    assert not ApiToken.objects.filter(revoked_at=None).exists()  # the run's token is revoked at its end
    if connection.vendor == "postgresql":
        load = next(row for case, row in by_case.items() if case.startswith("API order create over HTTP"))
        assert load["unit"] == "orders/s" and load["extra"]["orders"] > 0
        assert by_case["API order create: errors"]["value"] == "0"
        assert by_case["API order create: stock and order counts reconcile"]["value"] == "exact"
        delivered = by_case["Webhook deliveries/s, one worker"]
        assert delivered["extra"]["deliveries"] == 10 and float(delivered["value"]) > 0
        assert by_case["Webhook deliveries: each of 10 received once, signature valid"]["value"] == "yes"
        assert not Endpoint.objects.exists()  # nothing placed afterwards is sent anywhere

