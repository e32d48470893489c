"""A small run of `manage.py bench`, so the benchmark cannot rot: every part of it runs (the
gunicorn load only on PostgreSQL), and the load's orders reconcile with no errors."""

import json
from io import StringIO

import pytest
from django.core.management import call_command
from django.db import connection

SIZES = {"customers": 300, "products": 60, "orders": 300}


@pytest.mark.django_db(transaction=True)
def test_bench_quick_run_measures_every_part(tmp_path):
    output = tmp_path / "bench.json"
    call_command("bench", quick=True, repeats=1, http_seconds=1.5, json=output, verbosity=0,
                 stdout=StringIO(), **SIZES)

    results = json.loads(output.read_text())["results"]
    sections = {row["section"].split(".")[0] for row in results}
    assert {"1", "2", "3", "4", "5-6"} <= sections
    by_case = {row["case"]: row for row in results}
    assert any(case.startswith("PEER stock admin") for case in by_case)
    if connection.vendor == "postgresql":
        assert by_case["errors"]["value"] == "0"
        assert by_case["stock and order counts reconcile"]["value"] == "exact"
        assert by_case["ours / floor, 4 worker threads"]["value"].endswith("%")
