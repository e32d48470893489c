"""Finding quotes: the quotes list (search by customer as the order list does, Status, Valid until), a quote's
page (its version, its timeline), and what a conversion puts in the cart."""

import operator
import re
import uuid
from functools import reduce

from django.db import connection
from django.utils import timezone

from customers.selectors import customer_search_ranges
from oms.core.paging import Page
from oms.core.seek import Branch, Key, Sql, seek_page
from orders.quotes.models import Quote, QuoteVersion

QUOTE_NUMBER = re.compile(r"[Qq]?([0-9]{1,18})", re.ASCII)
CUSTOMER_QUOTES = "customers_customer c JOIN orders_quote q ON q.customer_id = c.id"
LIVE = tuple(Quote.LIVE)  # as Quote.expired and Quote.is_live read them


def quote_search_page(query: str, *, state: str = "", valid_from=None, valid_to=None, after: str | None = None,
                      before: str | None = None, per_page: int = 25) -> Page:
    """A page of the quotes list, newest first: every quote, one number (Q12 or 12), or the quotes of the
    customers the customer search finds (grouped by customer in that search's order); each filter narrows it.
    Each page reads its own rows along an index (the primary key, quote_status_newest or
    quote_customer_newest), however many quotes match or how deep the page is."""
    query = " ".join(query.split())
    condition = _condition(state, valid_from, valid_to)
    newest_first = Key("q.number", int, descending=True)

    def where(*parts: Sql | None) -> Sql | None:
        present = [part for part in (*parts, condition) if part is not None]
        return reduce(operator.and_, present) if present else None

    if not query:
        branches = [Branch("orders_quote q", where(), (newest_first,), row_id="q.number")]
    elif number := QUOTE_NUMBER.fullmatch(query):
        branches = [Branch("orders_quote q", where(Sql("q.number = %s", (int(number[1]),))), (newest_first,),
                           row_id="q.number")]
    else:
        branches = [Branch(CUSTOMER_QUOTES, where(part), (*order, newest_first), row_id="q.number")
                    for part, order in customer_search_ranges(query, "c")]
    quotes = Quote.objects.select_related("customer")
    return seek_page(branches, quotes, scope=f"quotes:{query}:{state}:{valid_from}:{valid_to}", after=after,
                     before=before, per_page=per_page)


def _condition(state: str, valid_from, valid_to) -> Sql | None:
    today = connection.ops.adapt_datefield_value(timezone.localdate())
    parts = []
    if state == Quote.EXPIRED:
        parts.append(Sql("q.status IN (%s, %s) AND q.valid_until < %s", (*LIVE, today)))
    elif state in LIVE:
        parts.append(Sql("q.status = %s AND q.valid_until >= %s", (state, today)))
    elif state:
        parts.append(Sql("q.status = %s", (state,)))
    if valid_from:
        parts.append(Sql("q.valid_until >= %s", (connection.ops.adapt_datefield_value(valid_from),)))
    if valid_to:
        parts.append(Sql("q.valid_until <= %s", (connection.ops.adapt_datefield_value(valid_to),)))
    return reduce(operator.and_, parts) if parts else None


def quote_for_page(number: int) -> Quote | None:
    return (Quote.objects.select_related("customer__customer_type", "customer__default_billing_address",
                                         "customer__default_shipping_address", "order", "created_by")
            .filter(pk=number).first())


def quote_version(quote: Quote, number: int | None = None) -> QuoteVersion | None:
    """The quote's version ``number`` (its newest when None or no such version)."""
    versions = quote.versions.select_related("created_by")
    return (versions.filter(number=number).first() if number else None) or versions.filter(
        number=quote.version).first()


def quote_versions(quote: Quote) -> list:
    return list(quote.versions.order_by("-number").values("number", "created_at", "total",
                                                         "created_by__username", "valid_until"))


def quote_timeline(quote: Quote) -> list:
    return list(quote.events.select_related("actor").order_by("-pk")[:200])


def quote_cart_lines(quote: Quote, version: QuoteVersion) -> tuple[dict, str]:
    """What `Convert to order` puts in the cart, and the cart's token (one per quote version: converting it twice
    places one order). While the quote is valid its prices stand: each product line keeps its quoted unit price
    (as a price set by whoever priced the quote, or "Quoted in Q<n>"), and the discount is kept. After it,
    today's prices apply, and a list price that moved since the quote is shown as changed."""
    store = version.store
    quoted = {line["product_id"]: line for line in version.lines if line["product_id"]}
    lines = [{"product_id": line["product_id"], "quantity": line["quantity"],
              "price_seen": "" if quote.is_live else quoted.get(line["product_id"], {}).get("list_price", "")}
             for line in store.get("lines", [])]
    data = {"lines": lines, "custom": [dict(custom, order_line=None) for custom in store.get("custom", [])]}
    if quote.is_live:
        prices = dict(store.get("prices", {}))
        for product_id, line in quoted.items():
            prices.setdefault(str(product_id), {"price": line["unit_price"], "reason": f"Quoted in {quote}",
                                                "by": version.created_by_id})
        data["prices"] = prices
        if store.get("discount"):
            data["discount"] = store["discount"]
    token = uuid.uuid5(uuid.NAMESPACE_URL, f"oms:quote:{quote.number}:v{version.number}")
    return data, str(token)
