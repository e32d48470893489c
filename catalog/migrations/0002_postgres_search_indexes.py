from django.db import migrations

from oms.core.postgres import PostgresOnlySQL, pattern_index


class Migration(migrations.Migration):
    """Product search on PostgreSQL: SKU and name prefixes, and words inside the name."""

    dependencies = [
        ("catalog", "0001_initial"),
    ]

    operations = [
        pattern_index("product_sku_pattern", "catalog_product", "UPPER(sku)"),
        pattern_index("product_name_pattern", "catalog_product", "UPPER(name)"),
        # name__icontains=" word" (a word of the name starting with it) is a substring match.
        PostgresOnlySQL("CREATE EXTENSION IF NOT EXISTS pg_trgm", migrations.RunSQL.noop),
        PostgresOnlySQL(
            "CREATE INDEX product_name_trigram ON catalog_product USING gin (UPPER(name) gin_trgm_ops)",
            "DROP INDEX IF EXISTS product_name_trigram",
        ),
    ]
