"""Recording a payment, and a refund."""

from django.urls import path

from orders.payments import views

urlpatterns = [
    path("<id:number>/payments/new/", views.payment_new, name="payment_new"),
    path("<id:number>/refunds/new/", views.refund_new, name="refund_new"),
]
