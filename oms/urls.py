from django.contrib import admin
from django.urls import include, path
from django.views.generic import RedirectView

from oms.core.health import healthz

urlpatterns = [
    path("", RedirectView.as_view(pattern_name="orders:list"), name="home"),
    path("accounts/", include("oms.accounts.auth_urls")),
    path("accounts/", include("oms.accounts.urls")),
    path("accounts/api-tokens/", include("oms.api.token_urls")),  # personal tokens for the API
    path("api/", include("oms.api.urls")),  # the REST API (/api/v1/), its schema and docs page
    path("customers/", include("customers.urls")),
    path("customers/", include("orders.privacy.urls")),  # a customer's data: export and erasure
    path("products/", include("catalog.urls")),
    path("products/", include("orders.stock.urls")),  # Receive stock: into stock and to the orders waiting for it
    path("orders/", include("orders.urls")),
    path("admin/", admin.site.urls),
    path("healthz", healthz, name="healthz"),
]

admin.site.site_header = "Order management"
admin.site.site_title = "Order management admin"
