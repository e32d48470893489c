"""The dashboard and the export."""

from django.urls import path

from orders.reporting import views

urlpatterns = [
    path("export.csv", views.order_export, name="export"),
    path("dashboard/", views.dashboard, name="dashboard"),
]
