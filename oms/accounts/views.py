"""Logging out, the second step of logging in (the code), setting up an authenticator, and the lockout page.

The code and setup pages are open to any logged-in user, staff or not, and to users who have not
entered their code yet: they are marked ``login_not_required`` (so the staff and second-factor
middleware let them through) and check the login themselves.
"""

from urllib.parse import urlencode

from axes.helpers import get_client_username, get_cool_off
from django.conf import settings
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_not_required, login_required
from django.shortcuts import redirect, render, resolve_url
from django.utils import timezone
from django.utils.decorators import method_decorator
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.cache import never_cache
from django_otp import login as otp_login

from . import services
from .forms import CodeForm, SetupCodeForm
from .sessions import NEEDS_CODE
from .two_factor import authenticator, code_check, qr_code_data_uri, secret_text, wait_seconds

RECOVERY_CODES = "accounts_recovery_codes"


@method_decorator(login_not_required, name="dispatch")
class LogoutView(auth_views.LogoutView):
    """Django's logout, open to every user, which also tells the browser to forget what it kept of the site."""

    def post(self, request, *args, **kwargs):
        response = super().post(request, *args, **kwargs)
        response["Clear-Site-Data"] = '"cache", "cookies", "storage"'
        return response


def _next_url(request) -> str:
    """Where to go after the code: a path on this site (redirect() would take any other word for a URL name)."""
    url = request.POST.get("next") or request.GET.get("next")
    if url and url.startswith("/") and url_has_allowed_host_and_scheme(
            url, {request.get_host()}, require_https=request.is_secure()):
        return url
    return resolve_url(settings.LOGIN_REDIRECT_URL)


@login_not_required
@login_required
@never_cache
def verify(request):
    """The second step of logging in: a code from the authenticator app, or a recovery code."""
    if request.user.is_verified():
        return redirect(_next_url(request))
    if authenticator(request.user) is None:
        return redirect(f"{resolve_url('accounts:setup')}?{request.GET.urlencode()}")
    form = CodeForm(request.POST or None)
    if form.is_valid():
        device = code_check(request.user, form.cleaned_data["code"])
        if device is not None:
            otp_login(request, device)
            request.session[NEEDS_CODE] = True
            return redirect(_next_url(request))
        wait = wait_seconds(request.user)
        form.add_error("code", f"That code is not right. Try again{f' in {wait} seconds' if wait else ''}.")
    return render(request, "accounts/verify.html", {"form": form, "next": _next_url(request)})


@login_not_required
@login_required
@never_cache
def setup(request):
    """Set up an authenticator app: its secret as text and a QR code, confirmed by a code from the app."""
    if authenticator(request.user) is not None:
        # a new authenticator only with the old one's code: a stolen password alone must not add one
        return redirect(f"{resolve_url('accounts:verify')}?{request.GET.urlencode()}")
    device = services.totp_device_for_setup(user=request.user)
    form = SetupCodeForm(request.POST or None)
    if form.is_valid():
        codes = services.totp_device_confirm(device=device, code=form.cleaned_data["code"])
        if codes is not None:
            device.refresh_from_db()
            otp_login(request, device)
            request.session[NEEDS_CODE] = True
            request.session[RECOVERY_CODES] = codes
            return redirect(f"{resolve_url('accounts:recovery_codes')}?{urlencode({'next': _next_url(request)})}")
        form.add_error("code", "That code is not right. Check the app shows this account, and type its current code.")
    context = {"form": form, "secret": secret_text(device), "qr_code": qr_code_data_uri(device),
               "next": _next_url(request)}
    return render(request, "accounts/setup.html", context)


@login_not_required
@login_required
@never_cache
def recovery_codes(request):
    """The new recovery codes, shown once, right after setup."""
    codes = request.session.pop(RECOVERY_CODES, None)
    return render(request, "accounts/recovery_codes.html", {"codes": codes, "next": _next_url(request)})


def locked_out(request, original_response=None, credentials=None):
    """django-axes' answer once a username or address is locked: what happened and when to try again."""
    cool_off = get_cool_off(request)
    context = {
        "username": get_client_username(request, credentials) or "",
        "failure_limit": settings.AXES_FAILURE_LIMIT,
        "minutes": int(cool_off.total_seconds() // 60) if cool_off else None,
        "retry_at": timezone.localtime(timezone.now() + cool_off) if cool_off else None,
    }
    return render(request, "registration/locked_out.html", context, status=429)
