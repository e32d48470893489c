"""Rows for the scale data set (manage.py seed_scale), generated in chunks so memory stays flat.

A customer's or a product's attributes are a pure function of (seed, id): an order can snapshot
its customer's name and address, or a line its product's price, without keeping a million
customers in memory. Orders and lines come from one sequential random stream; what happened to an
order after it was placed (its shipment, payment and timeline) is a pure function of its number and
status, so adding it left the orders and lines as they were.
Every value is plain ASCII without tabs, backslashes or quotes, so rows go into COPY and into
hand-built JSON as they are.
"""

import bisect
import random
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime

MASK64 = (1 << 64) - 1
DAY = 86_400
# Fixed, not "now": the same seed must give the same rows on any day.
END = int(datetime(2026, 11, 1, tzinfo=UTC).timestamp())
ORDER_SPAN = 3 * 365 * DAY
ORDERS_START = END - ORDER_SPAN
CUSTOMERS_START = ORDERS_START - 2 * 365 * DAY
TOKEN_PREFIX = "5eed0000-0000-4000-8000-"  # seed orders' checkout tokens: unique per order number

COMMON_SURNAMES = (
    "Smith Johnson Williams Brown Jones Garcia Miller Davis Rodriguez Martinez Hernandez Lopez "
    "Gonzalez Wilson Anderson Thomas Taylor Moore Jackson Martin Lee Perez Thompson White Harris "
    "Sanchez Clark Ramirez Lewis Robinson Walker Young Allen King Wright Scott Torres Nguyen Hill "
    "Flores Green Adams Nelson Baker Hall Rivera Campbell Mitchell Carter Roberts Gomez Phillips "
    "Evans Turner Diaz Parker Cruz Edwards Collins Reyes Stewart Morris Morales Murphy Cook Rogers "
    "Gutierrez Ortiz Morgan Cooper Peterson Bailey Reed Kelly Howard Ramos Kim Cox Ward Richardson "
    "Watson Brooks Chavez Wood James Bennett Gray Mendoza Ruiz Hughes Price Alvarez Castillo Sanders "
    "Patel Myers Long Ross Foster Jimenez"
).split()
FIRST_NAMES = (
    "James Mary Robert Patricia John Jennifer Michael Linda David Elizabeth William Barbara Richard "
    "Susan Joseph Jessica Thomas Sarah Charles Karen Christopher Lisa Daniel Nancy Matthew Betty "
    "Anthony Margaret Mark Sandra Donald Ashley Steven Kimberly Paul Emily Andrew Donna Joshua "
    "Michelle Kenneth Carol Kevin Amanda Brian Dorothy George Melissa Timothy Deborah Ronald "
    "Stephanie Edward Rebecca Jason Sharon Jeffrey Laura Ryan Cynthia Jacob Kathleen Gary Amy "
    "Nicholas Angela Eric Shirley Jonathan Anna Stephen Brenda Larry Pamela Justin Emma Scott "
    "Nicole Brandon Helen Benjamin Samantha Samuel Katherine Gregory Christine Alexander Debra "
    "Frank Rachel Patrick Carolyn Raymond Janet Jack Catherine Dennis Maria Jerry Heather Tyler "
    "Diane Aaron Ruth Jose Julie Adam Olivia Nathan Joyce Henry Virginia Douglas Victoria Zachary "
    "Kelly Peter Lauren Kyle Christina Ahmed Wei Anil Kenji Fatima Priya Yuki Omar Lucia Sven"
).split()
ONSETS = "B Br C Ch D Dr F G Gr H J K Kl L M N P Pr R S Sh St T Tr V W Z".split()
NUCLEI = "a e i o u ai ea ie oa ou".split()
CODAS = "b ck d ff g k l ll m n nd nk p r rd rn s sk ss st t th v x".split()
ENDINGS = "an berg by ton ley man son field ford wick more dale worth ski ez ard ell".split()
COMPANY_FIRST = (
    "Acme Apex Atlas Beacon Birch Blue Bright Cedar Central Coastal Copper Crest Delta Eagle Eastern "
    "Elm Evergreen Falcon First Frontier Golden Granite Harbor Heritage Highland Horizon Iron Juniper "
    "Keystone Lakeside Liberty Maple Meridian Midwest Mountain North Northern Oak Pacific Pine Pioneer "
    "Prairie Premier Redwood Ridge River Summit Silver Southern Sterling Stone Sun Union Valley Vista "
    "Western Willow Windmill"
).split()
COMPANY_SECOND = (
    "Supply Hardware Builders Marine Labs Clinic Dental Foods Bakery Cafe Logistics Electric "
    "Plumbing Roofing Motors Printing Design Consulting Realty Farms Furniture Office Paper Tools "
    "Textiles Medical Schools Services Systems Works"
).split()
COMPANY_SUFFIXES = ["", "", "", " Inc", " LLC", " Co", " Group", " Partners"]
EMAIL_DOMAINS = ["example.com", "example.net", "example.org", "mail.example.com", "corp.example.net"]
CITIES = [
    ("Portland", "OR", "97201", "503"), ("Austin", "TX", "78701", "512"), ("Denver", "CO", "80202", "303"),
    ("Columbus", "OH", "43215", "614"), ("Raleigh", "NC", "27601", "919"), ("Madison", "WI", "53703", "608"),
    ("Boise", "ID", "83702", "208"), ("Albany", "NY", "12207", "518"), ("Tucson", "AZ", "85701", "520"),
    ("Omaha", "NE", "68102", "402"), ("Spokane", "WA", "99201", "509"), ("Fresno", "CA", "93721", "559"),
    ("Tulsa", "OK", "74103", "918"), ("Mobile", "AL", "36602", "251"), ("Dayton", "OH", "45402", "937"),
    ("Reno", "NV", "89501", "775"), ("Salem", "MA", "01970", "978"), ("Savannah", "GA", "31401", "912"),
    ("Duluth", "MN", "55802", "218"), ("Eugene", "OR", "97401", "541"),
]
STREETS = ("Main St|Oak Ave|Maple Dr|Cedar Ln|Park Blvd|Lakeview Rd|Hillcrest Way|2nd St|Elm St|"
           "Pine St|Washington Ave|Lincoln Rd|River Rd|Church St|Mill Rd|Sunset Blvd").split("|")
