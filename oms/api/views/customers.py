"""Customers: the customer list's search on keyset pages, a customer's record, creating and changing one, through
the customer pages' forms and services."""

from django.forms.models import model_to_dict
from django.shortcuts import get_object_or_404
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import status
from rest_framework.response import Response

from customers.forms import CustomerForm, NewCustomerAddressForm
from customers.models import Customer
from customers.selectors import customer_search_page
from customers.services import customer_create, customer_update
from oms.api.inputs import cleaned, form_data, form_errors, invalid, json_object
from oms.api.serializers import CUSTOMER_FIELDS, CustomerInput, CustomerPage, CustomerSerializer
from oms.core.search import search_capped

from .base import ApiView

SEARCH = [OpenApiParameter("q", OpenApiTypes.STR, description="Name, company, email, phone or customer number."),
          OpenApiParameter("after", OpenApiTypes.STR, description="The `next` cursor of the page before.")]


def _customer(pk: int) -> Customer:
    return get_object_or_404(Customer.objects.select_related("default_billing_address"), pk=pk)


class CustomerListView(ApiView):
    """Customers: the Customers page's search, 25 a page (pass `next` as `after` for the next); creating one."""

    permissions = {"GET": "customers.view_customer", "POST": "customers.add_customer"}

    @extend_schema(parameters=SEARCH, responses=CustomerPage, operation_id="customers_list", summary="Search customers")
    def get(self, request):
        query, _ = search_capped(request.query_params.get("q", ""))
        page = customer_search_page(query, after=request.query_params.get("after"))
        return Response({"results": CustomerSerializer(page.object_list, many=True).data, "next": page.next_cursor})

    @extend_schema(request=CustomerInput, responses={201: CustomerSerializer},
                   operation_id="customers_create", summary="Create a customer")
    def post(self, request):
        data = json_object(request)
        address = data.get("address")
        form = CustomerForm(form_data(data))
        address_form = NewCustomerAddressForm(form_data(address if isinstance(address, dict) else {}))
        if not (form.is_valid() & address_form.is_valid()):
            raise invalid(form_errors(form), form_errors(address_form, "address."))
        customer = customer_create(customer=form.cleaned_data, address=address_form.cleaned_data)
        return Response(CustomerSerializer(_customer(customer.pk)).data, status=status.HTTP_201_CREATED)


class CustomerDetailView(ApiView):
    """A customer: their record, and changing their own fields, with the customer form's checks."""

    permissions = {"GET": "customers.view_customer", "PATCH": "customers.change_customer"}

    @extend_schema(responses=CustomerSerializer, operation_id="customers_read", summary="Read a customer")
    def get(self, request, pk: int):
        return Response(CustomerSerializer(_customer(pk)).data)

    @extend_schema(request=CustomerInput(partial=True), responses=CustomerSerializer, operation_id="customers_update",
                   summary="Change a customer's own fields (those not sent keep their values)")
    def patch(self, request, pk: int):
        customer = _customer(pk)
        given = {key: value for key, value in json_object(request).items() if key in CUSTOMER_FIELDS}
        changes = cleaned(CustomerForm(form_data(model_to_dict(customer, CUSTOMER_FIELDS) | given), instance=customer))
        customer_update(customer=customer, changes=changes)
        return Response(CustomerSerializer(_customer(pk)).data)
