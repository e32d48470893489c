"""Session bookkeeping for the logged-in user: when they logged in, when they were last seen, and whether
they owe a second factor; kept in the session so ordinary requests cost no query for them.

The last-seen time and the second-factor flag are refreshed at most once a minute, so a busy page does not
write its session on every request; the idle limit is exact to that minute, and a role that asks for a
second factor applies within the minute. Permissions are not kept here: Django's ModelBackend reads them
once per request, so a role given or taken away applies at the user's next request.
"""

import time

from django.conf import settings

from .two_factor import second_factor_needed

LOGIN_AT = "accounts_login_at"
SEEN_AT = "accounts_seen_at"
NEEDS_CODE = "accounts_needs_code"
TOUCH_EVERY = 60  # seconds


def session_start(request, user) -> None:
    """At login: the clocks start, and whether this user must enter a code is decided."""
    now = int(time.time())
    request.session[LOGIN_AT] = now
    request.session[SEEN_AT] = now
    request.session[NEEDS_CODE] = second_factor_needed(user)


def session_ended(request) -> str | None:
    """Why the logged-in user's session is over ("idle" or "lifetime"), or None while it lasts."""
    session, now = request.session, time.time()
    if now - session.get(SEEN_AT, now) > settings.SESSION_IDLE_MINUTES * 60:
        return "idle"
    if now - session.get(LOGIN_AT, now) > settings.SESSION_COOKIE_AGE:
        return "lifetime"
    return None


def session_touch(request) -> None:
    """Record this request as activity, and re-read whether the user owes a code, once a minute at most."""
    session, now = request.session, int(time.time())
    session.setdefault(LOGIN_AT, now)  # sessions from before these limits start their clock now
    if NEEDS_CODE in session and now - session.get(SEEN_AT, 0) < TOUCH_EVERY:
        return
    session[SEEN_AT] = now
    # a role given during the session (Manager, say) asks for the code within the minute
    session[NEEDS_CODE] = second_factor_needed(request.user)
