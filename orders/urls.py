from django.urls import path

from . import views

app_name = "orders"
urlpatterns = [
    path("", views.order_list, name="list"),
    path("new/", views.order_new, name="new"),
    path("export.csv", views.order_export, name="export"),
    path("<int:number>/", views.order_detail, name="detail"),
    path("<int:number>/resend-confirmation/", views.order_resend_confirmation, name="resend"),
    path("<int:number>/status/", views.order_status, name="status"),
    path("<int:number>/email/", views.order_email, name="email"),
    path("<int:number>/cancel/", views.order_cancel_view, name="cancel"),
    path("<int:number>/notes/", views.order_note, name="note"),
    path("<int:number>/reorder/", views.order_reorder, name="reorder"),
    path("<int:number>/edit/", views.order_edit_start, name="edit_start"),
    path("<int:number>/edit/<str:edit_id>/", views.order_edit, name="edit"),
    path("<int:number>/edit/<str:edit_id>/add/", views.order_edit_add, name="edit_add"),
    path("<int:number>/edit/<str:edit_id>/lines/<int:product_id>/", views.order_edit_line, name="edit_line"),
    path("<int:number>/edit/<str:edit_id>/discard/", views.order_edit_discard, name="edit_discard"),
    path("customers/<int:pk>/export/", views.customer_export, name="customer_export"),
    path("customers/<int:pk>/erase/", views.customer_erase_view, name="customer_erase"),
    path("cart/<str:cart_id>/", views.cart_detail, name="cart"),
    path("cart/<str:cart_id>/add/", views.cart_add, name="cart_add"),
    path("cart/<str:cart_id>/products/", views.product_suggest, name="product_suggest"),
    path("cart/<str:cart_id>/lines/<int:product_id>/", views.cart_line, name="cart_line"),
    path("cart/<str:cart_id>/identify/", views.cart_identify, name="identify"),
    path("cart/<str:cart_id>/attach/", views.cart_attach, name="attach"),
    path("cart/<str:cart_id>/customers/new/", views.cart_create_customer, name="create_customer"),
    path("cart/<str:cart_id>/checkout/", views.cart_checkout, name="checkout"),
    path("cart/<str:cart_id>/discard/", views.cart_discard, name="discard"),
]
