"""Entries recorded before passwords were hidden kept half of each hash (django-auditlog's mask): keep only
whether a password was set, as new entries do (oms.audit.tracked.hide_value)."""

from django.db import migrations

HIDDEN = "[hidden]"


def hide_recorded_passwords(apps, schema_editor):
    LogEntry = apps.get_model("auditlog", "LogEntry")
    ContentType = apps.get_model("contenttypes", "ContentType")
    user_type = ContentType.objects.filter(app_label="auth", model="user").first()
    if user_type is None:
        return
    entries = LogEntry.objects.filter(content_type=user_type).exclude(changes=None).only("changes")
    for entry in entries.iterator():
        values = entry.changes.get("password") if isinstance(entry.changes, dict) else None
        if not isinstance(values, list):
            continue
        entry.changes["password"] = [HIDDEN if value and value != "None" else "" for value in values]
        entry.save(update_fields=["changes"])


class Migration(migrations.Migration):
    dependencies = [
        ("auditlog", "0017_add_actor_email"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(hide_recorded_passwords, migrations.RunPython.noop)]
