from functools import reduce
from operator import or_

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.checks import Error, Tags, register
from django.db import DatabaseError
from django.db.models import Q

from .roles import DEMO_USERNAMES


@register(Tags.security, deploy=True)
def demo_users_check(app_configs, **kwargs):
    """Demo logins have published passwords: a deployment (DEBUG off) must not have them active (an inactive
    user cannot log in, whatever the password)."""
    if settings.DEBUG:
        return []
    named_like_demo = reduce(or_, (Q(username__iexact=name) for name in DEMO_USERNAMES))
    try:
        active = get_user_model().objects.filter(named_like_demo, is_active=True)
        found = sorted(active.values_list("username", flat=True))
    except DatabaseError:
        return []  # no database, or not migrated yet: it holds no demo users either
    if not found:
        return []
    return [
        Error(
            f"Active demo logins exist with DEBUG off: {', '.join(found)}.",
            hint="Their passwords are published in the README: delete these users in the admin, or deactivate "
                 "them (untick Active).",
            id="accounts.E001",
        )
    ]
