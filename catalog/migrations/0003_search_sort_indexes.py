from django.db import migrations

from oms.core.postgres import dropped, pattern_index, sort_index


class Migration(migrations.Migration):
    """SKU and name prefixes read an index range in display order and stop after a page
    (catalog.selectors), instead of the pattern indexes of 0002, which left every match to be sorted.
    SKU lookups use the unique index on LOWER(sku); words inside names keep the trigram index."""

    dependencies = [
        ("catalog", "0002_postgres_search_indexes"),
    ]

    operations = [
        sort_index("product_sku_sort", "catalog_product", '(UPPER(sku) COLLATE "C")', "id"),
        sort_index("product_name_sort", "catalog_product", '(UPPER(name) COLLATE "C")', "id"),
        dropped(pattern_index("product_sku_pattern", "catalog_product", "UPPER(sku)")),
        dropped(pattern_index("product_name_pattern", "catalog_product", "UPPER(name)")),
    ]
