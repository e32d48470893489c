"""Shipping an order and its documents (a credit memo's by the memo's number)."""

from django.urls import path

from orders.fulfilment import views

urlpatterns = [
    path("<id:number>/shipments/new/", views.shipment_new, name="shipment_new"),
    path("<id:number>/shipments/<id:shipment_id>/resend/", views.shipment_resend, name="shipment_resend"),
    path("<id:number>/invoice/", views.order_document, {"kind": "invoice"}, name="invoice"),
    path("<id:number>/invoice.pdf", views.order_document, {"kind": "invoice", "pdf": True}, name="invoice_pdf"),
    path("<id:number>/packing-slip/", views.order_document, {"kind": "packing_slip"}, name="packing_slip"),
    path("<id:number>/packing-slip.pdf", views.order_document, {"kind": "packing_slip", "pdf": True},
         name="packing_slip_pdf"),
    path("credit-memos/<id:number>/", views.order_document, {"kind": "credit_memo"}, name="credit_memo"),
    path("credit-memos/<id:number>.pdf", views.order_document, {"kind": "credit_memo", "pdf": True},
         name="credit_memo_pdf"),
    path("documents/", views.documents_batch, name="documents_batch"),
]
