from django.db import migrations

from oms.core.postgres import dropped, pattern_index, sort_index

# The expressions of customers.selectors' keys (oms.core.seek.upper_key): UPPER(col) in byte order.
LAST = '(UPPER(last_name) COLLATE "C")'
FIRST = '(UPPER(first_name) COLLATE "C")'
COMPANY = '(UPPER(company) COLLATE "C")'
EMAIL = '(UPPER(email) COLLATE "C")'
PHONE = '(phone COLLATE "C")'
OLD_SORT_KEYS = ("last_name", "first_name", "id")


class Migration(migrations.Migration):
    """Searches read an index range in display order and stop after a page (customers.selectors): one index
    per order a search shows. They replace the pattern indexes of 0002, whose sort keys were only INCLUDEd
    (unordered), so a page of a common name sorted every match first; and the plain phone index, which
    prefix searches never used. customer_alphabetical stays: the admin lists customers in Meta.ordering."""

    dependencies = [
        ("customers", "0002_postgres_search_indexes"),
    ]

    operations = [
        sort_index("customer_last_first", "customers_customer", LAST, FIRST, "id"),
        sort_index("customer_first_last", "customers_customer", FIRST, LAST, "id"),
        sort_index("customer_company_last_first", "customers_customer", COMPANY, LAST, FIRST, "id"),
        sort_index("customer_email_sort", "customers_customer", EMAIL, "id"),
        sort_index("customer_phone_sort", "customers_customer", PHONE, "id"),
        dropped(pattern_index("customer_last_name_pattern", "customers_customer", "UPPER(last_name)", OLD_SORT_KEYS)),
        dropped(pattern_index("customer_first_name_pattern", "customers_customer", "UPPER(first_name)",
                              OLD_SORT_KEYS)),
        dropped(pattern_index("customer_company_pattern", "customers_customer", "UPPER(company)",
                              ("company", *OLD_SORT_KEYS))),
        dropped(pattern_index("customer_email_pattern", "customers_customer", "UPPER(email)",
                              ("email", *OLD_SORT_KEYS))),
        dropped(pattern_index("customer_phone_pattern", "customers_customer", "phone", OLD_SORT_KEYS)),
        migrations.RemoveIndex(model_name="customer", name="customer_phone"),
    ]
