"""Reading PostgreSQL plans in tests: which scans a query makes, how many rows it reads, whether a page stops early."""

from collections.abc import Callable, Iterator

from django.db import connection
from django.test.utils import CaptureQueriesContext

PAGE_ROWS = 60


def nodes(plan: dict, limited: bool = False) -> Iterator[tuple[dict, bool]]:
    """Every node of the plan that ran, with whether a Limit is above it (a lazy search branch that its guard
    skipped, oms.core.seek._guarded, shows in the plan as never executed: it read nothing)."""
    if plan.get("Actual Loops") == 0:
        return
    yield plan, limited
    for child in plan.get("Plans", []):
        yield from nodes(child, limited or plan["Node Type"] == "Limit")


def reads_table(node: dict) -> bool:
    return "Relation Name" in node or node["Node Type"] == "Bitmap Index Scan"


def scans(plan: dict) -> list[dict]:
    """The nodes that read a table or an index."""
    return [node for node, _ in nodes(plan) if reads_table(node)]


def rows_read(node: dict) -> float:
    """Rows a node produced or threw away, over all its loops (EXPLAIN gives per-loop averages)."""
    per_loop = sum(node.get(key, 0) for key in ("Actual Rows", "Rows Removed by Filter",
                                                 "Rows Removed by Index Recheck"))
    return per_loop * node.get("Actual Loops", 1)


def plans_of(call: Callable) -> list[tuple[str, dict]]:
    """Each statement ``call`` runs to read a page (not the session's or the user's) with its plan, as executed
    (EXPLAIN ANALYZE)."""
    with CaptureQueriesContext(connection) as captured:
        call()
    plans = []
    with connection.cursor() as cursor:
        for query in captured.captured_queries:
            sql = query["sql"]
            if sql.startswith(("SELECT", "WITH")) and "django_session" not in sql and "auth_user" not in sql:
                cursor.execute(f"EXPLAIN (ANALYZE, FORMAT JSON) {sql}")
                plans.append((sql, cursor.fetchone()[0][0]["Plan"]))
    return plans


def explained(call: Callable) -> tuple[list[dict], list[dict]]:
    """The plans of the statements ``call`` runs: those that pick a page's rows along the indexes
    (oms.core.seek's, one column per key: seek_0 ...), and those that then read those rows by key."""
    plans = plans_of(call)
    seeks = [plan for sql, plan in plans if " AS seek_0" in sql]
    assert seeks
    return seeks, [plan for sql, plan in plans if " AS seek_0" not in sql]


def assert_reads_one_page(plan: dict, *, index: str | None = None, bound: int = PAGE_ROWS) -> None:
    """Every index range under a Limit, no Sort, index scans only, none reading more than ``bound`` rows."""
    all_nodes = list(nodes(plan))
    assert "Sort" not in {node["Node Type"] for node, _ in all_nodes}, plan
    assert all(limited for node, limited in all_nodes if reads_table(node)), plan
    assert {node["Node Type"] for node in scans(plan)} <= {"Index Scan", "Index Only Scan"}, plan
    assert all(rows_read(node) <= bound for node in scans(plan)), plan
    if index:
        assert index in {node.get("Index Name") for node in scans(plan)}, plan


def assert_reads_by_key(plan: dict, table: str, rows: int) -> None:
    """The page's ``rows`` rows of ``table`` read by their keys (and whatever they join), no table scanned."""
    assert "Seq Scan" not in {node["Node Type"] for node in scans(plan)}, plan
    assert [rows_read(node) for node in scans(plan) if node.get("Relation Name") == table] == [rows], plan
