"""Refunds and the store credit ledger in the admin, read-only: the services write them (never more refunded than
was paid, a balance never below zero)."""

from django.contrib import admin

from oms.core.admin_readonly import ReadOnlyAdmin
from oms.core.admin_search import search_by_number
from orders.payments.models import Refund, StoreCredit


@admin.register(Refund)
class RefundAdmin(ReadOnlyAdmin, admin.ModelAdmin):
    list_display = ["pk", "created_at", "order", "amount", "method", "reference", "refunded_by", "email_state"]
    list_filter = ["method", "email_state", "created_at"]
    list_select_related = ["order", "refunded_by"]
    search_fields = ["order"]  # the order's number: get_search_results
    search_help_text = "The order's number."
    show_full_result_count = False

    def get_search_results(self, request, queryset, search_term):
        return search_by_number(queryset, search_term, "order_id")


@admin.register(StoreCredit)
class StoreCreditAdmin(ReadOnlyAdmin, admin.ModelAdmin):
    list_display = ["pk", "created_at", "customer", "amount", "order", "refund", "payment"]
    list_select_related = ["customer", "order", "refund", "payment"]
    search_fields = ["order"]  # the order's number: get_search_results
    search_help_text = "The order's number."
    show_full_result_count = False

    def get_search_results(self, request, queryset, search_term):
        return search_by_number(queryset, search_term, "order_id")
