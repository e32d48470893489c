"""Customer searches, as branches of ordered index ranges (oms.core.seek) over the search indexes of
migration 0003: a page costs the same whether a term matches ten customers or a hundred thousand."""

import re
from functools import reduce
from operator import and_

from django.db.models import F, Q, QuerySet, Value
from django.db.models.functions import Upper

from oms.core.paging import Page
from oms.core.seek import Branch, ByteOrder, Prefix, seek_page, upper_key

from .models import Customer

CUSTOMER_NUMBER = re.compile(r"[cC]?0*([0-9]{1,12})", re.ASCII)
LAST, FIRST, COMPANY, EMAIL = map(upper_key, ("last_name", "first_name", "company", "email"))
PHONE = ByteOrder(F("phone"))
# Each tuple is an index's columns (customers 0003), as annotated by _keyed().
ALPHABETICAL = ("last_key", "first_key", "pk")
BY_FIRST_NAME = ("first_key", "last_key", "pk")
BY_COMPANY = ("company_key", "last_key", "first_key", "pk")
BY_EMAIL = ("email_key", "pk")
BY_PHONE = ("phone_key", "pk")


def _keyed(customers: QuerySet[Customer]) -> QuerySet[Customer]:
    return customers.annotate(last_key=LAST, first_key=FIRST, company_key=COMPANY, email_key=EMAIL, phone_key=PHONE)


def customer_search_branches(query: str, customers: QuerySet[Customer] | None = None) -> list[Branch]:
    """The customer list's one search box, for ``customers`` (all by default). Results come grouped by what
    matched, in this order, each customer once (under the first group that finds them):

    1. the customer number (C000123, c123 or 123);
    2. last name starts with the term: A-Z by last name, first name, customer number;
    3. with a space, "first last": first name starts with the first word and last name with the rest,
       A-Z by last name, first name, number;
    4. first name starts with the term: by first name, last name, number;
    5. company starts with it: by company, last name, first name, number;
    6. email starts with it: by email, number;
    7. phone starts with it: by phone, number.

    No term lists everyone A-Z by last name, first name, number. Letters compare upper-cased, in byte
    order ("O'BRIEN" before "OBRIEN", accented capitals after Z).
    """
    customers = _keyed(Customer.objects.all() if customers is None else customers)
    query = " ".join(query.split())
    if not query:
        return [Branch(customers, ALPHABETICAL)]
    branches, earlier = [], Q()
    for condition, keys in _conditions(query):
        branches.append(Branch(customers, keys, where=condition & ~earlier if earlier else condition))
        earlier |= condition
    return branches


def _conditions(query: str) -> list[tuple[Q, tuple[str, ...]]]:
    conditions = []
    if number := CUSTOMER_NUMBER.fullmatch(query):
        conditions.append((Q(pk=int(number.group(1))), ("pk",)))
    conditions.append((Q(Prefix(LAST, query)), ALPHABETICAL))
    first, _, rest = query.partition(" ")
    if rest:
        conditions.append((Q(Prefix(FIRST, first)) & Q(Prefix(LAST, rest)), ALPHABETICAL))
    return conditions + [
        (Q(Prefix(FIRST, query)), BY_FIRST_NAME),
        (Q(Prefix(COMPANY, query)), BY_COMPANY),
        (Q(Prefix(EMAIL, query)), BY_EMAIL),
        (Q(Prefix(PHONE, query, upper=False)), BY_PHONE),
    ]


def customer_search_page(query: str, *, after: str | None = None, before: str | None = None,
                         per_page: int = 25) -> Page:
    """A page of the customer list's search (ordered as customer_search_branches says), each customer with
    their billing address; ``after``/``before`` are cursors of the page's neighbours."""
    query = " ".join(query.split())
    customers = Customer.objects.select_related("default_billing_address")
    return seek_page(customer_search_branches(query, customers), scope=f"customers:{query}",
                     after=after, before=before, per_page=per_page)


def customer_search_ids(query: str, *, limit: int) -> list[int]:
    """The ids of the first ``limit`` customers the customer list's search finds, in its order."""
    page = seek_page(customer_search_branches(query, Customer.objects.only("pk")), scope="ids", per_page=limit)
    return [customer.pk for customer in page]


def customer_identify_branch(*, last_name: str = "", company: str = "", email: str = "",
                             customers: QuerySet[Customer] | None = None) -> Branch | None:
    """Identify's search: every filled field must match by prefix, case-insensitively; ordered by the index of
    the first filled field: last name, first name, number; or company, last name, first name, number; or email,
    number. None when no field is filled."""
    fields = [(last_name, LAST, ALPHABETICAL), (company, COMPANY, BY_COMPANY), (email, EMAIL, BY_EMAIL)]
    filled = [(Q(Prefix(key, value.strip())), keys) for value, key, keys in fields if value.strip()]
    if not filled:
        return None
    customers = _keyed(Customer.objects.all() if customers is None else customers)
    return Branch(customers, filled[0][1], where=reduce(and_, (condition for condition, _ in filled)))


def customers_with_email(email: str, *, limit: int = 5) -> list[Customer]:
    """Customers who already use this email (any case): likely duplicates of a new one."""
    if not email.strip():
        return []
    return list(Customer.objects.alias(email_key=EMAIL).filter(email_key=Upper(Value(email.strip())))
                .order_by("pk")[:limit])
