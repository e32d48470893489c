"""The benchmark's scales, each with a database of its own so that switching scale keeps every
data set: seeding 10M customers takes minutes, and each is reused until its sizes or seed change.

The 1m scale uses DATABASE_URL's database as it is (where the benchmark always seeded); the others
add the scale to its name: postgres://.../oms gives oms_100k and oms_10m (db_100k.sqlite3 on SQLite).
"""

from dataclasses import asdict, dataclass
from pathlib import Path

from django.core.management import call_command
from django.db import connection


@dataclass(frozen=True)
class Scale:
    name: str
    customers: int
    products: int
    orders: int

    def sizes(self) -> dict[str, int]:
        return {key: value for key, value in asdict(self).items() if key != "name"}


SCALES = {scale.name: scale for scale in (
    Scale("100k", customers=100_000, products=10_000, orders=100_000),
    Scale("1m", customers=1_000_000, products=100_000, orders=1_000_000),
    Scale("10m", customers=10_000_000, products=100_000, orders=10_000_000),
)}
DEFAULT = "1m"


def database_name(base: str, scale: str) -> str:
    """The database of ``scale`` beside the configured one named ``base``."""
    if scale == DEFAULT:
        return base
    if connection.vendor == "sqlite":
        path = Path(base)
        return str(path.with_name(f"{path.stem}_{scale}{path.suffix}"))
    return f"{base}_{scale}"


def use_database(name: str, *, migrate: bool = True) -> bool:
    """Point the default connection (and every thread's, and gunicorn's) at database ``name``,
    creating it first when it does not exist, and migrate it (unless ``migrate`` is False: the
    caller migrates); True when it was created."""
    created = False
    if connection.vendor == "postgresql":
        # A connection without a database, as Django uses to create test databases.
        with connection._nodb_cursor() as cursor:
            cursor.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name])
            if cursor.fetchone() is None:
                cursor.execute(f"CREATE DATABASE {connection.ops.quote_name(name)}")
                created = True
    else:
        created = not Path(name).exists()
    connection.close()
    # The connection handler shares this dict with every connection it opens later, in any thread.
    connection.settings_dict["NAME"] = name
    if migrate:
        call_command("migrate", interactive=False, verbosity=0)
    return created


def database_bytes() -> int:
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SELECT pg_database_size(current_database())")
        else:
            cursor.execute("SELECT page_count * page_size FROM pragma_page_count(), pragma_page_size()")
        return cursor.fetchone()[0]
