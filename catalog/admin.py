from django.contrib import admin

from .models import Product


@admin.register(Product)
class ProductAdmin(admin.ModelAdmin):
    list_display = ["sku", "name", "price", "stock", "track_inventory", "is_active", "updated_at"]
    list_editable = ["is_active"]
    search_fields = ["^sku", "^name"]
    list_filter = ["is_active", "track_inventory"]
    show_full_result_count = False
    readonly_fields = ["created_at", "updated_at"]
