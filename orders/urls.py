"""The order app's URLs: the order list and page here, each capability's own list after them, under one
namespace ("orders:...")."""

from django.urls import path

from orders import views
from orders.changes.urls import urlpatterns as changes
from orders.fulfilment.urls import urlpatterns as fulfilment
from orders.ordering.urls import urlpatterns as ordering
from orders.payments.urls import urlpatterns as payments
from orders.quotes.urls import urlpatterns as quotes
from orders.reporting.urls import urlpatterns as reporting
from orders.returns.urls import urlpatterns as returns

app_name = "orders"
urlpatterns = [
    path("", views.order_list, name="list"),
    path("<id:number>/", views.order_detail, name="detail"),
    path("<id:number>/resend-confirmation/", views.order_resend_confirmation, name="resend"),
    path("<id:number>/status/", views.order_status, name="status"),
    path("<id:number>/email/", views.order_email, name="email"),
    path("<id:number>/notes/", views.order_note, name="note"),
    *ordering, *changes, *fulfilment, *payments, *returns, *quotes, *reporting,
]
