"""Quotes, as a Manager meets them: the quotes list (first page, a common surname, an email fragment, Status Open
and Expired, a Valid until range, a deep page), a 50-line quote's page and PDF, and the cart of 50 lines whose
products all have live reservations (its availability check counts them).

The quotes are the scale's own (oms/bench/quote_data.py, written on first use). The 50-line quote is made through
quote_create from a cart, reserving a unit of each product until it expires; a later run reuses it while it holds."""

from datetime import timedelta
from functools import partial
from urllib.parse import urlencode

from django.db.models import Count, F
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from catalog.models import Product, StockReservation
from customers.models import Customer
from orders.ordering.selectors import cart_review
from orders.ordering.stores import Cart
from orders.quotes.models import Quote
from orders.quotes.selectors import quote_search_page
from orders.quotes.services import QuoteTerms, default_valid_until, quote_create

from .measure import Row
from .pages import PageBench, deep_page, page_row
from .quote_data import Quotes, quotes_topped_up

SECTION = "11. Quotes"
_page = partial(page_row, SECTION)  # a page of this section: _page(bench, case, url, limit, queries=...)
LINES = 50
DEEP = 20
# Whatever the lines or the rows: the session, the user, the second factor, the permissions, then the page's own.
LIST_QUERIES = 7  # the keyset read and the page's quotes with their customers
PAGE_QUERIES = 9  # the quote page and its PDF
CART_QUERIES = 10  # with the credit panel of a customer whose orders a limit or an overdue rule holds


def hot_products(limit: int = LINES) -> list[int]:
    """The products the cart and the 50-line quote use: the lowest numbers with units free to reserve."""
    return list(Product.objects.with_reserved().filter(is_active=True, track_inventory=True,
                                                       stock__gte=F("reserved") + 10)
                .order_by("pk").values_list("pk", flat=True)[:limit])


def fifty_line_quote(client: Client, user) -> Quote:
    """The bench's open quote of 50 lines holding a unit of each product: the newest one still valid tomorrow, or
    a new one saved from a cart as staff save it."""
    tomorrow = timezone.localdate() + timedelta(days=1)
    made = (Quote.objects.filter(created_by=user, status=Quote.Status.OPEN, reserve_stock=True,
                                 valid_until__gte=tomorrow).order_by("-number").first())
    if made is not None:
        return made
    customer = Customer.objects.exclude(default_billing_address=None).order_by("pk").first()
    session = client.session
    cart = Cart.create(session, customer_id=customer.pk)
    for product in Product.objects.filter(pk__in=hot_products()).order_by("pk"):
        cart.add(product, 1)
    quote, _ = quote_create(review=cart_review(cart), terms=QuoteTerms(valid_until=default_valid_until(),
                                                                       reserve_stock=True),
                            actor=user, token=cart.token)
    cart.discard()
    session.save()
    return quote


def reserved_cart(client: Client, quote: Quote) -> Cart:
    """A cart for the quote's customer with one of each product the quote holds (each has a live reservation)."""
    session = client.session
    cart = Cart.create(session, customer_id=quote.customer_id)
    held = StockReservation.objects.filter(holder=quote.holder).values_list("product_id", flat=True)
    for product in Product.objects.filter(pk__in=held).order_by("pk"):
        cart.add(product, 1)
    session.save()
    return cart


def email_fragment() -> str:
    """An email address cut short, of a customer with quotes (as pages.pick_terms cuts one)."""
    middle = Quote.objects.filter(number__gte=Quote.objects.count() // 3).order_by("number")
    email = (Customer.objects.filter(pk__in=middle.values("customer_id")[:100]).exclude(email="")
             .order_by("pk").values_list("email", flat=True).first()) or "someone@example.com"
    return email.split("@")[0][:-1]


def common_surname() -> str:
    return (Customer.objects.values("last_name").annotate(n=Count("pk")).order_by("-n", "last_name")
            .values_list("last_name", flat=True).first()) or "Smith"


def seed_row(seeded: Quotes) -> Row:
    counts = {"versions": f"{seeded.versions:,}", "reservations": f"{seeded.reservations:,}"}
    if seeded.seconds is None:
        return Row(SECTION, "quotes in the database (written before)", f"{seeded.quotes:,}", unit="", extra=counts)
    return Row(SECTION, f"writing {seeded.quotes:,} quotes (COPY)", f"{seeded.seconds:.1f}", unit="s", extra=counts)


def rows(client: Client, bench: PageBench, user) -> list[Row]:
    seeded = quotes_topped_up(hot_products())
    quote = fifty_line_quote(client, user)
    cart = reserved_cart(client, quote)
    quotes = reverse("orders:quotes")
    today = timezone.localdate()
    valid = urlencode({"valid_from": today, "valid_to": today + timedelta(days=14)})
    surname, fragment = common_surname(), email_fragment()
    lines = len(quote.versions.get(number=quote.version).lines)  # fewer than 50 only in a tiny catalogue
    return [
        seed_row(seeded),
        _page(bench, "quotes list, first page", quotes, queries=LIST_QUERIES),
        _page(bench, f"quotes search, common surname '{surname}'", f"{quotes}?{urlencode({'q': surname})}",
              queries=LIST_QUERIES),
        _page(bench, f"quotes search, email fragment '{fragment}'", f"{quotes}?{urlencode({'q': fragment})}",
              queries=LIST_QUERIES),
        _page(bench, "quotes list, Status Open", f"{quotes}?status={Quote.Status.OPEN}", queries=LIST_QUERIES),
        _page(bench, "quotes list, Status Expired", f"{quotes}?status={Quote.EXPIRED}", queries=LIST_QUERIES),
        _page(bench, "quotes list, Valid until the next 14 days", f"{quotes}?{valid}", queries=LIST_QUERIES),
        _page(bench, f"quotes list, page {DEEP} (Next followed)", f"{quotes}?{deep_page(quote_search_page, '', DEEP)}",
              queries=LIST_QUERIES),
        _page(bench, f"quote page, {lines} lines", quote.get_absolute_url(), queries=PAGE_QUERIES),
        _page(bench, f"cart with {lines} lines, each product with live reservations",
              reverse("orders:cart", args=[cart.id]), queries=CART_QUERIES),
        _page(bench, f"quote PDF, {lines} lines", reverse("orders:quote_pdf", args=[quote.number]), 300,
              queries=PAGE_QUERIES),
    ]
