from django.contrib import admin

from oms.core.admin_search import search_first_matches

from .models import Product
from .selectors import product_search_ids


@admin.register(Product)
class ProductAdmin(admin.ModelAdmin):
    list_display = ["sku", "name", "price", "stock", "track_inventory", "is_active", "updated_at"]
    list_editable = ["is_active"]
    search_fields = ["^sku", "^name"]
    list_filter = ["is_active", "track_inventory"]
    show_full_result_count = False
    readonly_fields = ["created_at", "updated_at"]

    def get_search_results(self, request, queryset, search_term):
        # The product list's search, along its indexes; sidebar filters narrow its first matches.
        return search_first_matches(self, request, queryset, search_term, product_search_ids)
