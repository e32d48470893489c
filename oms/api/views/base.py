"""What every API view shares: token authentication, the permission per method, the rate limit, JSON in."""

from django.contrib.auth.decorators import login_not_required
from rest_framework.views import APIView

from oms.api.authentication import ApiTokenAuthentication, HasViewPermission, TokenRateThrottle
from oms.core.via import via_bound


class TokenRequests:
    """Views a token may call. Marked login_not_required: the staff and second-factor middleware would send a
    token's request to the login page; the authentication and permission classes take their place. What the token
    says of changes ("via API token ...") is forgotten when the request ends."""

    @classmethod
    def as_view(cls, **initkwargs):
        return login_not_required(super().as_view(**initkwargs))

    def dispatch(self, request, *args, **kwargs):
        with via_bound():
            return super().dispatch(request, *args, **kwargs)


class ApiView(TokenRequests, APIView):
    """An API endpoint: ``permissions`` names the Django permission each method needs (the one its page checks)."""

    authentication_classes = [ApiTokenAuthentication]
    permission_classes = [HasViewPermission]
    throttle_classes = [TokenRateThrottle]
    permissions: dict[str, str] = {}

    def get_permissions(self):
        if self.request.method == "HEAD":
            self.permissions = self.permissions | {"HEAD": self.permissions.get("GET", "")}
        return super().get_permissions()
