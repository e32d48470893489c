"""The return reasons a merchant starts with (edited in the admin afterwards)."""

from django.db import migrations

REASONS = ["Damaged in transit", "Defective", "Wrong item sent", "Ordered by mistake", "No longer needed"]


def add_reasons(apps, schema_editor):
    ReturnReason = apps.get_model("orders", "ReturnReason")
    for position, name in enumerate(REASONS):
        ReturnReason.objects.get_or_create(name=name, defaults={"position": position})


class Migration(migrations.Migration):
    dependencies = [
        ("orders", "0013_returns_constraints"),
    ]

    operations = [
        migrations.RunPython(add_reasons, migrations.RunPython.noop),
    ]
