from django.contrib import admin

from oms.core.admin_inlines import BoundedInline
from oms.core.admin_search import search_first_matches

from .models import Address, Customer, TypePrice
from .selectors import customer_search_ids


class AddressInline(BoundedInline, admin.StackedInline):
    model = Address
    extra = 0


# What a customer pays and where it goes by default: our customer form leaves these out, so in the admin too they
# need more than customers.change_customer (Order entry has that).
TERMS_FIELDS = ["customer_type", "tax_exempt", "tax_exemption_number", "payment_terms_days", "credit_limit",
                "default_billing_address", "default_shipping_address"]
TERMS_PERMISSION = "customers.change_customer_terms"


@admin.register(Customer)
class CustomerAdmin(admin.ModelAdmin):
    list_display = ["number", "last_name", "first_name", "company", "email", "phone", "customer_type", "created_at"]
    list_select_related = ["customer_type"]
    # The number links to the record (Django's default, the first column); the surname linked too, and each
    # link on a searched page resolves its URL to keep the search (about 3.5 ms for 25 rows).
    # The search box goes through customer_search_ids (get_search_results); a full count of a big table is skipped.
    search_fields = ["^last_name", "^first_name", "^company", "^email", "^phone"]
    show_full_result_count = False
    list_filter = ["customer_type", "tax_exempt", "created_at"]
    list_per_page = 25  # as many as the staff customer list; 50 rows a page took the page past its 25 ms budget
    readonly_fields = ["created_at", "updated_at"]
    raw_id_fields = ["default_billing_address", "default_shipping_address"]
    inlines = [AddressInline]
    fieldsets = [
        (None, {"fields": ["first_name", "last_name", "company", "email", "phone", "notes"]}),
        ("Pricing, tax and terms", {"fields": ["customer_type", "tax_exempt", "tax_exemption_number",
                                               "payment_terms_days", "credit_limit"]}),
        ("Defaults", {"fields": ["default_billing_address", "default_shipping_address", "created_at",
                                 "updated_at"]}),
    ]

    def get_readonly_fields(self, request, obj=None):
        readonly = list(super().get_readonly_fields(request, obj))
        if not request.user.has_perm(TERMS_PERMISSION):
            readonly += TERMS_FIELDS  # shown, and a forged POST of them is ignored
        return readonly

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


class TypePriceInline(BoundedInline, admin.TabularInline):
    """A customer type's own prices, edited with the type (orders.admin_pricing registers the type)."""

    model = TypePrice
    extra = 0
    raw_id_fields = ["product"]


@admin.register(TypePrice)
class TypePriceAdmin(admin.ModelAdmin):
    list_display = ["customer_type", "product", "price"]
    list_select_related = ["customer_type", "product"]
    list_filter = ["customer_type"]
    search_fields = ["^product__sku", "product__name", "customer_type__name"]
    raw_id_fields = ["product"]
    show_full_result_count = False
