from django.db import migrations

from oms.core.postgres import pattern_index

# customers.selectors ranks a page by (last_name, first_name, id) before it reads any row:
# every search index carries those, so the ranking is an index-only scan. An index on
# UPPER(col) also carries col itself: PostgreSQL rechecks the LIKE on it and would otherwise
# read the table.
SORT_KEYS = ("last_name", "first_name", "id")


class Migration(migrations.Migration):
    """Prefix search on PostgreSQL: what customers.selectors and the admin filter with."""

    dependencies = [
        ("customers", "0001_initial"),
    ]

    operations = [
        pattern_index("customer_last_name_pattern", "customers_customer", "UPPER(last_name)", SORT_KEYS),
        pattern_index("customer_first_name_pattern", "customers_customer", "UPPER(first_name)", SORT_KEYS),
        pattern_index("customer_company_pattern", "customers_customer", "UPPER(company)", ("company", *SORT_KEYS)),
        pattern_index("customer_email_pattern", "customers_customer", "UPPER(email)", ("email", *SORT_KEYS)),
        pattern_index("customer_phone_pattern", "customers_customer", "phone", SORT_KEYS),
    ]
