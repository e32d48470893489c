import re

from django.db.models import Q, QuerySet

from .models import Customer

CUSTOMER_NUMBER = re.compile(r"^[cC]?0*(\d{1,12})$")


def customer_search(query: str) -> QuerySet[Customer]:
    """The customer list's one search box: name, company, email, phone or customer number.

    Every branch is a prefix match on an indexed upper-cased column, so it stays fast on
    a large table; results come alphabetically.
    """
    query = " ".join(query.split())
    customers = Customer.objects.all()
    if not query:
        return customers
    condition = (
        Q(last_name__istartswith=query)
        | Q(first_name__istartswith=query)
        | Q(company__istartswith=query)
        | Q(email__istartswith=query)
        | Q(phone__startswith=query)
    )
    if number := CUSTOMER_NUMBER.match(query):
        condition |= Q(pk=int(number.group(1)))
    first, _, rest = query.partition(" ")
    if rest:
        condition |= Q(first_name__istartswith=first, last_name__istartswith=rest)
    return customers.filter(condition)


def customer_identify_search(*, last_name: str = "", company: str = "", email: str = "") -> QuerySet[Customer]:
    """Identify's search: every filled field must match by prefix, case-insensitively."""
    condition = Q()
    if last_name := last_name.strip():
        condition &= Q(last_name__istartswith=last_name)
    if company := company.strip():
        condition &= Q(company__istartswith=company)
    if email := email.strip():
        condition &= Q(email__istartswith=email)
    if not condition:
        return Customer.objects.none()
    return Customer.objects.filter(condition).select_related("default_billing_address")
