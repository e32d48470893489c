from auditlog.context import auditlog_value
from auditlog.middleware import AuditlogMiddleware

from oms.accounts.proxy import client_ip
from oms.core.via import current_via


class AuditMiddleware(AuditlogMiddleware):
    """django-auditlog's middleware (each change made during a request records the request's user), with the
    client's address as login throttling reads it (the library believes a client's own X-Forwarded-For)
    and whether the change was made in the admin or in our pages."""

    def get_extra_data(self, request):
        def where() -> dict:
            match = request.resolver_match
            if via := current_via():  # e.g. "API token Warehouse sync"
                return {"via": via}
            return {"via": "admin" if match is not None and match.app_name == "admin" else "pages"}

        return {"actor": self._get_actor(request), "remote_addr": client_ip(request), "remote_port": None,
                "additional_data": where}  # called as each entry is written, once the URL is resolved


def audit_actor_set(user) -> None:
    """Make ``user`` the actor of the changes the rest of this request makes. For users who authenticate inside the
    view (an API token, read by Django REST framework after this middleware ran): django-auditlog's context holds
    the request's data in one dict, which its middleware filled before the user was known, and offers no call to
    change it (a nested ``set_actor`` would leave the request's own signal receiver connected)."""
    try:
        auditlog_value.get()["actor"] = user
    except LookupError:  # outside a request (a test calling the view directly)
        pass
