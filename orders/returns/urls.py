"""Goods coming back: returns (from an order or the customer record), receiving them, goodwill credit memos."""

from django.urls import path

from orders.returns import views

urlpatterns = [
    path("<id:number>/returns/new/", views.return_new, name="return_new"),
    path("customers/<id:pk>/returns/new/", views.return_new_for_customer, name="return_new_for_customer"),
    path("returns/<id:return_number>/", views.return_detail, name="return_detail"),
    path("returns/<id:return_number>/receive/", views.return_receive_view, name="return_receive"),
    path("<id:number>/credit-memos/new/", views.credit_memo_new, name="credit_memo_new"),
]
