from django.urls import path

from .views import catalog, customers, docs, orders

app_name = "api"

urlpatterns = [
    path("v1/schema/", docs.SchemaView.as_view(), name="schema"),
    path("docs/", docs.DocsView.as_view(url_name="api:schema"), name="docs"),
    path("v1/customers/", customers.CustomerListView.as_view(), name="customers"),
    path("v1/customers/<id:pk>/", customers.CustomerDetailView.as_view(), name="customer"),
    path("v1/products/", catalog.ProductListView.as_view(), name="products"),
    path("v1/products/<id:pk>/", catalog.ProductDetailView.as_view(), name="product"),
    path("v1/orders/", orders.OrderListView.as_view(), name="orders"),
    path("v1/orders/<id:number>/", orders.OrderDetailView.as_view(), name="order"),
    path("v1/orders/<id:number>/cancel/", orders.OrderCancelView.as_view(), name="order_cancel"),
    path("v1/orders/<id:number>/hold/", orders.OrderHoldView.as_view(), name="order_hold"),
    path("v1/orders/<id:number>/release/", orders.OrderReleaseView.as_view(), name="order_release"),
    path("v1/orders/<id:number>/payments/", orders.PaymentCreateView.as_view(), name="order_payments"),
    path("v1/orders/<id:number>/shipments/", orders.ShipmentCreateView.as_view(), name="order_shipments"),
]
