from django.contrib import admin

from oms.core.admin_inlines import BoundedInline
from oms.core.admin_search import search_first_matches

from .models import Address, Customer
from .selectors import customer_search_ids


class AddressInline(BoundedInline, admin.StackedInline):
    model = Address
    extra = 0


@admin.register(Customer)
class CustomerAdmin(admin.ModelAdmin):
    list_display = ["number", "last_name", "first_name", "company", "email", "phone", "created_at"]
    list_display_links = ["number", "last_name"]
    # The search box goes through customer_search_ids (get_search_results); a full count of a big table is skipped.
    search_fields = ["^last_name", "^first_name", "^company", "^email", "^phone"]
    show_full_result_count = False
    list_filter = ["created_at"]
    list_per_page = 50
    readonly_fields = ["created_at", "updated_at"]
    raw_id_fields = ["default_billing_address", "default_shipping_address"]
    inlines = [AddressInline]

    def get_search_results(self, request, queryset, search_term):
        # The customer list's own search, along its indexes; sidebar filters narrow its first matches.
        return search_first_matches(self, request, queryset, search_term, customer_search_ids)

    @admin.display(description="Customer no.", ordering="pk")
    def number(self, customer):
        return customer.number


@admin.register(Address)
class AddressAdmin(admin.ModelAdmin):
    list_display = ["name", "company", "line1", "city", "region", "postal_code", "country", "customer"]
    list_select_related = ["customer"]
    search_fields = ["^name", "^company", "^city", "^postal_code"]
    list_filter = ["country"]
    raw_id_fields = ["customer"]
    show_full_result_count = False
