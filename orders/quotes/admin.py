"""Quotes in the admin, read-only: the pages write them (versions, reservations, the timeline)."""

from django.contrib import admin
from django.urls import reverse
from django.utils.html import format_html

from oms.core.admin_readonly import ReadOnlyAdmin
from oms.core.admin_search import search_by_number
from orders.quotes.models import Quote, QuoteVersion


class QuoteVersionInline(ReadOnlyAdmin, admin.TabularInline):
    model = QuoteVersion
    fields = readonly_fields = ["number", "created_at", "created_by", "valid_until", "total"]


@admin.register(Quote)
class QuoteAdmin(ReadOnlyAdmin, admin.ModelAdmin):
    list_display = ["label", "created_at", "customer", "status", "valid_until", "total", "order"]
    list_filter = ["status", "reserve_stock", "created_at"]
    list_select_related = ["customer"]
    search_fields = ["number"]  # the quote's number (Q12 or 12): get_search_results
    search_help_text = "The quote's number."
    show_full_result_count = False
    readonly_fields = ["page"]
    inlines = [QuoteVersionInline]

    def get_search_results(self, request, queryset, search_term):
        return search_by_number(queryset, search_term, "number")

    @admin.display(description="Quote", ordering="number")
    def label(self, quote: Quote) -> str:
        return str(quote)

    @admin.display(description="Page")
    def page(self, quote: Quote) -> str:
        return format_html('<a href="{}">Quote {}</a>', reverse("orders:quote", args=[quote.number]), quote)
