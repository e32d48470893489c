import django.core.validators
from django.db import migrations, models


class Migration(migrations.Migration):
    """Credit limits (issue 24): a customer type's default limit and whether overdue invoices hold its customers'
    orders, and a customer's own limit. The customer's column is nullable without a default (no rewrite); the
    type's flag has a constant database default, and its table is small."""

    dependencies = [
        ('customers', '0011_address_name_holds_a_full_name'),
    ]

    operations = [
        migrations.AddField(
            model_name='customer',
            name='credit_limit',
            field=models.DecimalField(blank=True, decimal_places=2, help_text="Empty: the customer type's limit.", max_digits=12, null=True, validators=[django.core.validators.MinValueValidator(0)]),
        ),
        migrations.AddField(
            model_name='customertype',
            name='credit_limit',
            field=models.DecimalField(blank=True, decimal_places=2, help_text='Empty: no limit.', max_digits=12, null=True, verbose_name='default credit limit'),
        ),
        migrations.AddField(
            model_name='customertype',
            name='hold_when_overdue',
            field=models.BooleanField(db_default=False, default=False, verbose_name='Hold orders of customers with overdue invoices'),
        ),
        migrations.AddConstraint(
            model_name='customertype',
            constraint=models.CheckConstraint(condition=models.Q(('credit_limit__gte', 0)), name='customer_type_credit_limit_gte_0'),
        ),
    ]
