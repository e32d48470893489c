"""Changing a placed order: cancel, reorder, exchange a return, and starting, saving or discarding an edit."""

from django.urls import path

from orders.changes import views

urlpatterns = [
    path("<id:number>/cancel/", views.order_cancel_view, name="cancel"),
    path("<id:number>/cancel-remaining/", views.order_cancel_remaining_view, name="cancel_remaining"),
    path("<id:number>/hold/", views.order_hold_view, name="hold"),
    path("<id:number>/hold/release/", views.order_release, name="release"),
    path("<id:number>/reorder/", views.order_reorder, name="reorder"),
    path("reorder/", views.order_reorder, name="reorder_chosen"),  # the order in the POST: the customer record
    path("returns/<id:number>/exchange/", views.return_exchange, name="return_exchange"),
    path("<id:number>/edit/", views.order_edit_start, name="edit_start"),
    path("<id:number>/edit/<str:edit_id>/", views.order_edit, name="edit"),
    path("<id:number>/edit/<str:edit_id>/discard/", views.order_edit_discard, name="edit_discard"),
]
