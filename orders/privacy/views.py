"""A customer's data, for those allowed: `Export data` (a JSON download) and `Erase customer` (a confirmation
page, then the erasure). Both are on the customer record (orders.customer_record)."""

from django.contrib import messages
from django.contrib.auth.decorators import permission_required
from django.core.serializers.json import DjangoJSONEncoder
from django.http import JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from customers.models import Customer
from orders import lifecycle
from orders.privacy.services import CustomerErasureRefused, customer_data_export, customer_erase


@permission_required("customers.export_customer_data", raise_exception=True)
@require_POST
def customer_export(request, pk: int):
    customer = get_object_or_404(Customer, pk=pk)
    response = JsonResponse(customer_data_export(customer=customer), encoder=DjangoJSONEncoder,
                            json_dumps_params={"indent": 2, "ensure_ascii": False})
    response["Content-Disposition"] = f'attachment; filename="customer-{customer.number}.json"'
    return response


@permission_required("customers.erase_customer", raise_exception=True)
def customer_erase_view(request, pk: int):
    customer = get_object_or_404(Customer, pk=pk)
    if request.method == "POST":
        try:
            customer_erase(customer=customer)
        except CustomerErasureRefused as refused:
            messages.error(request, str(refused))
            return redirect(customer)
        messages.success(request, f"Customer {customer.number} erased: their orders keep their amounts.")
        return redirect(customer)
    open_orders = list(customer.orders.filter(status__in=lifecycle.ordered(lifecycle.OPEN))
                       .values_list("number", flat=True))
    return render(request, "orders/privacy/customer_erase.html", {"customer": customer, "open_orders": open_orders,
                                                          "closed": lifecycle.listed(lifecycle.CLOSED)})
