from django.contrib import messages
from django.contrib.auth.decorators import permission_required
from django.shortcuts import get_object_or_404, redirect, render

from oms.core.forms import SearchBoxForm
from oms.core.search import search_query

from .forms import CustomerForm, NewCustomerAddressForm
from .models import Customer
from .record import record_sections
from .selectors import customer_search_page
from .services import customer_create, customer_update


@permission_required("customers.view_customer", raise_exception=True)
def customer_list(request):
    query = search_query(request)
    page = customer_search_page(query, after=request.GET.get("after"), before=request.GET.get("before"))
    search_form = SearchBoxForm(query, help_text="Name, company, email, phone or customer number.", focus=True)
    return render(request, "customers/customer_list.html", {"page": page, "query": query, "search_form": search_form})


@permission_required("customers.view_customer", raise_exception=True)
def customer_detail(request, pk: int):
    customer = get_object_or_404(
        Customer.objects.select_related("customer_type", "default_billing_address", "default_shipping_address"), pk=pk
    )
    context = {
        "customer": customer,
        "addresses": list(customer.addresses.all()),
        "sections": record_sections(request, customer),  # what other apps show here (orders: Place Order, history)
    }
    return render(request, "customers/customer_detail.html", context)


@permission_required("customers.add_customer", raise_exception=True)
def customer_create_view(request):
    form = CustomerForm(request.POST or None, prefix="new")
    address_form = NewCustomerAddressForm(request.POST or None, prefix="new")
    if request.method == "POST" and form.is_valid() and address_form.is_valid():
        customer = customer_create(customer=form.cleaned_data, address=address_form.cleaned_data)
        messages.success(request, f"Customer {customer.name} created.")
        return redirect(customer)
    return render(
        request, "customers/customer_form.html", {"form": form, "address_form": address_form}
    )


@permission_required("customers.change_customer", raise_exception=True)
def customer_edit(request, pk: int):
    customer = get_object_or_404(Customer, pk=pk)
    form = CustomerForm(request.POST or None, instance=customer)
    if request.method == "POST" and form.is_valid():
        customer_update(customer=customer, changes=form.cleaned_data)
        messages.success(request, f"Customer {customer.name} saved.")
        return redirect(customer)
    return render(request, "customers/customer_form.html", {"form": form, "customer": customer})
