"""Whole pages through Django's test client, as a logged-in staff member gets them: our searches
side by side with the stock admin's, product search, order lists, customer page, cart, checkout."""

from dataclasses import dataclass
from urllib.parse import urlencode

from django.db import connection
from django.db.models import Count, Q
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from catalog.models import Product
from customers.models import Customer
from customers.selectors import customer_search_page
from orders.models import Order, OrderLine
from orders.ordering.stores import Cart
from orders.selectors import order_search_page

from .measure import Row, Stats, time_ms, within
from .peer import PEER_PREFIX

HTMX = {"HTTP_HX_REQUEST": "true"}
NO_MATCH = "Zzqxv"


@dataclass(frozen=True)
class Term:
    kind: str
    text: str
    identify_field: str | None  # which Identify field staff would type it into
    rare: bool


def pick_terms() -> list[Term]:
    """Search terms taken from the data, so any seed and size has real matches."""
    common = (Customer.objects.values("last_name").annotate(n=Count("pk")).order_by("-n", "last_name")
              .values_list("last_name", flat=True).first()) or "Smith"
    sample = list(Customer.objects.filter(pk__gte=Customer.objects.count() // 3).order_by("pk")[:300])
    rare = min({c.last_name for c in sample} or {"Nobody"},
               key=lambda name: (Customer.objects.filter(last_name__istartswith=name).count(), name))
    with_email = next((c for c in sample if c.email), None)
    with_company = next((c for c in sample if c.company), None)
    number = sample[len(sample) // 2].number if sample else "C000001"
    return [
        Term("common surname", common, "last_name", False),
        Term("rare surname", rare, "last_name", True),
        Term("email fragment", with_email.email.split("@")[0][:-1] if with_email else "someone", "email", True),
        Term("company prefix", " ".join(with_company.company.split()[:2]) if with_company else "Acme", "company", True),
        Term("customer number", number, None, True),
        Term("no match", NO_MATCH, "last_name", True),
    ]


class PageBench:
    """Times GET requests for one logged-in client and counts their queries."""

    def __init__(self, client: Client, repeats: int, peer_repeats: int | None = None):
        self.client = client
        self.repeats = repeats
        # the stock admin takes ~45 s a search at 10M customers: few repeats of it keep the run in minutes
        self.peer_repeats = repeats if peer_repeats is None else min(peer_repeats, repeats)  # 0: not measured

    def get(self, url: str, headers: dict | None = None):
        response = self.client.get(url, **(headers or {}))
        if response.status_code != 200:
            raise RuntimeError(f"GET {url} answered {response.status_code}")
        return response

    def measure(self, url: str, headers: dict | None = None, repeats: int | None = None,
                warmup: int = 1) -> tuple[Stats, dict]:
        with CaptureQueriesContext(connection) as captured:
            response = self.get(url, headers)
        # Read now: the next request clears the connection's query log.
        sql = [query["sql"].upper() for query in captured.captured_queries]
        timing = time_ms(lambda: self.get(url, headers), repeats=repeats or self.repeats, warmup=warmup)
        details = {"cpu": f"{timing.cpu:.1f} ms", "queries": len(sql),
                   "rows": max(response.content.count(b"<tr") - 1, 0)}
        if any("COUNT(" in statement and " WHERE " not in statement for statement in sql):
            details["full COUNT"] = "yes"
        return timing, details


def customer_search_rows(bench: PageBench, terms: list[Term], cart_id: str) -> list[Row]:
    rows = []
    for term in terms:
        rows += _term_rows(bench, term, cart_id)
    return rows


def _term_rows(bench: PageBench, term: Term, cart_id: str) -> list[Row]:
    section = "1. Customer search, full responses (test client)"
    label = f"{term.kind} '{term.text}'"
    limit = 8 if term.rare else 20
    ratio = 80 if term.rare else 20
    query = urlencode({"q": term.text})
    peer = None
    if bench.peer_repeats:  # the counted request warms the stock admin's caches: no second warm-up for it
        peer, peer_details = bench.measure(f"/{PEER_PREFIX}customers/customer/?{query}",
                                           repeats=bench.peer_repeats, warmup=0)
    rows = []
    ours = [("customer list", f"{reverse('customers:list')}?{query}", None)]
    if not term.rare:  # deep keyset pages of a common name: page 400, or the last there is at this scale
        deep = deep_page(customer_search_page, term.text, 400)
        ours.append(("customer list, page 400", f"{reverse('customers:list')}?{deep}", None))
    if term.identify_field:
        identify = f"{reverse('orders:identify', args=[cart_id])}?{urlencode({term.identify_field: term.text})}"
        ours += [("Identify", identify, None),
                 ("Identify type-ahead", identify, HTMX | {"HTTP_HX_TARGET": "identify-results"})]
    for surface, url, headers in ours:
        timing, details = bench.measure(url, headers)
        times = peer.median / timing.median if peer else ratio
        if peer:
            details["peer/ours"] = f"{times:.0f}x"
        rows.append(Row(section, f"{surface}: {label}", timing, target=f"<= {limit} ms, >= {ratio}x",
                        met=within(timing, limit) and times >= ratio, extra=details))
    if peer:
        rows.append(Row(section, f"PEER stock admin: {label}", peer, extra=peer_details))
    ours_admin, admin_details = bench.measure(f"{reverse('admin:customers_customer_changelist')}?{query}")
    if peer:
        admin_details["peer/ours"] = f"{peer.median / ours_admin.median:.0f}x"
    rows.append(Row(section, f"our admin: {label}", ours_admin, extra=admin_details))
    return rows


def product_rows(bench: PageBench, cart_id: str) -> list[Row]:
    section = "2. Product search over the catalogue"
    middle = Product.objects.filter(pk__gte=Product.objects.count() // 2).order_by("pk").first()
    sku_prefix = middle.sku[:-2] if middle else "SKU"
    words = middle.name.replace(",", "").split() if middle else ["Widget", "widget"]
    cases = [
        (f"product list, SKU prefix '{sku_prefix}'", f"{reverse('catalog:list')}?{urlencode({'q': sku_prefix})}", None),
        (f"product list, name word '{words[1]}'", f"{reverse('catalog:list')}?{urlencode({'q': words[1]})}", None),
        (f"product list, name start '{words[0]}'", f"{reverse('catalog:list')}?{urlencode({'q': words[0]})}", None),
        (f"cart type-ahead, name word '{words[1]}'",
         f"{reverse('orders:cart_products', args=[cart_id])}?{urlencode({'query': words[1]})}", HTMX),
        (f"cart type-ahead, SKU prefix '{sku_prefix}'",
         f"{reverse('orders:cart_products', args=[cart_id])}?{urlencode({'query': sku_prefix})}", HTMX),
    ]
    return [page_row(section, bench, case, url, 10, headers) for case, url, headers in cases]


def deep_page(page_of, query: str, number: int) -> str:
    """The query string of page ``number`` of a keyset list (or of its last page, if it has fewer),
    reached by following Next cursors page by page as staff would; the walk is not timed."""
    page, reached, after = page_of(query), 1, ""
    while reached < number and page.has_next:
        after = page.next_cursor
        page, reached = page_of(query, after=after), reached + 1
    return urlencode({"q": query} | ({"after": after} if after else {}))


def order_page_rows(bench: PageBench, terms: list[Term], cart_ids: dict[str, str]) -> list[Row]:
    section = "3. Order list, customer page, cart and checkout"
    common, rare = terms[0].text, terms[1].text
    orders = reverse("orders:list")
    cases = [
        ("order list, first page", orders, 25),
        ("order list, page 1,000", f"{orders}?{deep_page(order_search_page, '', 1_000)}", 25),
        ("order list, page 10,000 (the deepest)", f"{orders}?{deep_page(order_search_page, '', 10_000)}", 25),
        (f"order search by customer name '{common}'", f"{orders}?{urlencode({'q': common})}", 25),
        (f"order search by customer name '{rare}'", f"{orders}?{urlencode({'q': rare})}", 25),
    ]
    newest = Order.objects.order_by("-number").values_list("number", flat=True).first() or 0
    middle = Order.objects.filter(number__gte=newest // 2).order_by("number").values_list("number", flat=True).first()
    if middle:
        cases.append(("order search by order number", f"{orders}?{urlencode({'q': f'#{middle}'})}", 25))
    busy = []
    if customer := Customer.objects.filter(pk=_customer_with_most_orders()).first():
        count = Order.objects.filter(customer_id=customer.pk).count()
        cases.append((f"customer page, {count} orders", reverse("customers:detail", args=[customer.pk]), 25))
        if customer.company:
            cases.append((f"order search by company '{customer.company}'",
                          f"{orders}?{urlencode({'q': customer.company})}", 25))
        if customer.email:
            fragment = customer.email.split("@")[0][:12]
            cases.append((f"order search by email fragment '{fragment}'", f"{orders}?{urlencode({'q': fragment})}",
                          25))
        # their cart (Last ordered reads their latest orders' lines), and Reorder of their latest order
        session = bench.client.session
        cart = Cart.create(session, customer_id=customer.pk)
        session.save()
        cases.append((f"cart of the customer with {count} orders (Last ordered)",
                      reverse("orders:cart", args=[cart.id]), 25))
        busy = [reorder_row(section, bench, customer.pk, count)]
    cases += [
        (f"cart with {cart_ids['lines']} lines", reverse("orders:cart", args=[cart_ids["full"]]), 25),
        (f"checkout review with {cart_ids['lines']} lines", reverse("orders:checkout", args=[cart_ids["full"]]), 25),
    ]
    return [page_row(section, bench, case, url, limit) for case, url, limit in cases] + busy


def reorder_row(section: str, bench: PageBench, customer_id: int, count: int) -> Row:
    """Reorder of a customer's latest order: the POST that fills a new cart with its lines (answered by a
    redirect to that cart)."""
    number = Order.objects.filter(customer_id=customer_id).order_by("-number").values_list("number", flat=True)[0]
    lines = OrderLine.objects.filter(order_id=number).count()  # the bench's own runs may have placed it
    url = reverse("orders:reorder", args=[number])

    def reorder():
        response = bench.client.post(url)
        if response.status_code != 302:
            raise RuntimeError(f"POST {url} answered {response.status_code}")

    before = {cart.id for cart in Cart.all(bench.client.session)}
    timing = time_ms(reorder, repeats=bench.repeats)
    session = bench.client.session  # the repeats' carts go: the next rows are timed with the session they name
    for cart in Cart.all(session):
        if cart.id not in before:
            cart.discard()
    session.save()
    return Row(section, f"Reorder, the latest of {count} orders of one customer ({lines} lines)", timing,
               target="<= 25 ms", met=within(timing, 25))


def page_row(section: str, bench: PageBench, case: str, url: str, limit: float = 25, headers=None, *,
             queries: int | None = None) -> Row:
    """A page's row: its median against ``limit`` ms, at most ``queries`` queries when given, and never a full
    COUNT of a big table."""
    timing, details = bench.measure(url, headers)
    met = within(timing, limit) and "full COUNT" not in details
    target = f"<= {limit} ms"
    if queries is not None:
        met = met and details["queries"] <= queries
        target += f", <= {queries} queries"
    return Row(section, case, timing, target=target, met=met, extra=details)


def _customer_with_most_orders() -> int | None:
    """The customer with the most orders (the seed makes big accounts; the bench's own runs add orders to the
    first customer, which must not stand in for them). One pass over the orders: a few seconds at 10M."""
    return (Order.objects.values("customer_id").annotate(n=Count("pk")).order_by("-n", "customer_id")
            .values_list("customer_id", flat=True).first())


def carts(client: Client, *, lines: int) -> dict[str, str]:
    """An empty cart (for Identify and the type-ahead) and one with ``lines`` lines and a customer."""
    products = list(Product.objects.filter(is_active=True).filter(Q(stock__gte=10) | Q(track_inventory=False))
                    .order_by("pk")[:lines])
    customer = Customer.objects.exclude(default_billing_address=None).order_by("pk").first()
    session = client.session
    empty = Cart.create(session)
    full = Cart.create(session, customer_id=customer.pk if customer else None)
    for product in products:
        full.add(product, 1)
    session.save()
    return {"empty": empty.id, "full": full.id, "lines": str(len(products))}
