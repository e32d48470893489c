from django.contrib import admin
from django.urls import include, path
from django.views.generic import RedirectView

urlpatterns = [
    path("", RedirectView.as_view(pattern_name="orders:list"), name="home"),
    path("accounts/", include("oms.accounts.auth_urls")),
    path("accounts/", include("oms.accounts.urls")),
    path("customers/", include("customers.urls")),
    path("products/", include("catalog.urls")),
    path("orders/", include("orders.urls")),
    path("admin/", admin.site.urls),
]

admin.site.site_header = "Order management"
admin.site.site_title = "Order management admin"
