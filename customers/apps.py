from django.apps import AppConfig
from django.db.models.signals import post_migrate


def retail_after_migrate(sender, using, **kwargs):
    """Retail, customer type 1 as migration 0006 made it, is made back after a flush emptied the table (tests),
    with the table's sequence moved past it."""
    from django.core.management.color import no_style
    from django.db import connections

    from .models import RETAIL, RETAIL_PK, CustomerType

    connection = connections[using]
    if CustomerType._meta.db_table not in connection.introspection.table_names():  # migrated back before types
        return
    types = CustomerType.objects.using(using)
    if types.filter(pk=RETAIL_PK).exists() or types.filter(name=RETAIL).exists():
        return
    types.create(pk=RETAIL_PK, name=RETAIL)
    with connection.cursor() as cursor:  # Django's own sqlsequencereset statements: the ORM has no call for it
        for statement in connection.ops.sequence_reset_sql(no_style(), [CustomerType]):
            cursor.execute(statement)


class CustomersConfig(AppConfig):
    name = "customers"

    def ready(self):
        post_migrate.connect(retail_after_migrate, sender=self, dispatch_uid="customers_retail")
