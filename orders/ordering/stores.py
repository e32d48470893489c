"""Lines being changed: one abstraction over an order's lines while staff change them, whichever order it is.

A ``LineStore`` holds (product, quantity) lines, the prices staff set on them (a new unit price with its reason
and who set it), custom items (freight, a setup fee) and an order discount. The line editor's views
(orders.views.lines) and its review (orders.review.LinesReview) work on any store; each kind of store is one
entry of orders.views.lines.KINDS: who may change it, how its URL finds it, how its lines are priced
(orders.selectors: cart_review, edit_review) and the page around them.

Two stores are kept in the staff member's session, each under its own id in the URL so that several can be open
in different tabs without mixing:

- ``Cart``: a new order, with its attached customer; placed by checkout (orders.services.order_place).
- ``OrderEdit``: a placed order being changed; it starts from the order's lines and remembers the order's
  version, and `Save changes` applies it (orders.editing.order_edit_save, the one service that writes an edit).

- ``QuoteEdit``: a saved quote being revised; `Save quote` makes its next version (orders.quotes).

A new kind of store subclasses ``LineStore`` (or ``SessionLines`` to live in the session) with its own ``kind``
and ``url_args``, and adds its URLs (orders.urls.LINE_ACTIONS under its own prefix) and its KINDS entry.
"""

import secrets
import uuid
from dataclasses import dataclass

from django.utils import timezone

MAX_QUANTITY = 9999
MAX_STORES = 20  # of each kind, per session: the oldest goes when a new one would pass it
MAX_CUSTOM_LINES = 50


class LineError(ValueError):
    """A change the store refuses (past a line's or the order's limits), in words for staff."""


@dataclass(frozen=True)
class StoredLine:
    product_id: int
    quantity: int
    price_seen: str  # the list price when the line was added ("" for a placed order's lines: they keep theirs)


@dataclass(frozen=True)
class PriceOverride:
    price: str
    reason: str
    by: int | None  # the user who set it (orders.change_price)


@dataclass(frozen=True)
class CustomLine:
    id: str
    description: str
    unit_price: str
    quantity: int
    taxable: bool
    order_line: int | None = None  # the placed order's custom OrderLine it stands for; None: added here


@dataclass(frozen=True)
class StoredDiscount:
    text: str  # as typed: 15.00 or 10%; "" removes the order's
    reason: str
    by: int | None


