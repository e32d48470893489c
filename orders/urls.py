from django.urls import path

from . import views

app_name = "orders"
urlpatterns = [
    path("", views.order_list, name="list"),
    path("new/", views.order_new, name="new"),
    path("export.csv", views.order_export, name="export"),
    path("<id:number>/", views.order_detail, name="detail"),
    path("<id:number>/resend-confirmation/", views.order_resend_confirmation, name="resend"),
    path("<id:number>/status/", views.order_status, name="status"),
    path("<id:number>/email/", views.order_email, name="email"),
    path("<id:number>/cancel/", views.order_cancel_view, name="cancel"),
    path("<id:number>/notes/", views.order_note, name="note"),
    path("<id:number>/payments/new/", views.payment_new, name="payment_new"),
    path("<id:number>/shipments/new/", views.shipment_new, name="shipment_new"),
    path("<id:number>/shipments/<id:shipment_id>/resend/", views.shipment_resend, name="shipment_resend"),
    path("<id:number>/invoice/", views.order_document, {"kind": "invoice"}, name="invoice"),
    path("<id:number>/invoice.pdf", views.order_document, {"kind": "invoice", "pdf": True}, name="invoice_pdf"),
    path("<id:number>/packing-slip/", views.order_document, {"kind": "packing_slip"}, name="packing_slip"),
    path("<id:number>/packing-slip.pdf", views.order_document, {"kind": "packing_slip", "pdf": True},
         name="packing_slip_pdf"),
    path("dashboard/", views.dashboard, name="dashboard"),
    path("documents/", views.documents_batch, name="documents_batch"),
    path("<id:number>/reorder/", views.order_reorder, name="reorder"),
    path("reorder/", views.order_reorder, name="reorder_chosen"),  # the order in the POST: the customer record
    path("<id:number>/edit/", views.order_edit_start, name="edit_start"),
    path("<id:number>/edit/<str:edit_id>/", views.order_edit, name="edit"),
    path("<id:number>/edit/<str:edit_id>/add/", views.order_edit_add, name="edit_add"),
    path("<id:number>/edit/<str:edit_id>/lines/", views.order_edit_line, name="edit_line"),
    path("<id:number>/edit/<str:edit_id>/paste/", views.order_edit_paste, name="edit_paste"),
    path("<id:number>/edit/<str:edit_id>/discard/", views.order_edit_discard, name="edit_discard"),
    path("<id:number>/edit/<str:edit_id>/price/", views.order_edit_price, name="edit_price"),  # ?line=<product>
    path("<id:number>/edit/<str:edit_id>/discount/", views.order_edit_discount, name="edit_discount"),
    path("customers/<id:pk>/export/", views.customer_export, name="customer_export"),
    path("customers/<id:pk>/erase/", views.customer_erase_view, name="customer_erase"),
    path("cart/<str:cart_id>/", views.cart_detail, name="cart"),
    path("cart/<str:cart_id>/add/", views.cart_add, name="cart_add"),
    path("cart/<str:cart_id>/paste/", views.cart_paste, name="cart_paste"),
    path("cart/<str:cart_id>/products/", views.product_suggest, name="product_suggest"),
    path("cart/<str:cart_id>/lines/", views.cart_line, name="cart_line"),
    path("cart/<str:cart_id>/identify/", views.cart_identify, name="identify"),
    path("cart/<str:cart_id>/attach/", views.cart_attach, name="attach"),
    path("cart/<str:cart_id>/customers/new/", views.cart_create_customer, name="create_customer"),
    path("cart/<str:cart_id>/checkout/", views.cart_checkout, name="checkout"),
    path("cart/<str:cart_id>/checkout/review/", views.checkout_review, name="checkout_review"),
    path("cart/<str:cart_id>/price/", views.cart_price, name="cart_price"),  # ?line=<product>: reversed once a cart
    path("cart/<str:cart_id>/discount/", views.cart_discount, name="cart_discount"),
    path("cart/<str:cart_id>/custom/", views.cart_custom_add, name="cart_custom_add"),
    path("cart/<str:cart_id>/custom/<str:line_id>/", views.cart_custom_line, name="cart_custom_line"),
    path("cart/<str:cart_id>/discard/", views.cart_discard, name="discard"),
]
