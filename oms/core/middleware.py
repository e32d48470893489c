from django.contrib import messages
from django.contrib.admin.views.main import SEARCH_VAR
from django.contrib.auth.middleware import LoginRequiredMiddleware
from django.core.exceptions import PermissionDenied

from .search import search_capped


class StaffRequiredMiddleware(LoginRequiredMiddleware):
    """Every page is for staff: anonymous users go to the login page, other users get 403.

    Views opt out with Django's ``login_not_required`` (the login page does). The admin keeps
    its own login flow, so it is left to the admin.
    """

    def process_view(self, request, view_func, view_args, view_kwargs):
        if request.resolver_match and request.resolver_match.app_name == "admin":
            return None
        response = super().process_view(request, view_func, view_args, view_kwargs)
        if response is not None or not getattr(view_func, "login_required", True):
            return response
        if not request.user.is_staff:
            raise PermissionDenied
        return None


class QueryNulMiddleware:
    """Drop NUL characters from query-string values before any view reads them.

    Search boxes and filters read ``request.GET`` directly, and PostgreSQL refuses text holding
    NUL (a 500 on ``?q=%00``). Posted forms need no help: Django's CharField refuses NUL with a
    message beside the field.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if "\x00" in request.META.get("QUERY_STRING", "") or "%00" in request.META.get("QUERY_STRING", ""):
            cleaned = request.GET.copy()
            for key in list(cleaned):
                cleaned.setlist(key.replace("\x00", ""), [value.replace("\x00", "") for value in cleaned.pop(key)])
            cleaned._mutable = False
            request.GET = cleaned
        return self.get_response(request)


class AdminSearchCapMiddleware:
    """The admin's search box (``?q=``), for every ModelAdmin (ours, auth's, axes', django-otp's), cut to the
    caps of oms.core.search before the changelist reads it; the page says so."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        if request.resolver_match.app_name != "admin" or SEARCH_VAR not in request.GET:
            return None
        capped, notice = search_capped(request.GET[SEARCH_VAR])
        if notice:
            query = request.GET.copy()
            query[SEARCH_VAR] = capped
            query._mutable = False
            request.GET = query
            messages.warning(request, notice)
        return None
