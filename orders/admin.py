"""The order in Django's admin: search by number or customer, lines inline, status actions through the services."""

from django.contrib import admin, messages

from oms.core.admin_inlines import BoundedInline
from oms.core.admin_search import search_first_matches
from orders import lifecycle
from orders.changes.services import order_cancel, order_status_change
from orders.lifecycle import OrderRefused
from orders.models import Order, OrderLine
from orders.selectors import order_search_numbers


class OrderLineInline(BoundedInline, admin.TabularInline):
    model = OrderLine
    extra = 0
    can_delete = False
    fields = ["sku", "name", "list_price", "unit_price", "quantity", "line_total", "discount", "price_reason",
              "price_approved_by", "taxable", "is_custom", "product"]
    readonly_fields = fields

    def has_add_permission(self, request, obj=None):
        return False


def _status_action(status: Order.Status):
    def action(modeladmin, request, queryset):
        changed = 0
        for order in queryset:
            try:
                order_status_change(order=order, status=status, actor=request.user)
                changed += 1
            except OrderRefused as refused:
                modeladmin.message_user(request, f"#{order.number}: {refused.problems[0]}", messages.WARNING)
        if changed:
            modeladmin.message_user(request, f"{changed} order(s) marked {status.label.lower()}.")

    action.__name__ = f"mark_{status.value}"
    action.short_description = f"Mark selected orders {status.label.lower()}"
    action.allowed_permissions = ("change_status",)
    return action


@admin.register(Order)
class OrderAdmin(admin.ModelAdmin):
    list_display = ["number", "created_at", "customer_name", "status", "channel", "total", "confirmation_state"]
    list_filter = ["status", "channel", "confirmation_state", "payment_method", "tax_exempt", "created_at"]
    search_fields = ["=number", "^customer_name", "^customer_email"]
    list_select_related = ["customer"]
    show_full_result_count = False
    # No date_hierarchy: its year links cost a DISTINCT over every order; list_filter covers dates.
    # Shipped comes from recording shipments on the order page (orders.fulfilment), not from a status action.
    actions = [_status_action(status) for status in lifecycle.manual_statuses()] + [
        "cancel_with_restock"]
    inlines = [OrderLineInline]
    # Everything on an order is a snapshot of the moment it was placed; status moves by the actions.
    readonly_fields = [field.name for field in Order._meta.fields if field.name not in ("staff_note",)]
    raw_id_fields = ["customer", "placed_by"]

    def has_add_permission(self, request):
        return False  # orders are placed through the ordering screens, which check stock

    def has_delete_permission(self, request, obj=None):
        return False  # an order is never deleted: cancel it, which gives the stock back

    def has_change_status_permission(self, request):
        return request.user.has_perm("orders.change_status")

    def has_cancel_order_permission(self, request):
        return request.user.has_perm("orders.cancel_order")

    @admin.action(description="Cancel selected orders (give their stock back)", permissions=["cancel_order"])
    def cancel_with_restock(self, request, queryset):
        cancelled = 0
        for order in queryset:
            try:
                cancelled += order_cancel(order=order, reason="Cancelled in the admin", actor=request.user).changed
            except OrderRefused as refused:
                self.message_user(request, f"#{order.number}: {refused.problems[0]}", messages.WARNING)
        if cancelled:
            self.message_user(request, f"{cancelled} order(s) cancelled and restocked.")

    def get_search_results(self, request, queryset, search_term):
        # The order list's search (number, or the customer's name, company, email, phone) along its
        # indexes; prefix matches on the snapshot columns would read all the orders. Sidebar filters
        # narrow its first matches.
        return search_first_matches(self, request, queryset, search_term, order_search_numbers)


# Django's admin looks for an app's admin module only: each capability's admin registers from here.
from orders.fulfilment import admin as fulfilment_admin  # noqa: E402, F401
from orders.payments import admin as payments_admin  # noqa: E402, F401
from orders.pricing import admin as pricing_admin  # noqa: E402, F401
from orders.quotes import admin as quotes_admin  # noqa: E402, F401
from orders.returns import admin as returns_admin  # noqa: E402, F401
