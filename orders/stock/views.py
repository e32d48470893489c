"""Receive stock: for one product (its `Receive stock` on the Products list) or several SKUs pasted at once."""

from django.contrib import messages
from django.contrib.auth.decorators import permission_required
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse

from catalog.models import Product
from orders.lifecycle import OrderRefused
from orders.ordering.paste import paste_resolve
from orders.stock.forms import PastedReceiptForm, ProductReceiptForm
from orders.stock.services import StockReceived, stock_receive


@permission_required("catalog.receive_stock", raise_exception=True)
def product_receive(request, pk: int):
    product = get_object_or_404(Product, pk=pk)
    form = ProductReceiptForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            received = stock_receive(quantities={product.pk: form.cleaned_data["quantity"]},
                                     reference=form.cleaned_data["reference"], actor=request.user)
        except OrderRefused as refused:
            form.add_error(None, refused.problems)
        else:
            _report(request, received)
            return redirect(f"{_products_url()}?q={product.sku}")
    return render(request, "orders/stock/product_receive.html", {"product": product, "form": form},
                  status=400 if form.errors else 200)


@permission_required("catalog.receive_stock", raise_exception=True)
def stock_receive_pasted(request):
    form = PastedReceiptForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        outcome = paste_resolve(form.cleaned_data["lines"], existing={})
        for text, problem in outcome.refused:
            form.add_error("lines", f"“{text[:80]}”: {problem}")
        if not outcome.refused:
            try:
                received = stock_receive(quantities={product.pk: units for product, units in outcome.added.items()},
                                         reference=form.cleaned_data["reference"], actor=request.user)
            except OrderRefused as refused:
                form.add_error("lines", refused.problems)
            else:
                _report(request, received)
                return redirect(_products_url())
    return render(request, "orders/stock/stock_receive.html", {"form": form}, status=400 if form.errors else 200)


def _products_url() -> str:
    return reverse("catalog:list")


def _report(request, received: StockReceived) -> None:
    units = ", ".join(f"{quantity:,} × {sku}" for sku, quantity in sorted(received.received.items()))
    messages.success(request, f"Receipt {received.receipt.pk} saved: {units}.")
    if received.allocated:
        served = ", ".join(f"#{number}" for number in sorted(received.allocated))
        done = ", ".join(f"#{number}" for number in sorted(received.completed))
        messages.info(request, f"Allocated to backorders on orders {served}."
                               + (f" Fully allocated now, ready to ship: {done}." if done else ""))
