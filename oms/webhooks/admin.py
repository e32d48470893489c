"""Webhooks in the admin: Administrators register endpoints and read the delivery log, with Resend."""

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied

from oms.core.admin_readonly import ReadOnlyAdmin

from .models import Delivery, Endpoint, EventType
from .services import delivery_resend


class EndpointForm(forms.ModelForm):
    url = forms.URLField(label="URL", max_length=500, assume_scheme="https", help_text=Endpoint.url.field.help_text)
    events = forms.MultipleChoiceField(choices=EventType.choices, widget=forms.CheckboxSelectMultiple,
                                       help_text="The event types this endpoint receives.")

    class Meta:
        model = Endpoint
        fields = ["url", "description", "events", "secret", "is_active"]


@admin.register(Endpoint)
class EndpointAdmin(admin.ModelAdmin):
    form = EndpointForm
    list_display = ["url", "description", "is_active", "disabled_at", "created_at"]
    list_filter = ["is_active"]

    def get_readonly_fields(self, request, obj=None):
        # The receiver was given the secret: changing it here would break their verification unannounced.
        return ["secret", "disabled_at", "created_at"] if obj else []

    def save_model(self, request, obj, form, change):
        if obj.is_active and "is_active" in form.changed_data:  # ticked Active again: failures count afresh
            obj.disabled_at = obj.failing_since = None
        super().save_model(request, obj, form, change)


@admin.register(Delivery)
class DeliveryAdmin(ReadOnlyAdmin, admin.ModelAdmin):
    list_display = ["event_type", "event_id", "endpoint", "status", "last_status_code", "last_duration_ms",
                    "attempts", "created_at", "delivered_at"]
    list_filter = ["status", "event_type", "endpoint"]
    list_select_related = ["endpoint"]
    show_full_result_count = False
    actions = ["resend"]

    def has_resend_permission(self, request) -> bool:
        return request.user.has_perm("webhooks.resend_delivery")

    def changelist_view(self, request, extra_context=None):
        # Django drops an action the user may not use from the list, and a forged one would be ignored silently.
        if request.method == "POST" and request.POST.get("action") == "resend" and not self.has_resend_permission(
                request):
            raise PermissionDenied
        return super().changelist_view(request, extra_context)

    @admin.action(description="Resend selected deliveries", permissions=["resend"])
    def resend(self, request, queryset):
        queued = sum(delivery_resend(delivery=delivery) for delivery in queryset)
        if queued:
            self.message_user(request, f"{queued} delivery(ies) queued to be sent again.")
        if skipped := queryset.count() - queued:
            self.message_user(request, f"{skipped} delivery(ies) being sent right now: not queued.", messages.WARNING)