CATEGORIES = [
    ("BLT", "hex bolt"), ("NUT", "lock nut"), ("SCR", "wood screw"), ("WSH", "washer"), ("CBL", "cable"),
    ("LMP", "desk lamp"), ("PAP", "copy paper"), ("INK", "ink cartridge"), ("MUG", "coffee mug"),
    ("TAP", "packing tape"), ("GLV", "work gloves"), ("BAT", "battery"), ("PEN", "ballpoint pen"),
    ("FLD", "file folder"), ("BOX", "storage box"), ("CHR", "office chair"), ("DSK", "standing desk"),
    ("FAN", "desk fan"), ("HDP", "headphones"), ("KBD", "keyboard"), ("MSE", "mouse"), ("MON", "monitor"),
    ("CLN", "surface cleaner"), ("TWL", "paper towels"), ("BRM", "broom"), ("LBL", "label roll"),
    ("STP", "stapler"), ("SCS", "scissors"), ("RUL", "ruler"), ("CLK", "wall clock"), ("HMR", "hammer"),
    ("DRL", "drill bit"), ("SAW", "hand saw"), ("WRN", "wrench"), ("PLR", "pliers"),
    ("TPM", "measuring tape"), ("LED", "LED bulb"), ("EXT", "extension cord"), ("SFG", "safety goggles"),
    ("VST", "safety vest"),
]
ADJECTIVES = ("Standard Heavy-duty Compact Premium Economy Industrial Recycled Stainless Galvanized "
              "Ergonomic Wireless Classic Professional Lightweight Reinforced Deluxe").split()
