"""Payment terms come from the customer type now; a customer's own terms are an optional override (NULL: the
type's). The old column held 0 for everyone without terms of their own, so it is not converted in place (a
million-row UPDATE): a new nullable column takes only the customers who had terms, the old one is dropped and the
new one takes its name. On PostgreSQL each step is a catalogue change, plus one UPDATE of the customers who had
terms of their own."""

from django.db import migrations, models


def own_terms_only(apps, schema_editor):
    Customer = apps.get_model("customers", "Customer")
    Customer.objects.using(schema_editor.connection.alias).exclude(payment_terms_days=0).update(
        payment_terms_override=models.F("payment_terms_days"))


class Migration(migrations.Migration):

    dependencies = [
        ("customers", "0006_customer_types"),
    ]

    operations = [
        migrations.AddField(
            model_name="customer",
            name="payment_terms_override",
            field=models.PositiveSmallIntegerField(blank=True, null=True),
        ),
        migrations.RunPython(own_terms_only, migrations.RunPython.noop),
        migrations.RemoveField(model_name="customer", name="payment_terms_days"),
        migrations.RenameField(model_name="customer", old_name="payment_terms_override", new_name="payment_terms_days"),
        migrations.AlterField(
            model_name="customer",
            name="payment_terms_days",
            field=models.PositiveSmallIntegerField(blank=True, help_text="Empty: the customer type's terms.",
                                                   null=True, verbose_name="payment terms (days)"),
        ),
    ]
