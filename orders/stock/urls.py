from django.urls import path

from orders.stock import views

app_name = "stock"
urlpatterns = [
    path("receive/", views.stock_receive_pasted, name="receive"),
    path("<id:pk>/receive/", views.product_receive, name="product_receive"),
]
