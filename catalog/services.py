"""Writes to the catalog that other apps make: the stock of products they have locked."""

from collections.abc import Iterable

from django.db import connection

from .models import Product


def stock_save(products: Iterable[Product]) -> None:
    """Write each product's ``stock`` as it stands on the instance, in one statement.

    The caller has locked the rows (select_for_update, in primary-key order) and computed the new figures under
    those locks. One UPDATE from a list of (id, stock) pairs, on PostgreSQL and SQLite: bulk_update's CASE
    costs several times as long to build in Python as the statement takes to run, on the path that places orders.
    """
    rows = [(product.pk, product.stock) for product in products]
    if not rows:
        return
    quote = connection.ops.quote_name
    table = quote(Product._meta.db_table)
    pk, stock = quote(Product._meta.pk.column), quote(Product._meta.get_field("stock").column)
    values = ", ".join(["(%s, %s)"] * len(rows))
    with connection.cursor() as cursor:  # names from the model's own meta; every value a parameter
        cursor.execute(f"WITH wanted (id, stock) AS (VALUES {values}) "  # noqa: S608
                       f"UPDATE {table} SET {stock} = (SELECT wanted.stock FROM wanted WHERE wanted.id = {table}.{pk}) "
                       f"WHERE {pk} IN (SELECT id FROM wanted)", [value for row in rows for value in row])
