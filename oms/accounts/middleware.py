from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.shortcuts import redirect, resolve_url
from django.urls import reverse
from django.utils.cache import add_never_cache_headers
from django_htmx.http import HttpResponseClientRedirect

from .sessions import NEEDS_CODE, session_ended, session_touch
from .two_factor import authenticator

ENDED = {
    "idle": "You were logged out after {minutes} minutes without activity. Log in again to continue.",
    "lifetime": "Your session has ended: log in again each working day.",
}


def redirect_with_next(request, url: str):
    """Send the user to ``url``, coming back to this page afterwards; htmx requests load it as a whole page."""
    here = (request.htmx.current_url_abs_path if request.htmx else None) or request.get_full_path()
    target = f"{url}?{urlencode({'next': here})}"
    return HttpResponseClientRedirect(target) if request.htmx else redirect(target)


class SessionLimitsMiddleware:
    """A logged-in user is logged out after SESSION_IDLE_MINUTES without a request, and SESSION_COOKIE_AGE
    after logging in however busy; their pages are never stored by the browser or a proxy (no-store).

    Static files never get here (WhiteNoise answers them first) and keep their caching.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.user.is_authenticated:
            ended = session_ended(request)
            if ended:
                logout(request)
                messages.info(request, ENDED[ended].format(minutes=settings.SESSION_IDLE_MINUTES))
                return redirect_with_next(request, resolve_url(settings.LOGIN_URL))
            session_touch(request)
        response = self.get_response(request)
        if request.user.is_authenticated:
            add_never_cache_headers(response)
        return response


class SecondFactorMiddleware:
    """Users who owe a second factor reach nothing but the pages open without login (log in, log out, the
    code and setup pages) until they enter a code: those with an authenticator are asked for one, those
    without set one up. The admin is gated the same way (its login page is open, like ours)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        user = request.user
        if not user.is_authenticated or not request.session.get(NEEDS_CODE) or user.is_verified():
            return None
        if not getattr(view_func, "login_required", True) or request.resolver_match.view_name == "admin:logout":
            return None
        return redirect_with_next(request, reverse("accounts:verify" if authenticator(user) else "accounts:setup"))
