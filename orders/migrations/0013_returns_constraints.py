"""The checks that returns and refunds add to the order and line tables, added NOT VALID and then validated in a
transaction of their own on PostgreSQL: validating reads every row but blocks neither reads nor writes."""

from django.db import migrations, models

from oms.core.postgres import CheckConstraintNotValid


class Migration(migrations.Migration):
    atomic = False

    dependencies = [
        ("orders", "0012_returns"),
    ]

    operations = [
        CheckConstraintNotValid(
            model_name='order',
            constraint=models.CheckConstraint(condition=models.Q(('amount_refunded__gte', 0), ('amount_refunded__lte', models.F('amount_paid'))), name='order_refunded_within_paid'),
        ),
        CheckConstraintNotValid(
            model_name='order',
            constraint=models.CheckConstraint(condition=models.Q(('amount_credited__gte', 0), ('amount_credited__lte', models.F('total'))), name='order_credited_within_total'),
        ),
        CheckConstraintNotValid(
            model_name='orderline',
            constraint=models.CheckConstraint(condition=models.Q(('quantity_returned__gte', 0), ('quantity_returned__lte', models.F('quantity_shipped'))), name='line_returned_lte_shipped'),
        ),
    ]
