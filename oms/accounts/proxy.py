from django.conf import settings


def client_ip(request) -> str | None:
    """The client's address for login throttling.

    Behind our proxy (SECURE_PROXY_SSL_HEADER on) every request comes from the proxy, which appends the
    address it saw to X-Forwarded-For: the last entry is the one a client cannot forge. Otherwise the
    socket's address; a client's own X-Forwarded-For is never believed.
    """
    if settings.SECURE_PROXY_SSL_HEADER:
        forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "").rsplit(",", 1)[-1].strip()
        if forwarded:
            return forwarded
    return request.META.get("REMOTE_ADDR")


def attempt_username(request, credentials=None) -> str | None:
    """The username a login attempt is counted under: what was typed, cut to the length django-axes stores (a
    longer one, which no user has, would not fit its column and make the login page fail)."""
    from axes.models import AccessAttempt

    username = (credentials or getattr(request, "POST", {})).get("username")
    if username is None:
        return None
    return str(username)[:AccessAttempt._meta.get_field("username").max_length]
