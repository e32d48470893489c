"""Quotes at scale for section 11: as many quotes as the scale has orders, written with COPY (oms/bench/bulk_load.py)
the first time the section runs, and topped up to that number later if fewer are there.

Quotes are numbered oldest first over the three years before the day they are written, spread over the scale's
customers as its orders are (some big accounts). Most are converted, withdrawn or expired; those still valid are
mostly converted or withdrawn too, leaving a few thousand open or sent at 1M. Each has one version, its lines (1-5)
in the shape orders.quotes.services.quote_priced writes. A quote that reserved stock and was never converted or
withdrawn keeps its reservations (holder Q<number>): those of expired quotes ended by themselves, those of live ones
hold units of the products the section's cart uses. Converted quotes name no order (the seeded orders are not
theirs); no quote has timeline events. Every value is plain ASCII without quotes, so the JSON is built by hand.
"""

import bisect
import random
import time
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from django.db import connection, transaction
from django.utils import timezone

from catalog.models import StockReservation
from orders.quotes.models import Quote, QuoteEvent, QuoteVersion
from orders.quotes.services import reservation_end

from . import datasets
from .bulk_load import Loader
from .scale_data import DAY, TAX_MILLI_PERCENT, TAX_RATE, ScaleData, money

QUOTE_FIELDS = ["number", "customer", "status", "version", "valid_until", "reserve_stock", "total", "created_by",
                "created_at", "order", "withdrawn_reason", "submission_token"]
VERSION_FIELDS = ["quote", "number", "store", "lines", "valid_until", "subtotal", "discount", "discount_reason",
                  "tax", "tax_rate", "tax_jurisdiction", "total", "created_by", "created_at"]
RESERVATION_FIELDS = ["product", "quantity", "until", "holder", "created_at"]
SPAN = 3 * 365 * DAY
CHUNK = 5000
LINE_COUNT_CDF = [0.35, 0.60, 0.78, 0.90, 1.0]  # 1..5 lines
VALIDITY_CDF = [(0.20, 14), (0.80, 30), (0.95, 60), (1.0, 90)]  # days
RESERVING = 0.09  # of quotes reserve stock: about 100k expired reservations at 1M
OVERRIDDEN = 0.08  # of lines carry a price set by staff
OVERRIDE_REASONS = ["Price match", "Volume price", "Key account"]
WITHDRAWN_REASONS = ["Customer ordered elsewhere", "Customer declined the price", "Project cancelled",
                     "Replaced by a newer quote"]
TAX_JURISDICTION = "State sales tax"  # seed_scale's rate


@dataclass(frozen=True)
class Quotes:
    """What a top-up wrote (or found): quotes, versions, reservations, seconds (None: nothing written)."""

    quotes: int
    versions: int
    reservations: int
    seconds: float | None


