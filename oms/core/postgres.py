"""Migration operations for PostgreSQL-only schema, such as byte-order (C collation) and trigram indexes, and raw SQL
written once per database (a trigger)."""

from django.contrib.postgres.operations import AddIndexConcurrently
from django.db import migrations


class _OneDatabaseSQL(migrations.RunSQL):
    """RunSQL run on one kind of database (``vendor``) and skipped on the others."""

    vendor, vendor_name = "", ""

    def database_forwards(self, app_label, schema_editor, from_state, to_state):
        if schema_editor.connection.vendor == self.vendor:
            super().database_forwards(app_label, schema_editor, from_state, to_state)

    def database_backwards(self, app_label, schema_editor, from_state, to_state):
        if schema_editor.connection.vendor == self.vendor:
            super().database_backwards(app_label, schema_editor, from_state, to_state)

    def describe(self):
        return f"Raw SQL operation ({self.vendor_name} only)"


class PostgresOnlySQL(_OneDatabaseSQL):
    """RunSQL that does nothing on other databases: SQLite has no operator classes or pg_trgm,
    and its own indexes from the models already serve its small test databases."""

    vendor, vendor_name = "postgresql", "PostgreSQL"


class SQLiteOnlySQL(_OneDatabaseSQL):
    """PostgresOnlySQL's counterpart, for what each database says in its own dialect (a trigger), side by side."""

    vendor, vendor_name = "sqlite", "SQLite"


def pattern_index(name: str, table: str, expression: str, include: tuple[str, ...] = ()) -> PostgresOnlySQL:
    """A btree that LIKE 'prefix%' can use whatever the database's collation: Django's
    istartswith compiles to UPPER(col::text) LIKE UPPER('x%'), which only an index on that
    expression with text_pattern_ops serves (a plain btree works only under the C collation).
    ``include`` makes it covering, for index-only scans that read no table rows."""
    covering = f" INCLUDE ({', '.join(include)})" if include else ""
    return PostgresOnlySQL(
        f"CREATE INDEX {name} ON {table} ({expression} text_pattern_ops){covering}",
        f"DROP INDEX IF EXISTS {name}",
    )


def sort_index(name: str, table: str, *columns: str) -> PostgresOnlySQL:
    """A btree on ``columns`` (SQL: expressions or names). Text keys written as ``(UPPER(col) COLLATE "C")``,
    the expressions of oms.core.seek.upper_key, serve both a LIKE 'prefix%' range and an ORDER BY on them,
    so a search reads its rows in order and stops at its LIMIT."""
    return PostgresOnlySQL(
        f"CREATE INDEX {name} ON {table} ({', '.join(columns)})",
        f"DROP INDEX IF EXISTS {name}",
    )


def dropped(operation: PostgresOnlySQL) -> PostgresOnlySQL:
    """The index ``operation`` created, dropped (and created again when the migration is reversed)."""
    return PostgresOnlySQL(operation.reverse_sql, operation.sql)


class CheckConstraintNotValid(migrations.AddConstraint):
    """AddConstraint of a CheckConstraint that on PostgreSQL is added NOT VALID (a moment's lock: no row is read)
    and then validated (reads every row under a lock that lets reads and writes go on). Use it in a migration with
    ``atomic = False``, so that the two statements commit apart; other databases add the constraint as usual."""

    def database_forwards(self, app_label, schema_editor, from_state, to_state):
        if schema_editor.connection.vendor != "postgresql":
            return super().database_forwards(app_label, schema_editor, from_state, to_state)
        model = to_state.apps.get_model(app_label, self.model_name)
        table = schema_editor.quote_name(model._meta.db_table)
        constraint = self.constraint.constraint_sql(model, schema_editor)
        schema_editor.execute(f"ALTER TABLE {table} ADD {constraint} NOT VALID")
        name = schema_editor.quote_name(self.constraint.name)
        schema_editor.execute(f"ALTER TABLE {table} VALIDATE CONSTRAINT {name}")
        return None

    def describe(self):
        return f"{super().describe()} (NOT VALID, then validated, on PostgreSQL)"


class AddIndexConcurrentlyOnPostgres(AddIndexConcurrently):
    """AddIndexConcurrently on PostgreSQL (the table stays open to reads and writes while the index is built; the
    migration must be ``atomic = False``); a plain AddIndex on other databases, which have no CONCURRENTLY."""

    def database_forwards(self, app_label, schema_editor, from_state, to_state):
        if schema_editor.connection.vendor == "postgresql":
            return super().database_forwards(app_label, schema_editor, from_state, to_state)
        return migrations.AddIndex.database_forwards(self, app_label, schema_editor, from_state, to_state)

    def database_backwards(self, app_label, schema_editor, from_state, to_state):
        if schema_editor.connection.vendor == "postgresql":
            return super().database_backwards(app_label, schema_editor, from_state, to_state)
        return migrations.AddIndex.database_backwards(self, app_label, schema_editor, from_state, to_state)
