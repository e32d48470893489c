"""The admin's carriers and the merchant's details printed on invoices and packing slips."""

import base64

from django import forms
from django.contrib import admin

from orders.fulfilment.models import Carrier, MerchantSettings

LOGO_TYPES = {"image/png", "image/jpeg", "image/svg+xml"}
LOGO_MAX_BYTES = 200_000


@admin.register(Carrier)
class CarrierAdmin(admin.ModelAdmin):
    list_display = ["name", "tracking_url", "is_active", "position"]
    list_editable = ["is_active", "position"]
    list_filter = ["is_active"]
    search_fields = ["name"]


class MerchantSettingsForm(forms.ModelForm):
    logo_file = forms.FileField(label="Logo", required=False,
                                help_text="PNG, JPEG or SVG, at most 200 KB; printed at the top of documents.")
    remove_logo = forms.BooleanField(required=False)

    class Meta:
        model = MerchantSettings
        fields = ["name", "address", "email", "phone", "tax_number", "paper", "invoice_footer"]

    def clean_logo_file(self):
        upload = self.cleaned_data["logo_file"]
        if upload is None:
            return None
        if upload.content_type not in LOGO_TYPES:
            raise forms.ValidationError("Upload a PNG, JPEG or SVG image.")
        if upload.size > LOGO_MAX_BYTES:
            raise forms.ValidationError("The logo must be at most 200 KB.")
        return f"data:{upload.content_type};base64,{base64.b64encode(upload.read()).decode()}"

    def save(self, commit=True):
        settings = super().save(commit=False)
        if self.cleaned_data.get("remove_logo"):
            settings.logo = ""
        elif self.cleaned_data.get("logo_file"):
            settings.logo = self.cleaned_data["logo_file"]
        if commit:
            settings.save()
        return settings


@admin.register(MerchantSettings)
class MerchantSettingsAdmin(admin.ModelAdmin):
    form = MerchantSettingsForm
    list_display = ["name", "paper"]

    def has_add_permission(self, request):
        return super().has_add_permission(request) and not MerchantSettings.objects.exists()  # one row

    def has_delete_permission(self, request, obj=None):
        return False