VARIANTS = "black white blue red green grey small medium large XL".split()
SHIPPING = [("Ground", 895), ("Two-day", 1950), ("Overnight", 3400)]
TAX_RATE = "7.250"
TAX_MILLI_PERCENT = 7250  # the same rate, as an integer for exact cent arithmetic
LINE_COUNT_WEIGHTS = [30, 22, 16, 11, 8, 6, 4, 3]  # 1..8 lines, mean about 2.9
LINE_COUNT_CDF = [sum(LINE_COUNT_WEIGHTS[: index + 1]) / 100 for index in range(8)]
# What became of a seeded order, by status: shipped and completed orders went out in one shipment with every
# unit, and completed ones were paid in full, by the order's method (account and PO orders by bank transfer).
# Every order's timeline says it was placed; a shipment, a payment or a cancellation adds an event each.
CARRIER = "Bench Freight"  # seed_scale.prepare makes it
SHIPPED = ("shipped", "completed")
PAID_BY = {"check": "check", "card_by_phone": "card_by_phone", "on_account": "bank_transfer",
           "purchase_order": "bank_transfer"}
SHIP_AFTER_DAYS = 3  # shipped orders are at least 5 days old (status)
PAID_AFTER_DAYS = 12
CHANNELS = ["phone"] * 12 + ["email"] * 5 + ["fax"] + ["other"] * 2
PAYMENTS = ["check", "on_account", "on_account", "purchase_order", "card_by_phone"]


def mix64(value: int) -> int:
    """SplitMix64's finaliser: a cheap, well-spread 64-bit hash of an integer."""
    value = (value + 0x9E3779B97F4A7C15) & MASK64
    value = ((value ^ (value >> 30)) * 0xBF58476D1CE4E5B9) & MASK64
    value = ((value ^ (value >> 27)) * 0x94D049BB133111EB) & MASK64
    return value ^ (value >> 31)


def rare_surnames(count: int) -> list[str]:
    """Invented surnames for the long tail, the same list on every run."""
    rng = random.Random(5)
    taken = set(COMMON_SURNAMES)
    names = []
    while len(names) < count:
        name = rng.choice(ONSETS) + rng.choice(NUCLEI) + rng.choice(CODAS).lower()
        name += rng.choice(NUCLEI) + rng.choice(CODAS) if rng.random() < 0.5 else rng.choice(ENDINGS)
        if name not in taken:
            taken.add(name)
            names.append(name)
    return names


SURNAMES = COMMON_SURNAMES + rare_surnames(60_000)
# Zipf-Mandelbrot weights 1/(rank + 10): the top surname is about 1% of customers.
_WEIGHTS = [1.0 / (rank + 10) for rank in range(1, len(SURNAMES) + 1)]
_TOTAL = sum(_WEIGHTS)
SURNAME_CDF = []
_running = 0.0
for _weight in _WEIGHTS:
    _running += _weight
    SURNAME_CDF.append(int(_running / _TOTAL * (1 << 32)))
del _WEIGHTS, _running, _weight


def timestamp(seconds: int, days: dict, utc_suffix: str) -> str:
    """Unix seconds as 'YYYY-MM-DD HH:MM:SS' (plus '+00' for PostgreSQL), days cached."""
    day, rest = divmod(seconds, DAY)
    if day not in days:
        days[day] = datetime.fromtimestamp(day * DAY, UTC).strftime("%Y-%m-%d")
    return f"{days[day]} {rest // 3600:02d}:{rest % 3600 // 60:02d}:{rest % 60:02d}{utc_suffix}"


def money(cents: int) -> str:
    return f"{cents // 100}.{cents % 100:02d}"


@dataclass(frozen=True)
class CustomerData:
    first_name: str
    last_name: str
    company: str
    email: str
    phone: str
    city: tuple
    line1: str
    has_second_address: bool
    hash2: int

    @property
    def name(self) -> str:
        return f"{self.first_name} {self.last_name}"


