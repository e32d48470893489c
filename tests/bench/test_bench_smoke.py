"""A small run of `manage.py bench`, so the benchmark cannot rot: every part of it runs (the
gunicorn load only on PostgreSQL), and the load's orders reconcile with no errors."""

import json
import re
import shutil
from io import StringIO

import pytest
from django.core.management import call_command
from django.db import connection

from oms.bench import quotes
from oms.bench.curve import scale_curve

SIZES = {"customers": 300, "products": 60, "orders": 300}


@pytest.mark.django_db(transaction=True)
def test_bench_quick_run_measures_every_part(tmp_path):
    output = StringIO()
    call_command("bench", quick=True, repeats=1, http_seconds=1.5, results=tmp_path, verbosity=0,
                 stdout=output, **SIZES)

    run = json.loads((tmp_path / "bench-custom.json").read_text())
    sections = {row["section"].split(".")[0] for row in run["results"]}
    assert {"1", "2", "3", "4", "4b", "5-6", "7", "8", "9", "11", "12", "13"} <= sections
    by_case = {row["case"]: row for row in run["results"]}
    assert any(case.startswith("PEER stock admin") for case in by_case)
    assert by_case["now / before"]["value"].endswith("%")
    assert run["meta"]["data"] == "customers=300 products=60 orders=300 seed=1 shape=2"
    assert any(re.fullmatch(r"sales_rebuild of [0-9,]+ orders", case) for case in by_case)
    assert run["meta"]["load_seconds"] > 0 and run["meta"]["database_bytes"] > 0
    assert "Scale curve" in output.getvalue()
    assert by_case["order page, 200-event timeline"]["extra"]["queries"] < 20
    assert by_case["order page with 3 returns, 3 credit memos and 3 refunds, 50 lines"]["extra"]["queries"] < 25
    assert "order list, Status cancelled" in by_case and "edit and save, 20 lines" in by_case
    quoted = {row["case"]: row for row in run["results"] if row["section"] == quotes.SECTION}
    assert quoted["writing 300 quotes (COPY)"]["extra"]["versions"] == "300"  # as many as orders, on first use
    pages = [row for row in quoted.values() if "queries" in row["extra"]]
    assert len(pages) == 10
    for row in pages:  # each page within its query limit
        assert row["extra"]["queries"] <= int(re.search(r"<= (\d+) queries", row["target"])[1]), row["case"]
    assert any(re.fullmatch(r"cart with \d+ lines, each product with live reservations", case) for case in quoted)
    priced = [row for case, row in by_case.items() if "price-table customer" in case]
    assert len(priced) == 4 and len({row["extra"]["queries"] for row in priced if "cart" in row["case"]}) == 1
    assert by_case["tax lookup for a destination (US/WA: Bench Washington)"]["extra"]["queries"] == 1
    assert by_case["ours / floor, 1 process, price levels and a tax table"]["value"].endswith("%")
    if connection.vendor == "postgresql":
        assert any(re.fullmatch(r"Export CSV, [0-9,]+ orders", case) for case in by_case)  # in a second process
        assert by_case["Export CSV, peak RSS of the exporting process"]["met"] is not None
        assert by_case["errors"]["value"] == "0"
        assert by_case["stock and order counts reconcile"]["value"] == "exact"
        assert by_case["ours / floor, 4 worker threads"]["value"].endswith("%")
        beside = by_case["placing an order during sales_rebuild: the slowest"]
        assert beside["met"] and beside["extra"]["orders placed"] >= 1

    # The same results filed as two scales: the curve lists every search row with its growth.
    for scale in ("100k", "10m"):
        shutil.copy(tmp_path / "bench-custom.json", tmp_path / f"bench-{scale}.json")
    curve = scale_curve(tmp_path, ["100k", "1m", "10m"])
    assert "customer list: common surname" in curve
    assert "order search by customer name, rare surname" in curve
    assert "×1.0" in curve


@pytest.mark.django_db(transaction=True)
def test_bench_pages_only_without_the_stock_admin_measures_the_pages_alone(tmp_path):
    call_command("bench", quick=True, repeats=1, pages_only=True, peer_repeats=0, results=tmp_path, verbosity=0,
                 stdout=StringIO(), **SIZES)

    run = json.loads((tmp_path / "bench-custom.json").read_text())
    cases = [row["case"] for row in run["results"]]
    assert {row["section"].split(".")[0] for row in run["results"]} == {"1", "2", "3", "7"}  # 7: the order pages
    assert "order service, 1 process" not in cases and "edit and save, 20 lines" not in cases
    assert any(case.startswith("customer list: common surname") for case in cases)
    pasted = next(row for row in run["results"] if row["case"].startswith("Paste lines: "))
    assert pasted["extra"]["lines added"] == int(re.match(r"Paste lines: (\d+) lines", pasted["case"]).group(1)) > 0
    assert not any(case.startswith("PEER stock admin") for case in cases)
    assert run["meta"]["plan"]["peer_repeats"] == 0


@pytest.mark.django_db(transaction=True)
def test_bench_sections_measures_only_the_named_sections_and_keeps_the_whole_tables_file(tmp_path):
    output = StringIO()
    call_command("bench", quick=True, repeats=1, sections=["2", "7"], pages_only=True, peer_repeats=0,
                 results=tmp_path, verbosity=0, stdout=output, **SIZES)

    run = json.loads((tmp_path / "bench-custom-sections-2-7.json").read_text())
    assert {row["section"].split(".")[0] for row in run["results"]} == {"2", "7"}
    assert "order page, 200-event timeline" in {row["case"] for row in run["results"]}
    assert not (tmp_path / "bench-custom.json").exists()  # the scale curve's file is the whole table's
    assert "Scale curve" not in output.getvalue()
