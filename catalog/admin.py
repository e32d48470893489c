from django import forms
from django.contrib import admin
from django.db import transaction
from django.urls import reverse
from django.utils.formats import date_format
from django.utils.html import format_html, format_html_join
from django.utils.timezone import localtime

from oms.core.admin_search import search_first_matches

from .models import Product, StockMovement
from .selectors import product_search_ids
from .services import Move, products_locked, stock_move

LEDGER_SHOWN = 20


class ProductForm(forms.ModelForm):
    """The stock is not typed over (orders move it meanwhile): a change is an adjustment by so many units, with why,
    written to the ledger. A new product's stock is its opening stock."""

    adjust_by = forms.IntegerField(
        label="Adjust stock by", required=False, min_value=-1_000_000, max_value=1_000_000,
        help_text="Units to add (or, negative, to take away): a count, damage, a correction.")
    stock_reason = forms.CharField(label="Why the stock changed", max_length=200, required=False)

    class Meta:
        model = Product
        fields = ["sku", "name", "description", "price", "is_active", "track_inventory", "allow_backorders", "stock"]

    def clean(self):
        cleaned = super().clean()
        units = cleaned.get("adjust_by")
        if units and not cleaned.get("stock_reason", "").strip():
            self.add_error("stock_reason", "Say why the stock changed: it goes into the stock ledger.")
        if units and self.instance.pk:
            stock = Product.objects.values_list("stock", flat=True).get(pk=self.instance.pk)
            if stock + units < 0:
                self.add_error("adjust_by", f"Only {stock:,} in stock: take away at most that many.")
        return cleaned


@admin.register(Product)
class ProductAdmin(admin.ModelAdmin):
    form = ProductForm
    list_display = ["sku", "name", "price", "stock", "track_inventory", "allow_backorders", "is_active", "updated_at"]
    list_editable = ["is_active"]
    search_fields = ["^sku", "^name"]
    list_filter = ["is_active", "track_inventory", "allow_backorders"]
    show_full_result_count = False
    readonly_fields = ["created_at", "updated_at", "stock_ledger"]
    fields = ["sku", "name", "description", "price", "is_active", "track_inventory", "allow_backorders", "stock",
              "adjust_by", "stock_reason", "stock_ledger", "created_at", "updated_at"]

    def get_search_results(self, request, queryset, search_term):
        # The product list's search, along its indexes; sidebar filters narrow its first matches.
        return search_first_matches(self, request, queryset, search_term, product_search_ids)

    def get_fields(self, request, obj=None):
        if obj is None:  # a new product: its opening stock
            return [field for field in self.fields if field not in ("adjust_by", "stock_reason", "stock_ledger")]
        return self.fields

    def get_readonly_fields(self, request, obj=None):
        return [*self.readonly_fields, "stock"] if obj else self.readonly_fields

    def save_model(self, request, obj, form, change):
        """Stock changes here are ledger rows: a new product's opening stock, or an adjustment made under the
        product's lock (the rest of the product saves as usual, without its stock column)."""
        with transaction.atomic():
            if not change:
                opening, obj.stock = obj.stock, 0
                super().save_model(request, obj, form, change)
                stock_move([Move(obj.pk, opening)], kind=StockMovement.Kind.ADJUSTMENT, products=[obj],
                           actor=request.user, reason="Opening stock")
                return
            fields = [field.name for field in Product._meta.concrete_fields if field.name not in ("id", "stock")]
            obj.save(update_fields=fields)
            if units := form.cleaned_data.get("adjust_by"):
                stock_move([Move(obj.pk, units)], kind=StockMovement.Kind.ADJUSTMENT,
                           products=products_locked([obj.pk]), actor=request.user,
                           reason=form.cleaned_data["stock_reason"].strip())

    @admin.display(description="Stock ledger")
    def stock_ledger(self, obj):
        if not obj.pk:
            return "-"
        movements = list(obj.movements.select_related("actor").order_by("-pk")[:LEDGER_SHOWN])
        if not movements:
            return "No stock movements yet."
        rows = format_html_join("", "<tr><td>{}</td><td>{}</td><td class='text-end'>{}</td><td>{}</td><td>{}</td>"
                                    "<td>{}</td></tr>", (_ledger_row(movement) for movement in movements))
        link = reverse("admin:catalog_stockmovement_changelist") + f"?product__id__exact={obj.pk}"
        return format_html("<table><thead><tr><th>When</th><th>What</th><th>Units</th><th>For</th><th>Reason</th>"
                           "<th>Who</th></tr></thead><tbody>{}</tbody></table><a href='{}'>Every movement</a>",
                           rows, link)


def _ledger_row(movement: StockMovement) -> tuple:
    source = (f"Order #{movement.order_id}" if movement.order_id
              else f"Receipt {movement.receipt_id}" if movement.receipt_id else "")
    return (date_format(localtime(movement.created_at), "SHORT_DATETIME_FORMAT"), movement.get_kind_display(),
            f"{movement.quantity:+}", source, movement.reason, movement.actor or "")


@admin.register(StockMovement)
class StockMovementAdmin(admin.ModelAdmin):
    """The ledger, read-only: catalog.services writes it with every change of stock."""

    list_display = ["created_at", "product", "kind", "quantity", "order", "receipt", "reason", "actor"]
    list_filter = ["kind"]
    list_select_related = ["product", "actor"]
    raw_id_fields = ["product", "order", "receipt", "actor"]
    show_full_result_count = False

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
