"""/healthz for load balancers and monitoring: the database answers, every migration is applied, and the
task queue moves. No login, no data: 200 with {"status": "ok", ...} or 503 naming what failed."""

from django.contrib.auth.decorators import login_not_required
from django.db import DEFAULT_DB_ALIAS, DatabaseError, connections
from django.db.migrations.executor import MigrationExecutor
from django.http import JsonResponse
from django.utils.cache import add_never_cache_headers
from django.views.decorators.http import require_GET

from .queue import queue_stuck

_migrated = False  # once every migration is applied it stays so for this process's code


def _database() -> str:
    try:
        with connections[DEFAULT_DB_ALIAS].cursor() as cursor:  # a ping, not a read: no model has this question
            cursor.execute("SELECT 1")
        return "ok"
    except DatabaseError:
        return "unreachable"


def _migrations() -> str:
    global _migrated
    if not _migrated:
        connection = connections[DEFAULT_DB_ALIAS]
        executor = MigrationExecutor(connection)
        _migrated = not executor.migration_plan(executor.loader.graph.leaf_nodes())
    return "ok" if _migrated else "pending"


@login_not_required  # the staff middleware (oms/core/middleware.py) lets it through: a probe has no login
@require_GET
def healthz(request):
    checks = {"database": _database()}
    if checks["database"] == "ok":
        checks["migrations"] = _migrations()
        checks["queue"] = "stuck" if queue_stuck() else "ok"
    healthy = all(value == "ok" for value in checks.values())
    response = JsonResponse({"status": "ok" if healthy else "fail", **checks}, status=200 if healthy else 503)
    add_never_cache_headers(response)
    return response
