"""Session bookkeeping for the logged-in user: when they logged in, when they were last seen, whether
they owe a second factor, and which permissions their roles give them; kept in the session so ordinary
requests cost no query for them.

The last-seen time, the second-factor flag and the permissions are refreshed at most once a minute, so a
busy page does not write its session on every request; the idle limit is exact to that minute, and a role
given or taken away applies within the minute (at once for the user's next login).
"""

import time

from django.conf import settings

from .two_factor import second_factor_needed

LOGIN_AT = "accounts_login_at"
SEEN_AT = "accounts_seen_at"
NEEDS_CODE = "accounts_needs_code"
PERMISSIONS = "accounts_permissions"
TOUCH_EVERY = 60  # seconds


def session_start(request, user) -> None:
    """At login: the clocks start, whether this user must enter a code is decided, their permissions are read."""
    now = int(time.time())
    request.session[LOGIN_AT] = now
    request.session[SEEN_AT] = now
    request.session[NEEDS_CODE] = second_factor_needed(user)
    request.session[PERMISSIONS] = sorted(user.get_all_permissions())


def session_ended(request) -> str | None:
    """Why the logged-in user's session is over ("idle" or "lifetime"), or None while it lasts."""
    session, now = request.session, time.time()
    if now - session.get(SEEN_AT, now) > settings.SESSION_IDLE_MINUTES * 60:
        return "idle"
    if now - session.get(LOGIN_AT, now) > settings.SESSION_COOKIE_AGE:
        return "lifetime"
    return None


def session_touch(request) -> None:
    """Record this request as activity, and re-read the user's roles, once a minute at most."""
    session, now = request.session, int(time.time())
    session.setdefault(LOGIN_AT, now)  # sessions from before these limits start their clock now
    if NEEDS_CODE in session and PERMISSIONS in session and now - session.get(SEEN_AT, 0) < TOUCH_EVERY:
        # read by backends.SessionPermissionsBackend instead of two queries
        request.user.session_permissions = frozenset(session[PERMISSIONS])
        return
    session[SEEN_AT] = now
    # a role given during the session (Manager, say) asks for the code within the minute
    session[NEEDS_CODE] = second_factor_needed(request.user)
    session[PERMISSIONS] = sorted(request.user.get_all_permissions())
