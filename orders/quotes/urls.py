"""Quotes: the list, a quote's page and PDF, and what may be done to it there. Saving, revising and converting
one are the line pipeline's (orders.ordering.urls)."""

from django.urls import path

from orders.quotes import views

urlpatterns = [
    path("quotes/", views.quote_list, name="quotes"),
    path("quotes/<id:quote_number>/", views.quote_detail, name="quote"),
    path("quotes/<id:quote_number>/print/", views.quote_document, name="quote_print"),
    path("quotes/<id:quote_number>/pdf/", views.quote_document, {"pdf": True}, name="quote_pdf"),
    path("quotes/<id:quote_number>/send/", views.quote_send_view, name="quote_send"),
    path("quotes/<id:quote_number>/withdraw/", views.quote_withdraw_view, name="quote_withdraw"),
]
