from django.urls import path

from . import views

app_name = "accounts"

urlpatterns = [
    path("code/", views.verify, name="verify"),
    path("two-factor/", views.setup, name="setup"),
    path("two-factor/recovery-codes/", views.recovery_codes, name="recovery_codes"),
]
