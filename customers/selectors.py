import re
from functools import reduce
from operator import or_

from django.db.models import Q, QuerySet

from oms.core.paging import ranked

from .models import Customer

CUSTOMER_NUMBER = re.compile(r"^[cC]?0*(\d{1,12})$")
# What a page is sorted by (Customer.Meta.ordering), as selected by the ranking keys.
SORT_KEYS = ("last_name", "first_name", "pk")


def customer_search(query: str) -> QuerySet[Customer]:
    """The customer list's one search box: name, company, email, phone or customer number.

    Every branch is a prefix match on an indexed upper-cased column, so it stays fast on
    a large table; results come alphabetically. A page is ranked over the branches' covering
    indexes (customers 0002) before any full row is read: a surname shared by 1% of a
    million customers costs a few milliseconds.
    """
    query = " ".join(query.split())
    if not query:
        return ranked(Customer.objects.all(), Customer.objects.values_list(*SORT_KEYS), SORT_KEYS, fence=False)
    branches = [
        Q(last_name__istartswith=query),
        Q(first_name__istartswith=query),
        Q(company__istartswith=query),
        Q(email__istartswith=query),
        Q(phone__startswith=query),
    ]
    if number := CUSTOMER_NUMBER.match(query):
        branches.append(Q(pk=int(number.group(1))))
    first, _, rest = query.partition(" ")
    if rest:
        branches.append(Q(first_name__istartswith=first, last_name__istartswith=rest))
    # One query per branch, each served by one index; a row matching two is kept once.
    keys = [Customer.objects.filter(branch).values_list(*SORT_KEYS).order_by() for branch in branches]
    return ranked(Customer.objects.filter(reduce(or_, branches)), keys[0].union(*keys[1:]), SORT_KEYS)


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
    customers = Customer.objects.filter(condition).select_related("default_billing_address")
    return ranked(customers, Customer.objects.filter(condition).values_list(*SORT_KEYS), SORT_KEYS)


def customers_with_email(email: str, *, limit: int = 5) -> list[Customer]:
    """Customers who already use this email (any case): likely duplicates of a new one."""
    return list(Customer.objects.filter(email__iexact=email.strip())[:limit]) if email.strip() else []