class LineStore:
    """What the line editor needs of a store of lines. Subclasses keep ``data`` somewhere and say ``_changed``."""

    kind = ""  # "cart", "edit": names the store's URLs ("orders:<kind>_add") and its page's frame
    data: dict

    # --- reading -------------------------------------------------------------------------
    @property
    def lines(self) -> list[StoredLine]:
        return [StoredLine(int(line["product_id"]), int(line["quantity"]), str(line.get("price_seen", "")))
                for line in self.data["lines"]]

    @property
    def quantities(self) -> dict[int, int]:
        """Product id -> quantity, in the order the lines were added."""
        return {int(line["product_id"]): int(line["quantity"]) for line in self.data["lines"]}

    @property
    def overrides(self) -> dict[int, PriceOverride]:
        return {int(pk): PriceOverride(str(o["price"]), str(o["reason"]), o.get("by"))
                for pk, o in self.data.get("prices", {}).items()}

    @property
    def custom_lines(self) -> list[CustomLine]:
        return [CustomLine(str(c["id"]), str(c["description"]), str(c["unit_price"]), int(c["quantity"]),
                           bool(c["taxable"]), c.get("order_line")) for c in self.data.get("custom", [])]

    @property
    def discount(self) -> StoredDiscount | None:
        """The discount set here; None when none was (a placed order then keeps its own)."""
        found = self.data.get("discount")
        return StoredDiscount(str(found["text"]), str(found["reason"]), found.get("by")) if found else None

    def quantity_of(self, product_id: int) -> int:
        line = self._line(product_id)
        return int(line["quantity"]) if line else 0

    def _line(self, product_id: int) -> dict | None:
        """The stored line of a product (read without building every line: a paste adds 200 in a row)."""
        return next((line for line in self.data["lines"] if int(line["product_id"]) == product_id), None)

    def __len__(self) -> int:
        return len(self.data["lines"]) + len(self.data.get("custom", []))

    # --- changing ------------------------------------------------------------------------
    def add(self, product, quantity: int) -> int:
        """Add a product, or raise the quantity of its line; returns the new quantity. Raises LineError past
        MAX_QUANTITY."""
        line = self._line(product.pk)
        new_quantity = (int(line["quantity"]) if line else 0) + quantity
        if new_quantity > MAX_QUANTITY:
            raise LineError(
                f"That would make {new_quantity:,} of {product.sku}; one line holds at most {MAX_QUANTITY:,}."
            )
        if line:
            line["quantity"] = new_quantity
        else:
            self.data["lines"].append(
                {"product_id": product.pk, "quantity": quantity, "price_seen": str(product.price)}
            )
        self._changed()
        return new_quantity

    def set_quantity(self, product_id: int, quantity: int) -> None:
        if line := self._line(product_id):
            line["quantity"] = quantity
            self._changed()

    def remove(self, product_id: int) -> None:
        self.data["lines"] = [line for line in self.data["lines"] if int(line["product_id"]) != product_id]
        self.data.get("prices", {}).pop(str(product_id), None)
        self._changed()

    def set_price(self, product_id: int, *, price, reason: str, by: int | None) -> None:
        """A new unit price for a line already here (the view checks orders.change_price)."""
        if self.quantity_of(product_id):
            self.data.setdefault("prices", {})[str(product_id)] = {"price": str(price), "reason": reason, "by": by}
            self._changed()

    def add_custom(self, *, description: str, unit_price, quantity: int, taxable: bool,
                   order_line: int | None = None) -> str:
        """A line that is no product (no stock taken). Raises LineError past MAX_CUSTOM_LINES."""
        custom = self.data.setdefault("custom", [])
        if len(custom) >= MAX_CUSTOM_LINES:
            raise LineError(f"An order holds at most {MAX_CUSTOM_LINES} custom items.")
        line_id = secrets.token_urlsafe(6)
        custom.append({"id": line_id, "description": description, "unit_price": str(unit_price),
                       "quantity": quantity, "taxable": taxable, "order_line": order_line})
        self._changed()
        return line_id

    def remove_custom(self, line_id: str) -> bool:
        before = len(self.data.get("custom", []))
        self.data["custom"] = [c for c in self.data.get("custom", []) if c["id"] != line_id]
        self._changed()
        return len(self.data["custom"]) < before

    def set_discount(self, *, text: str, reason: str, by: int | None) -> None:
        """The order discount as typed; ``text`` "" removes it (a placed order's own discount too)."""
        self.data["discount"] = {"text": text, "reason": reason if text else "", "by": by}
        self._changed()

    def _changed(self) -> None:
        raise NotImplementedError


class SessionLines(LineStore):
    """A store kept in the staff member's session under ``session_key``, one entry per id."""

    session_key = ""

    def __init__(self, session, store_id: str, data: dict):
        self.session = session
        self.id = store_id
        self.data = data

    @classmethod
    def _new(cls, session, store_id: str, data: dict):
        stores = session.setdefault(cls.session_key, {})
        if len(stores) >= MAX_STORES:
            del stores[min(stores, key=lambda key: stores[key].get("created_at", ""))]
        stores[store_id] = {"lines": [], "created_at": timezone.now().isoformat(), **data}
        session.modified = True
        return cls(session, store_id, stores[store_id])

    @classmethod
    def _stored(cls, session, store_id: str) -> dict | None:
        data = session.get(cls.session_key, {}).get(store_id)
        return data if isinstance(data, dict) and isinstance(data.get("lines"), list) else None

    @property
    def created_at(self) -> str:
        return self.data.get("created_at", "")

    def discard(self) -> None:
        self.session.get(self.session_key, {}).pop(self.id, None)
        self.session.modified = True

    def _changed(self) -> None:
        self.session.modified = True


