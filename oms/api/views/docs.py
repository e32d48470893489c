"""The OpenAPI schema (/api/v1/schema/) and its Swagger UI page (/api/docs/), for staff (a session or a token).

The page is drf-spectacular's split view: its script is a file of its own and Swagger UI's files are ours
(drf-spectacular-sidecar, served as static files), so it runs under the project's Content-Security-Policy."""

from drf_spectacular.extensions import OpenApiAuthenticationExtension
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView
from rest_framework.authentication import SessionAuthentication

from oms.api.authentication import ApiTokenAuthentication, IsStaff

from .base import TokenRequests


class TokenScheme(OpenApiAuthenticationExtension):
    """The token in the schema (and Swagger UI's Authorize button): HTTP bearer."""

    target_class = ApiTokenAuthentication
    name = "apiToken"

    def get_security_definition(self, auto_schema):
        return {"type": "http", "scheme": "bearer",
                "description": "A personal token from the API tokens page (account menu)."}


class _StaffOnly(TokenRequests):
    authentication_classes = [ApiTokenAuthentication, SessionAuthentication]
    permission_classes = [IsStaff]


class SchemaView(_StaffOnly, SpectacularAPIView):
    pass


class DocsView(_StaffOnly, SpectacularSwaggerSplitView):
    template_name = "api/swagger_ui.html"  # drf-spectacular's, without its inline <style>
