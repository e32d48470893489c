"""Customer searches, as ordered ranges of the search indexes of migration 0003 (oms.core.seek): a page
costs the same whether a term matches ten customers or a hundred thousand."""

import re
from functools import reduce
from operator import and_
from types import SimpleNamespace

from django.db import connection
from django.db.models import Value
from django.db.models.functions import Collate, Upper

from oms.core.paging import Page
from oms.core.seek import Branch, Key, Sql, byte_order, seek_ids, seek_page, starts_with, upper_key

from .models import Customer

CUSTOMER_NUMBER = re.compile(r"[cC]?0*([0-9]{1,12})", re.ASCII)
TABLE = "customers_customer c"

# A search range: which customers (an SQL condition on alias c) and their order (an index's columns).
Range = tuple[Sql | None, tuple[Key, ...]]


def _keys(alias: str) -> SimpleNamespace:
    """The sort keys of customers ``alias``, as indexed by customers 0003, and each index's order."""
    last, first = Key(upper_key(f"{alias}.last_name")), Key(upper_key(f"{alias}.first_name"))
    company, email = Key(upper_key(f"{alias}.company")), Key(upper_key(f"{alias}.email"))
    phone, number = Key(byte_order(f"{alias}.phone")), Key(f"{alias}.id", int)
    return SimpleNamespace(
        last=last, first=first, company=company, email=email, phone=phone, number=number,
        alphabetical=(last, first, number), by_first=(first, last, number),
        by_company=(company, last, first, number), by_email=(email, number), by_phone=(phone, number),
    )


def customer_search_ranges(query: str, alias: str = "c") -> list[Range]:
    """The customer list's one search box over customers ``alias``. Results come grouped by what matched,
    in this order, each customer once (under the first group that finds them):

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
    keys = _keys(alias)
    query = " ".join(query.split())
    if not query:
        return [(None, keys.alphabetical)]
    ranges, earlier = [], None
    for condition, order in _conditions(query, keys):
        ranges.append((condition if earlier is None else condition & ~earlier, order))
        earlier = condition if earlier is None else earlier | condition
    return ranges


def _conditions(query: str, keys: SimpleNamespace) -> list[Range]:
    conditions = []
    if number := CUSTOMER_NUMBER.fullmatch(query):
        conditions.append((Sql(f"{keys.number.sql} = %s", (int(number.group(1)),)), (keys.number,)))
    conditions.append((starts_with(keys.last.sql, query), keys.alphabetical))
    first, _, rest = query.partition(" ")
    if rest:
        conditions.append((starts_with(keys.first.sql, first) & starts_with(keys.last.sql, rest), keys.alphabetical))
    return conditions + [
        (starts_with(keys.first.sql, query), keys.by_first),
        (starts_with(keys.company.sql, query), keys.by_company),
        (starts_with(keys.email.sql, query), keys.by_email),
        (starts_with(keys.phone.sql, query, upper=False), keys.by_phone),
    ]


def _branches(query: str) -> list[Branch]:
    return [Branch(TABLE, where, order, row_id="c.id") for where, order in customer_search_ranges(query)]


def customer_search_page(query: str, *, after: str | None = None, before: str | None = None,
                         per_page: int = 25) -> Page:
    """A page of the customer list's search (ordered as customer_search_ranges says), each customer with
    their billing address; ``after``/``before`` are cursors of the page's neighbours."""
    query = " ".join(query.split())
    customers = Customer.objects.select_related("default_billing_address")
    return seek_page(_branches(query), customers, scope=f"customers:{query}", after=after, before=before,
                     per_page=per_page)


def customer_search_ids(query: str, *, limit: int) -> list[int]:
    """The ids of the first ``limit`` customers the customer list's search finds, in its order."""
    return seek_ids(_branches(query), limit=limit)


def customer_identify_range(*, last_name: str = "", company: str = "", email: str = "",
                            alias: str = "c") -> Range | None:
    """Identify's search over customers ``alias``: every filled field must match by prefix, case-insensitively;
    ordered by the index of the first filled field: last name, first name, number; or company, last name,
    first name, number; or email, number. None when no field is filled."""
    keys = _keys(alias)
    fields = [(last_name, keys.last, keys.alphabetical), (company, keys.company, keys.by_company),
              (email, keys.email, keys.by_email)]
    filled = [(starts_with(key.sql, value.strip()), order) for value, key, order in fields if value.strip()]
    if not filled:
        return None
    return reduce(and_, (condition for condition, _ in filled)), filled[0][1]


def customers_with_email(email: str, *, limit: int = 5) -> list[Customer]:
    """Customers who already use this email (any case): likely duplicates of a new one."""
    if not email.strip():
        return []
    key = Upper("email")
    if connection.vendor == "postgresql":  # the key of customer_email_sort (customers 0003): byte order
        key = Collate(key, "C")
    return list(Customer.objects.alias(email_key=key).filter(email_key=Upper(Value(email.strip())))
                .order_by("pk")[:limit])
