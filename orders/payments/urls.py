"""Recording a payment."""

from django.urls import path

from orders.payments import views

urlpatterns = [
    path("<id:number>/payments/new/", views.payment_new, name="payment_new"),
]
