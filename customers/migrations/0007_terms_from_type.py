from django.db import migrations, models


def terms_from_type(apps, schema_editor):
    """Terms come from the type now; a customer's own 0 (the old default) becomes 'as the type', in one UPDATE."""
    Customer = apps.get_model("customers", "Customer")
    Customer.objects.using(schema_editor.connection.alias).filter(payment_terms_days=0).update(payment_terms_days=None)


class Migration(migrations.Migration):

    dependencies = [
        ("customers", "0006_customer_types"),
    ]

    operations = [
        migrations.AlterField(
            model_name='customer',
            name='payment_terms_days',
            field=models.PositiveSmallIntegerField(blank=True, help_text="Empty: the customer type's terms.", null=True, verbose_name='payment terms (days)'),
        ),
        migrations.RunPython(terms_from_type, migrations.RunPython.noop),
    ]
