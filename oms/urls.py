from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path
from django.views.generic import RedirectView

urlpatterns = [
    path("", RedirectView.as_view(pattern_name="orders:list"), name="home"),
    path("accounts/login/", auth_views.LoginView.as_view(), name="login"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("customers/", include("customers.urls")),
    path("products/", include("catalog.urls")),
    path("orders/", include("orders.urls")),
    path("admin/", admin.site.urls),
]

admin.site.site_header = "Order management"
admin.site.site_title = "Order management admin"
