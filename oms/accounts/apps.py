from django.apps import AppConfig, apps
from django.contrib.auth.signals import user_logged_in
from django.db.models.signals import post_migrate


def roles_sync_after_migrate(sender, using, **kwargs):
    """After every migrate the role groups hold exactly the permissions oms.accounts.roles lists, so a
    permission added to a model (and to the list) reaches the groups with the migration that adds it."""
    from django.contrib.auth.management import create_permissions

    from .services import roles_sync

    # Permissions are made by post_migrate too, app by app: make sure every app's exist first.
    for app_config in apps.get_app_configs():
        create_permissions(app_config, verbosity=0, using=using)
    roles_sync(using=using)


def session_start_at_login(sender, request, user, **kwargs):
    from .sessions import session_start

    if request is not None and hasattr(request, "session"):
        session_start(request, user)


class AccountsConfig(AppConfig):
    """Staff roles (groups), two-factor login, login lockout and session limits; no models of its own."""

    name = "oms.accounts"
    label = "accounts"

    def ready(self):
        from . import checks  # noqa: F401 -- registers the deploy checks

        post_migrate.connect(roles_sync_after_migrate, sender=self, dispatch_uid="accounts_roles_sync")
        # The session's clocks and second-factor flag are set as the user logs in (force_login too),
        # so the requests that follow need no query to know them.
        user_logged_in.connect(session_start_at_login, dispatch_uid="accounts_session_start")
