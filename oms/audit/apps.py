from django.apps import AppConfig


class AuditConfig(AppConfig):
    """The audit trail (django-auditlog): which models it records, and who, from where, made each change."""

    name = "oms.audit"
    label = "audit"

    def ready(self):
        from .tracked import track

        track()
