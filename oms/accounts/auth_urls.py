"""Logging in and out and changing the password, under the names Django and the templates use
(``login``, ``logout``, ``password_change``): included without a namespace."""

from django.contrib.auth import views as auth_views
from django.urls import path

from .views import LogoutView

urlpatterns = [
    path("login/", auth_views.LoginView.as_view(), name="login"),
    path("logout/", LogoutView.as_view(), name="logout"),
    path("password/", auth_views.PasswordChangeView.as_view(), name="password_change"),
    path("password/done/", auth_views.PasswordChangeDoneView.as_view(), name="password_change_done"),
]
