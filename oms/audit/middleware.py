from auditlog.middleware import AuditlogMiddleware

from oms.accounts.proxy import client_ip


class AuditMiddleware(AuditlogMiddleware):
    """django-auditlog's middleware (each change made during a request records the request's user), with the
    client's address as login throttling reads it (the library believes a client's own X-Forwarded-For)
    and whether the change was made in the admin or in our pages."""

    def get_extra_data(self, request):
        def where() -> dict:
            match = request.resolver_match
            return {"via": "admin" if match is not None and match.app_name == "admin" else "pages"}

        return {"actor": self._get_actor(request), "remote_addr": client_ip(request), "remote_port": None,
                "additional_data": where}  # called as each entry is written, once the URL is resolved
