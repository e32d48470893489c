"""The three role groups. Their permissions are given after the migrations have run (the
post_migrate receiver in oms.accounts.apps): custom permissions such as orders.place_order are
only created at post_migrate, so on a new database no migration could assign them."""

from django.db import migrations

ROLES = ["Order entry", "Manager", "Administrator"]


def create_groups(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    for name in ROLES:
        Group.objects.using(schema_editor.connection.alias).get_or_create(name=name)


def delete_groups(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Group.objects.using(schema_editor.connection.alias).filter(name__in=ROLES).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("auth", "0012_alter_user_first_name_max_length"),
    ]

    operations = [migrations.RunPython(create_groups, delete_groups)]
