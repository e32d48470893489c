"""Loading millions of rows fast: COPY on PostgreSQL, batched executemany on SQLite.

On PostgreSQL the tables are emptied and filled in one transaction: secondary indexes and
foreign keys are dropped first and rebuilt at the end (one sort per index and one join per
key beats a million single-row updates), and COPY ... FREEZE writes rows already frozen, so
the first reads need no vacuum. Rebuilding the constraints checks every loaded row.

The loader writes every column itself: a column the rows leave out gets the value the ORM would give it (the
field's default), so no table needs a database default for the loader's sake.
"""

from collections.abc import Iterable

from django.core.management.color import no_style
from django.db import connection, models

BATCH = 5000


def table_and_columns(model, fields: list[str]) -> tuple[str, list[str]]:
    return model._meta.db_table, [model._meta.get_field(name).column for name in fields]


def left_out(model, fields: list[str]) -> tuple[list[str], tuple]:
    """The model's other columns and the values they get: each field's default, as a new instance would have it.

    Raises ValueError for a field the rows must give: one with no default that may be neither blank nor null."""
    given = {model._meta.get_field(name) for name in fields}
    # An id the rows leave out is the database's to number.
    others = [field for field in model._meta.concrete_fields
              if field not in given and not isinstance(field, models.AutoField)]
    required = [field.name for field in others if not (field.has_default() or field.blank or field.null)]
    if required:
        raise ValueError(f"Rows of {model.__name__} must give {', '.join(required)}: no default to write.")
    return [field.name for field in others], tuple(field.get_db_prep_save(field.get_default(), connection)
                                                   for field in others)


class Loader:
    """Empties ``models`` and writes rows into them, or adds rows to them without empty(); use inside
    transaction.atomic()."""

    def __init__(self, models: list):
        self.models = models
        self.tables = [model._meta.db_table for model in models]
        self.postgres = connection.vendor == "postgresql"
        self.rebuild: list[str] = []
        self.emptied = False  # COPY ... FREEZE only into a table emptied in this transaction

    def empty(self) -> None:
        with connection.cursor() as cursor:
            if self.postgres:
                cursor.execute("SET LOCAL maintenance_work_mem = '512MB'")
                # Check deferred keys of earlier writes in this transaction now: ALTER TABLE
                # refuses a table with trigger events still pending.
                cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
                self.rebuild = self._drop_indexes_and_keys(cursor)
                cursor.execute(f"TRUNCATE {', '.join(map(connection.ops.quote_name, self.tables))}")
                self.emptied = True
            else:
                # Children first: SQLite checks the deferred foreign keys at commit.
                for table in reversed(self.tables):
                    cursor.execute(f"DELETE FROM {connection.ops.quote_name(table)}")

    def write(self, model, fields: list[str], rows: Iterable[tuple], progress=None) -> int:
        """Write ``rows`` (values of ``fields``, in order); every other column gets its field's default."""
        others, defaults = left_out(model, fields)
        if others:
            fields, rows = fields + others, (row + defaults for row in rows)
        table, columns = table_and_columns(model, fields)
        names = ", ".join(map(connection.ops.quote_name, columns))
        with connection.cursor() as cursor:
            if self.postgres:
                freeze = " WITH (FREEZE)" if self.emptied else ""
                return self._copy(cursor, f"COPY {connection.ops.quote_name(table)} ({names}) FROM STDIN{freeze}",
                                  rows, progress)
            marks = ", ".join(["%s"] * len(columns))
            return self._insert(cursor, f"INSERT INTO {connection.ops.quote_name(table)} ({names}) "
                                        f"VALUES ({marks})", rows, progress)

    def finish(self) -> None:
        """Rebuild what empty() dropped, move the id sequences past the loaded ids, analyze."""
        with connection.cursor() as cursor:
            for statement in self.rebuild:
                cursor.execute(statement)
            for statement in connection.ops.sequence_reset_sql(no_style(), self.models):
                cursor.execute(statement)
            for table in self.tables:
                cursor.execute(f"ANALYZE {connection.ops.quote_name(table)}")

    @staticmethod
    def _copy(cursor, statement: str, rows: Iterable[tuple], progress) -> int:
        count = 0
        with cursor.copy(statement) as copy:
            for row in rows:
                copy.write_row(row)
                count += 1
                if progress is not None and count % BATCH == 0:
                    progress.update(BATCH)
        if progress is not None:
            progress.update(count % BATCH)
        return count

    @staticmethod
    def _insert(cursor, statement: str, rows: Iterable[tuple], progress) -> int:
        count, batch = 0, []
        for row in rows:
            batch.append(row)
            if len(batch) == BATCH:
                cursor.executemany(statement, batch)
                count += len(batch)
                batch = []
                if progress is not None:
                    progress.update(BATCH)
        if batch:
            cursor.executemany(statement, batch)
            count += len(batch)
            if progress is not None:
                progress.update(len(batch))
        return count

    def _drop_indexes_and_keys(self, cursor) -> list[str]:
        """Drop foreign keys and indexes that back no constraint; return the SQL that recreates them."""
        cursor.execute(
            """
            SELECT format('ALTER TABLE %%s DROP CONSTRAINT %%I', conrelid::regclass, conname),
                   format('ALTER TABLE %%s ADD CONSTRAINT %%I %%s', conrelid::regclass, conname,
                          pg_get_constraintdef(oid))
            FROM pg_constraint
            WHERE contype = 'f' AND conrelid = ANY(%s::regclass[])
            ORDER BY conname
            """,
            [self.tables],
        )
        keys = cursor.fetchall()
        cursor.execute(
            """
            SELECT format('DROP INDEX %%I', index.relname), pg_get_indexdef(index.oid)
            FROM pg_index JOIN pg_class AS index ON index.oid = pg_index.indexrelid
            WHERE pg_index.indrelid = ANY(%s::regclass[])
              AND NOT EXISTS (SELECT 1 FROM pg_constraint WHERE conindid = index.oid)
            ORDER BY index.relname
            """,
            [self.tables],
        )
        indexes = cursor.fetchall()
        for drop, _ in keys + indexes:
            cursor.execute(drop)
        return [create for _, create in indexes] + [create for _, create in keys]
