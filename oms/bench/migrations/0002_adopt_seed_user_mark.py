"""Scale data seeded before the Dataset model was marked by an inactive user named seed_scale whose
last name held the description. Turn that mark into a Dataset row, so the data is reused rather than
refused as "other data". The user stays: the seeded orders name it as placed_by."""

from django.conf import settings
from django.db import migrations


def adopt_seed_user_mark(apps, schema_editor):
    User = apps.get_model(settings.AUTH_USER_MODEL)
    Dataset = apps.get_model("bench", "Dataset")
    user = User.objects.filter(username="seed_scale", is_active=False).first()
    if user is not None and not Dataset.objects.exists():
        # date_joined is when that database was first seeded; the load time was never kept.
        Dataset.objects.create(description=user.last_name, seeded_at=user.date_joined, load_seconds=None)


class Migration(migrations.Migration):

    dependencies = [
        ("bench", "0001_initial"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.RunPython(adopt_seed_user_mark, migrations.RunPython.noop, elidable=True),
    ]