class QuoteData:
    """Quotes ``first``..``count - 1`` (positions in the full set, oldest first) of a scale's data."""

    def __init__(self, scale: ScaleData, *, count: int, end: datetime, hot: list[int]):
        self.scale = scale
        self.count = count
        self.end = int(end.timestamp())
        self.today = timezone.localdate(end)
        self.hot = hot  # the products live reserving quotes quote: the section's cart's
        self.products: dict[int, tuple[str, str, int]] = {}

    def chunks(self, *, first: int, number: int) -> Iterator[tuple[list, list, list]]:
        """(quotes, versions, reservations) rows a chunk at a time; the quote at ``first`` gets ``number``."""
        rng = random.Random(self.scale.seed * 7919 + first)
        for start in range(first, self.count, CHUNK):
            quotes, versions, reservations = [], [], []
            for position in range(start, min(start + CHUNK, self.count)):
                quote, version, held = self.quote(rng, position, number + position - first)
                quotes.append(quote)
                versions.append(version)
                reservations += held
            yield quotes, versions, reservations

    def quote(self, rng: random.Random, position: int, number: int) -> tuple[tuple, tuple, list]:
        step = SPAN // self.count
        seconds = self.end - SPAN + position * SPAN // self.count + rng.randrange(max(step, 1))
        days = next(days for share, days in VALIDITY_CDF if rng.random() <= share)
        valid_until = datetime.fromtimestamp(seconds, UTC).date() + timedelta(days=days)
        status = self.status(rng, live=valid_until >= self.today)
        reserving = rng.random() < RESERVING
        hot = reserving and status in ("open", "sent") and valid_until >= self.today and bool(self.hot)
        lines = self.lines(rng, hot=hot)
        subtotal = sum(line[3] * line[1] for line in lines)
        tax = (subtotal * TAX_MILLI_PERCENT + 50_000) // 100_000  # half-up, as pricing.to_cents
        created, valid = self.scale.timestamp(seconds), valid_until.isoformat()
        reason = rng.choice(WITHDRAWN_REASONS) if status == "withdrawn" else ""
        quote = (number, self.scale.order_customer(rng), status, 1, valid, reserving, money(subtotal + tax), None,
                 created, None, reason, None)
        version = (number, 1, self.store(lines), self.priced(lines), valid, money(subtotal), "0.00", "", money(tax),
                   TAX_RATE, TAX_JURISDICTION, money(subtotal + tax), None, created)
        held = []
        if reserving and status in ("open", "sent"):  # converting or withdrawing a quote deletes its reservations
            until = self.scale.timestamp(int(reservation_end(valid_until).timestamp()))
            held = [(product_id, quantity, until, f"Q{number}", created) for product_id, quantity, *_ in lines]
        return quote, version, held

    @staticmethod
    def status(rng: random.Random, *, live: bool) -> str:
        """Converted, withdrawn, or still open or sent (then expired once its day has passed)."""
        draw = rng.random()
        if draw < (0.55 if live else 0.40):
            return "converted"
        if draw < (0.85 if live else 0.55):
            return "withdrawn"
        return "sent" if rng.random() < 0.7 else "open"

    def lines(self, rng: random.Random, *, hot: bool) -> list[tuple[int, int, int, int, str]]:
        """(product, quantity, list price, unit price, reason), prices in cents; a quote holding stock of the hot
        products asks for few units of each."""
        count = 1 + bisect.bisect_left(LINE_COUNT_CDF, rng.random())
        pool = len(self.hot) if hot else self.scale.products
        product_ids: list[int] = []
        while len(product_ids) < min(count, pool):
            # Squaring skews towards low ids, as the seeded orders do.
            product_id = self.hot[rng.randrange(pool)] if hot else 1 + int(pool * rng.random() ** 2)
            if product_id not in product_ids:
                product_ids.append(product_id)
        lines = []
        for product_id in product_ids:
            cents = self.product(product_id)[2]
            if hot:
                quantity = rng.randint(1, 2)
            else:
                quantity = rng.randint(1, 5) if rng.random() < 0.85 else rng.choice((10, 12, 20, 24, 50))
            unit, reason = cents, ""
            if rng.random() < OVERRIDDEN:
                unit, reason = cents * (100 - rng.choice((5, 10, 15))) // 100, rng.choice(OVERRIDE_REASONS)
            lines.append((product_id, quantity, cents, unit, reason))
        return lines

    def product(self, product_id: int) -> tuple[str, str, int]:
        if product_id not in self.products:
            self.products[product_id] = self.scale.product(product_id)
        return self.products[product_id]

    def store(self, lines: list) -> str:
        """The version's lines as the line editor keeps them, with the prices staff set."""
        stored = ", ".join(f'{{"product_id": {product_id}, "quantity": {quantity}, "price_seen": "{money(cents)}"}}'
                           for product_id, quantity, cents, _, _ in lines)
        prices = ", ".join(f'"{product_id}": {{"price": "{money(unit)}", "reason": "{reason}", "by": null}}'
                           for product_id, _, _, unit, reason in lines if reason)
        return f'{{"lines": [{stored}]' + (f', "prices": {{{prices}}}}}' if prices else "}")

    def priced(self, lines: list) -> str:
        """The version's lines as quote_priced writes them."""
        return "[" + ", ".join(
            f'{{"product_id": {product_id}, "sku": "{self.product(product_id)[0]}", '
            f'"name": "{self.product(product_id)[1]}", "quantity": {quantity}, "list_price": "{money(cents)}", '
            f'"unit_price": "{money(unit)}", "reason": "{reason}", "line_total": "{money(unit * quantity)}", '
            f'"taxable": true}}' for product_id, quantity, cents, unit, reason in lines) + "]"


# A merchant quotes far less than it sells: a million quotes stand beside a million orders and beside ten million.
MAX_QUOTES = 1_000_000


def quotes_topped_up(hot: list[int]) -> Quotes:
    """The bench database holding as many quotes as its scale data has orders, up to MAX_QUOTES: the missing ones
    written now (into empty tables with their indexes and keys rebuilt after, as seed_scale loads; else appended)."""
    dataset = datasets.current()
    sizes = dataset.sizes if dataset else {"seed": 1, "customers": 0, "products": 0, "orders": 0}
    wanted = min(sizes["orders"], MAX_QUOTES)
    present = Quote.objects.count()
    if present >= wanted or not sizes["customers"] or not sizes["products"]:
        return Quotes(present, QuoteVersion.objects.count(), StockReservation.objects.count(), None)
    started = time.perf_counter()
    data = QuoteData(ScaleData(vendor=connection.vendor, **sizes), count=wanted, end=timezone.now(),
                     hot=hot)
    written = [0, 0, 0]
    with transaction.atomic():
        loader = Loader([Quote, QuoteVersion, QuoteEvent, StockReservation])
        if not present:
            loader.empty()
        number = (Quote.objects.order_by("-number").values_list("number", flat=True).first() or 0) + 1
        for chunk in data.chunks(first=present, number=number):
            for index, (model, fields, rows) in enumerate(zip((Quote, QuoteVersion, StockReservation),
                                                              (QUOTE_FIELDS, VERSION_FIELDS, RESERVATION_FIELDS),
                                                              chunk, strict=True)):
                written[index] += loader.write(model, fields, rows)
        loader.finish()
    return Quotes(*written, time.perf_counter() - started)