class ScaleData:
    """The scale data set for one seed and size; rows come as tuples in model field order."""

    def __init__(self, *, seed: int, customers: int, products: int, orders: int, vendor: str):
        self.seed = seed
        self.customers = customers
        self.products = products
        self.orders = orders
        self.postgres = vendor == "postgresql"
        self.utc_suffix = "+00" if self.postgres else ""
        self.days: dict = {}
        # Big accounts: every stride-th customer takes 4% of all orders (about 200 each at 1M).
        self.key_stride = max(1, customers // 200)

    # --- customers and addresses ---------------------------------------------------------
    def customer(self, customer_id: int) -> CustomerData:
        h1 = mix64(self.seed * 0x1000003 ^ customer_id)
        h2 = mix64(h1)
        last = SURNAMES[bisect.bisect_left(SURNAME_CDF, h1 & 0xFFFFFFFF)]
        first = FIRST_NAMES[(h1 >> 32) % len(FIRST_NAMES)]
        company = ""
        if customer_id % self.key_stride == 0 or (h1 >> 48) % 100 < 30:
            company = (COMPANY_FIRST[h2 % len(COMPANY_FIRST)] + " "
                       + COMPANY_SECOND[(h2 >> 8) % len(COMPANY_SECOND)]
                       + COMPANY_SUFFIXES[(h2 >> 16) % len(COMPANY_SUFFIXES)])
        email = ""
        if (h1 >> 56) % 100 < 85:
            domain = EMAIL_DOMAINS[(h2 >> 20) % len(EMAIL_DOMAINS)]
            email = f"{first}.{last}{(h2 >> 24) % 1000}@{domain}".lower()
        city = CITIES[(h2 >> 34) % len(CITIES)]
        phone = f"{city[3]}-555-{(h2 >> 40) % 10000:04d}"
        line1 = f"{(h2 >> 54) % 9000 + 1} {STREETS[(h1 >> 40) % len(STREETS)]}"
        return CustomerData(first, last, company, email, phone, city, line1, (h2 >> 50) % 100 < 12, h2)

    def second_address(self, data: CustomerData) -> tuple:
        h3 = mix64(data.hash2)
        city = CITIES[h3 % len(CITIES)]
        return city, f"{(h3 >> 20) % 9000 + 1} {STREETS[(h3 >> 40) % len(STREETS)]}"

    def customer_rows(self) -> Iterator[tuple]:
        """Customers 1..N; a customer's billing address has its id, a second one comes after N."""
        next_second = self.customers
        for customer_id in range(1, self.customers + 1):
            data = self.customer(customer_id)
            shipping_id = customer_id
            if data.has_second_address:
                next_second += 1
                shipping_id = next_second
            created = self.timestamp(CUSTOMERS_START + customer_id * (ORDERS_START - CUSTOMERS_START)
                                     // (self.customers + 1))
            yield (customer_id, data.first_name, data.last_name, data.company, data.email, data.phone, "",
                   customer_id, shipping_id, created, created)

    def address_rows(self) -> Iterator[tuple]:
        for customer_id in range(1, self.customers + 1):
            data = self.customer(customer_id)
            city, region, postal_code, _ = data.city
            yield (customer_id, customer_id, data.name, data.company, data.line1, "", city, region,
                   postal_code, "US", data.phone)

    def second_address_rows(self) -> Iterator[tuple]:
        address_id = self.customers
        for customer_id in range(1, self.customers + 1):
            data = self.customer(customer_id)
            if not data.has_second_address:
                continue
            address_id += 1
            (city, region, postal_code, _), line1 = self.second_address(data)
            yield (address_id, customer_id, data.name, data.company, line1, "", city, region,
                   postal_code, "US", data.phone)

    def snapshot(self, data: CustomerData, *, second: bool) -> str:
        """The address JSON an order keeps, built by hand: the pools hold no characters to escape."""
        (city, region, postal_code, _), line1 = self.second_address(data) if second else (data.city, data.line1)
        return (f'{{"name": "{data.name}", "company": "{data.company}", "line1": "{line1}", "line2": "", '
                f'"city": "{city}", "region": "{region}", "postal_code": "{postal_code}", '
                f'"country": "US", "phone": "{data.phone}"}}')

    # --- products ------------------------------------------------------------------------
    def product(self, product_id: int) -> tuple[str, str, int]:
        """(sku, name, price in cents) of a product."""
        h = mix64(self.seed * 0x2000003 ^ product_id)
        code, noun = CATEGORIES[h % len(CATEGORIES)]
        name = f"{ADJECTIVES[(h >> 8) % len(ADJECTIVES)]} {noun}, {VARIANTS[(h >> 16) % len(VARIANTS)]}"
        cents = 50 + ((h >> 24) % 1000) * ((h >> 40) % 50 + 1)
        return f"{code}-{product_id:06d}", name, cents

    def product_rows(self) -> Iterator[tuple]:
        created = self.timestamp(CUSTOMERS_START)
        for product_id in range(1, self.products + 1):
            sku, name, cents = self.product(product_id)
            h = mix64(self.seed * 0x3000005 ^ product_id)
            tracked = h % 100 >= 5
            stock = 0 if not tracked or (h >> 8) % 100 < 3 else 50 + (h >> 16) % 5000
            yield (product_id, sku, name, f"{name}.", money(cents), stock, tracked,
                   (h >> 32) % 100 >= 2, created, created)

    # --- orders and lines ----------------------------------------------------------------
    def order_chunks(self, *, carrier: int, size: int = 5000) -> Iterator["OrderChunk"]:
        """Orders numbered 1..N oldest first, with their lines and what followed (shipped by ``carrier``, the
        CARRIER's id), a chunk at a time."""
        rng = random.Random(self.seed)
        after = History(carrier)
        line_id = 0
        for start in range(1, self.orders + 1, size):
            chunk = OrderChunk()
            for number in range(start, min(start + size, self.orders + 1)):
                order_lines = self.lines_of(rng, number, line_id)
                line_id += len(order_lines)
                subtotal = sum(line[7] for line in order_lines)
                for line in order_lines:
                    line[7] = money(line[7])  # line totals were kept in cents for the order's sum
                order = self.order_row(rng, number, subtotal)
                chunk.orders.append(order + after.add(chunk, self, order, order_lines))
                chunk.lines += map(tuple, order_lines)
            yield chunk

    def lines_of(self, rng: random.Random, number: int, line_id: int) -> list[list]:
        count = 1 + bisect.bisect_left(LINE_COUNT_CDF, rng.random())
        product_ids: list[int] = []
        while len(product_ids) < min(count, self.products):
            # Squaring skews towards low ids: some products sell far more than others.
            product_id = 1 + int(self.products * rng.random() ** 2)
            if product_id not in product_ids:
                product_ids.append(product_id)
        rows = []
        for offset, product_id in enumerate(product_ids, start=1):
            sku, name, cents = self.product(product_id)
            quantity = rng.randint(1, 5) if rng.random() < 0.85 else rng.choice((10, 12, 20, 24, 50))
            rows.append([line_id + offset, number, product_id, sku, name, money(cents), quantity, cents * quantity])
        return rows

    def order_customer(self, rng: random.Random) -> int:
        if rng.random() < 0.04:
            return self.key_stride * rng.randint(1, self.customers // self.key_stride)
        return rng.randint(1, self.customers)

    def order_row(self, rng: random.Random, number: int, subtotal: int) -> tuple:
        customer_id = self.order_customer(rng)
        data = self.customer(customer_id)
        step = ORDER_SPAN // self.orders
        seconds = ORDERS_START + (number - 1) * ORDER_SPAN // self.orders + rng.randrange(max(step, 1))
        shipping_name, shipping = SHIPPING[rng.randrange(3)]
        tax = (subtotal * TAX_MILLI_PERCENT + 50_000) // 100_000  # half-up, as pricing.to_cents
        created = self.timestamp(seconds)
        billing = self.snapshot(data, second=False)
        ship_to = self.snapshot(data, second=True) if data.has_second_address else billing
        sent = bool(data.email)
        return (
            number, self.token(number), customer_id, self.status(rng, seconds), rng.choice(CHANNELS),
            None, data.name, data.email, billing, ship_to, shipping_name, rng.choice(PAYMENTS), "",
            money(subtotal), money(shipping), TAX_RATE, money(tax), money(subtotal + shipping + tax), "", "",
            "sent" if sent else "not_requested", created if sent else None, "", created,
        )

    def token(self, number: int) -> str:
        return f"{TOKEN_PREFIX}{number:012x}" if self.postgres else f"{TOKEN_PREFIX}{number:012x}".replace("-", "")

    @staticmethod
    def status(rng: random.Random, seconds: int) -> str:
        age = END - seconds
        if age < 2 * DAY:
            return "placed"
        if age < 5 * DAY:
            return "processing"
        if rng.random() < 0.03:
            return "cancelled"
        return "shipped" if age < 14 * DAY else "completed"

    def timestamp(self, seconds: int) -> str:
        return timestamp(seconds, self.days, self.utc_suffix)


@dataclass
class OrderChunk:
    """Rows of one chunk of orders, each list in its model's field order (seed_scale's *_FIELDS)."""

    orders: list = field(default_factory=list)
    lines: list = field(default_factory=list)
    events: list = field(default_factory=list)
    payments: list = field(default_factory=list)
    shipments: list = field(default_factory=list)
    shipment_lines: list = field(default_factory=list)


class History:
    """What followed each order's placing: its events, its shipment and lines shipped, its payment; the ids of
    each kind of row count on from one chunk to the next."""

    def __init__(self, carrier: int):
        self.carrier = carrier
        self.event_id = self.payment_id = self.shipment_id = self.shipment_line_id = 0

    def add(self, chunk: OrderChunk, data: ScaleData, order: tuple, lines: list[list]) -> tuple:
        """Append the order's history to ``chunk``; return the order row's tail: amount_paid, payment_status."""
        number, status, payment_method, email, total, created = (order[0], order[3], order[11], order[7],
                                                                  order[17], order[23])
        placed = int(datetime.fromisoformat(created[:19]).replace(tzinfo=UTC).timestamp())
        self._event(chunk, number, "placed", created, f'{{"total": "{total}", "lines": {len(lines)}}}')
        for line in lines:
            line.append(line[6] if status in SHIPPED else 0)  # quantity_shipped
        if status == "cancelled":
            self._event(chunk, number, "cancelled", created,
                        '{"reason": "Customer changed their mind", "restocked": {}}')
        if status in SHIPPED:
            self._shipment(chunk, data, number, email, placed + SHIP_AFTER_DAYS * DAY, lines)
        if status != "completed":
            return "0.00", "unpaid"
        self.payment_id += 1
        paid_at = data.timestamp(placed + PAID_AFTER_DAYS * DAY)
        method = PAID_BY[payment_method]
        chunk.payments.append((self.payment_id, number, total, method, "", paid_at[:10], paid_at))
        self._event(chunk, number, "payment_recorded", paid_at,
                    f'{{"payment": {self.payment_id}, "amount": "{total}", "method": "{method}", "reference": "", '
                    f'"status": "paid", "balance": "0.00"}}')
        return total, "paid"

    def _shipment(self, chunk: OrderChunk, data: ScaleData, number: int, email: str, seconds: int,
                  lines: list[list]) -> None:
        self.shipment_id += 1
        shipped_at = data.timestamp(seconds)
        tracking = f"1ZB{mix64(data.seed ^ number) % 10**12:012d}"
        chunk.shipments.append((self.shipment_id, number, tracking_json(tracking), shipped_at[:10], shipped_at,
                                email, "sent" if email else "not_requested", shipped_at if email else None,
                                self.carrier))
        shipped = []
        for line in lines:
            self.shipment_line_id += 1
            chunk.shipment_lines.append((self.shipment_line_id, self.shipment_id, line[0], line[6]))
            shipped.append(f'"{line[3]}": {line[6]}')
        self._event(chunk, number, "shipment_recorded", shipped_at,
                    f'{{"shipment": {self.shipment_id}, "lines": {{{", ".join(shipped)}}}, "carrier": "{CARRIER}", '
                    f'"tracking": {tracking_json(tracking)}, "status": "shipped"}}')

    def _event(self, chunk: OrderChunk, number: int, kind: str, created: str, data: str) -> None:
        self.event_id += 1
        chunk.events.append((self.event_id, number, kind, created, "", data))


def tracking_json(number: str) -> str:
    return f'["{number}"]'