class Cart(SessionLines):
    """A new order in progress: the attached customer, the lines, and the checkout's idempotency token. Prices and
    stock are read fresh from the database when shown (orders.selectors.lines_review)."""

    kind = "cart"
    session_key = "carts"

    @classmethod
    def create(cls, session, *, customer_id: int | None = None) -> "Cart":
        return cls._new(session, secrets.token_urlsafe(8), {"customer_id": customer_id, "token": str(uuid.uuid4())})

    @classmethod
    def get(cls, session, cart_id: str) -> "Cart | None":
        data = cls._stored(session, cart_id)
        return cls(session, cart_id, data) if data is not None else None

    @classmethod
    def all(cls, session) -> list["Cart"]:
        carts = [cls.get(session, cart_id) for cart_id in session.get(cls.session_key, {})]
        return sorted((cart for cart in carts if cart), key=lambda cart: cart.created_at)

    @property
    def customer_id(self) -> int | None:
        return self.data.get("customer_id")

    @property
    def token(self) -> str:
        return self.data["token"]

    @property
    def url_args(self) -> tuple:
        return (self.id,)

    def acknowledge_prices(self, prices: dict[int, str]) -> None:
        """Staff have seen the current prices: stop pointing out the change."""
        for line in self.data["lines"]:
            if int(line["product_id"]) in prices:
                line["price_seen"] = prices[int(line["product_id"])]
        self._changed()

    def attach(self, customer_id: int | None) -> None:
        if customer_id != self.customer_id and self.data.pop("quote", None):  # a quote is its customer's
            self.data["token"] = str(uuid.uuid4())
        self.data["customer_id"] = customer_id
        self.data.pop("exchange_for", None)  # an exchange is the returning customer's: another customer ends it
        self._changed()

    @property
    def exchange_for(self) -> int | None:
        """The return (its number) this new order exchanges, if it is an exchange."""
        return self.data.get("exchange_for")

    def exchange(self, return_number: int) -> None:
        self.data["exchange_for"] = return_number
        self._changed()

    @classmethod
    def from_quote(cls, session, *, quote_number: int, customer_id: int, store: dict, token: str) -> "Cart":
        """A cart converting a quote: its lines (``store``, as orders.quotes.services.quote_cart_lines makes
        them), and a token of the quote's own, so that a second conversion places no second order. A cart of
        this session already converting it is reused (a double click)."""
        for cart in cls.all(session):
            if cart.quote_number == quote_number:
                return cart
        data = {"customer_id": customer_id, "token": token, "quote": quote_number, **store}
        return cls._new(session, secrets.token_urlsafe(8), data)

    @property
    def quote_number(self) -> int | None:
        """The quote this cart converts, if it does: its reservation is this cart's stock."""
        return self.data.get("quote")


class QuoteEdit(SessionLines):
    """A saved quote being revised, until `Save quote` makes its next version; it remembers the version it started
    from, so that a save after someone else's is refused."""

    kind = "quote_edit"
    session_key = "quote_edits"

    @classmethod
    def create(cls, session, *, quote_number: int, version: int, store: dict) -> "QuoteEdit":
        data = {"quote": quote_number, "version": version, **store}
        return cls._new(session, secrets.token_urlsafe(12), data)

    @classmethod
    def get(cls, session, edit_id: str, quote_number: int) -> "QuoteEdit | None":
        data = cls._stored(session, edit_id)
        return cls(session, edit_id, data) if data is not None and data.get("quote") == quote_number else None

    @property
    def quote_number(self) -> int:
        return int(self.data["quote"])

    @property
    def version(self) -> int:
        return int(self.data["version"])

    @property
    def url_args(self) -> tuple:
        return (self.quote_number, self.id)


class OrderEdit(SessionLines):
    """Changes to a placed order while staff make them, until `Save changes`. It starts from the order's lines
    (custom items included) and remembers the order's version, so a save after someone else's is refused; its id
    is also the save's idempotency key."""

    kind = "edit"
    session_key = "order_edits"

    @classmethod
    def create(cls, session, order) -> "OrderEdit":
        lines = [{"product_id": line.product_id, "quantity": line.quantity, "price_seen": ""}
                 for line in order.lines.all() if line.product_id is not None]
        data = {"number": order.number, "version": order.version, "lines": lines,
                "custom": cls._order_custom(order)}
        return cls._new(session, secrets.token_urlsafe(12), data)

    @classmethod
    def get(cls, session, edit_id: str, order) -> "OrderEdit | None":
        """This session's edit ``edit_id`` of ``order``, or None."""
        data = cls._stored(session, edit_id)
        if data is None or data.get("number") != order.number:
            return None
        if data["lines"] and isinstance(data["lines"][0], list):  # an edit started before lines were dicts
            data["lines"] = [{"product_id": pk, "quantity": quantity, "price_seen": ""}
                             for pk, quantity in data["lines"]]
        if "custom" not in data:  # an edit started before edits held custom items: they are the order's
            data["custom"] = cls._order_custom(order)
        return cls(session, edit_id, data)

    @staticmethod
    def _order_custom(order) -> list[dict]:
        return [{"id": f"o{line.pk}", "description": line.name, "unit_price": str(line.unit_price),
                 "quantity": line.quantity, "taxable": line.taxable, "order_line": line.pk}
                for line in order.lines.all() if line.product_id is None]

    @property
    def number(self) -> int:
        return int(self.data["number"])

    @property
    def version(self) -> int:
        return int(self.data["version"])

    @property
    def url_args(self) -> tuple:
        return (self.number, self.id)
