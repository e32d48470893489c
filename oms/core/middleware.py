from django.contrib.auth.middleware import LoginRequiredMiddleware
from django.core.exceptions import PermissionDenied


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
