from django.db import migrations, models


class Migration(migrations.Migration):
    """An address's name holds a customer's full name: first and last names of 100 characters each and a space.
    Lengthening a varchar changes PostgreSQL's catalog only (tests/test_migration_linter.py, REVIEWED)."""

    dependencies = [
        ("customers", "0010_no_bench_defaults"),
    ]

    operations = [
        migrations.AlterField(
            model_name="address",
            name="name",
            field=models.CharField(max_length=201),
        ),
    ]
