"""The order list's Owed to customer filter reads this partial index, built CONCURRENTLY: the orders table stays
open to reads and writes while it is built."""

from django.db import migrations, models

from oms.core.postgres import AddIndexConcurrentlyOnPostgres


class Migration(migrations.Migration):
    atomic = False

    dependencies = [
        ("orders", "0014_return_reasons"),
    ]

    operations = [
        AddIndexConcurrentlyOnPostgres(
            model_name="order",
            index=models.Index(condition=models.Q(("payment_status", "overpaid"),
                                                  models.Q(("status__in", ["cancelled"]), _negated=True)),
                               fields=["-number"], name="order_owed_to_customer"),
        ),
    ]
