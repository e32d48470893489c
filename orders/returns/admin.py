"""Returns and credit memos in the admin, read-only: the services write them (locks, stock, the order's money,
the daily summary). The reasons staff choose from when authorizing a return are edited here."""

from django.contrib import admin
from django.urls import reverse
from django.utils.html import format_html

from oms.core.admin_readonly import ReadOnlyAdmin
from oms.core.admin_search import search_by_number
from orders.returns.models import CreditMemo, CreditMemoLine, Return, ReturnLine, ReturnReason


@admin.register(ReturnReason)
class ReturnReasonAdmin(admin.ModelAdmin):
    list_display = ["name", "is_active", "position"]
    list_editable = ["is_active", "position"]
    list_filter = ["is_active"]
    search_fields = ["name"]


class ReturnLineInline(ReadOnlyAdmin, admin.TabularInline):
    model = ReturnLine
    fields = ["order", "order_line", "quantity", "quantity_received"]

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("order", "order_line")


@admin.register(Return)
class ReturnAdmin(ReadOnlyAdmin, admin.ModelAdmin):
    list_display = ["label", "created_at", "customer", "status", "condition", "reason", "email_state"]
    list_filter = ["status", "condition", "email_state", "created_at"]
    list_select_related = ["customer", "reason"]
    search_fields = ["number"]  # the return's number (R12 or 12): get_search_results
    search_help_text = "The return's number."
    show_full_result_count = False
    inlines = [ReturnLineInline]

    def get_search_results(self, request, queryset, search_term):
        return search_by_number(queryset, search_term, "number")

    @admin.display(description="Return", ordering="number")
    def label(self, ret: Return) -> str:
        return ret.label


class CreditMemoLineInline(ReadOnlyAdmin, admin.TabularInline):
    model = CreditMemoLine
    fields = ["sku", "name", "unit_price", "quantity", "line_total"]


@admin.register(CreditMemo)
class CreditMemoAdmin(ReadOnlyAdmin, admin.ModelAdmin):
    list_display = ["label", "created_at", "order", "ret", "total", "reason"]
    list_filter = ["created_at"]
    list_select_related = ["order", "ret"]
    search_fields = ["number", "order"]  # the memo's or its order's number: get_search_results
    search_help_text = "The credit memo's number or its order's."
    show_full_result_count = False
    readonly_fields = ["document"]
    inlines = [CreditMemoLineInline]

    def get_search_results(self, request, queryset, search_term):
        return search_by_number(queryset, search_term, "number", "order_id")

    @admin.display(description="Credit memo", ordering="number")
    def label(self, memo: CreditMemo) -> str:
        return memo.label

    @admin.display(description="Document")
    def document(self, memo: CreditMemo) -> str:
        return format_html('<a href="{}">Credit memo {}</a>', reverse("orders:credit_memo", args=[memo.number]),
                           memo.label)
