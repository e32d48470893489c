"""A customer's data export and erasure: under the customer's own URL (/customers/<pk>/...), kept by orders
because a customer's personal data lives in their orders too."""

from django.urls import path

from orders.privacy import views

app_name = "customer_data"
urlpatterns = [
    path("<id:pk>/export/", views.customer_export, name="export"),
    path("<id:pk>/erase/", views.customer_erase_view, name="erase"),
]
