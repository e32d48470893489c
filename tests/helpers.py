import threading

import pytest
from django.db import connection

postgres_only = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="needs PostgreSQL's row locks and concurrent sessions"
)


def run_concurrently(function, *, times: int) -> list:
    """Call ``function`` from ``times`` threads released at once; return each result or exception."""
    barrier = threading.Barrier(times)
    results: list = [None] * times

    def worker(index: int) -> None:
        from django.db import connections

        try:
            barrier.wait()
            results[index] = function()
        except Exception as error:  # collected for the test to assert on
            results[index] = error
        finally:
            connections.close_all()

    threads = [threading.Thread(target=worker, args=(index,)) for index in range(times)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return results
