"""Orders in progress, kept in the staff member's session.

Each cart has its own id in the URL, so several orders can be open in different tabs without
mixing. A cart holds only the attached customer and (product, quantity) lines, plus the price
staff saw when the line was added so a later price change can be pointed out; and what staff
decided about prices: a line's new unit price with its reason and who set it, custom lines
(freight, a setup fee), and an order discount with its reason. Prices and stock are always read
fresh from the database, and priced by orders.pricing.
"""

import secrets
import uuid
from dataclasses import dataclass

from django.utils import timezone

SESSION_KEY = "carts"
MAX_QUANTITY = 9999
MAX_CARTS = 20
MAX_CUSTOM_LINES = 50


class CartError(ValueError):
    pass


@dataclass
class CartLine:
    product_id: int
    quantity: int
    price_seen: str


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


@dataclass(frozen=True)
class CartDiscount:
    text: str  # as typed: 15.00 or 10%
    reason: str
    by: int | None


class Cart:
    def __init__(self, session, cart_id: str, data: dict):
        self.session = session
        self.id = cart_id
        self.data = data

    # --- finding carts -------------------------------------------------------------------
    @classmethod
    def create(cls, session, *, customer_id: int | None = None) -> "Cart":
        carts = session.setdefault(SESSION_KEY, {})
        if len(carts) >= MAX_CARTS:
            oldest = min(carts, key=lambda key: carts[key].get("created_at", ""))
            del carts[oldest]
        cart_id = secrets.token_urlsafe(8)
        carts[cart_id] = {
            "customer_id": customer_id,
            "lines": [],
            "token": str(uuid.uuid4()),
            "created_at": timezone.now().isoformat(),
        }
        session.modified = True
        return cls(session, cart_id, carts[cart_id])

    @classmethod
    def get(cls, session, cart_id: str) -> "Cart | None":
        data = session.get(SESSION_KEY, {}).get(cart_id)
        if not isinstance(data, dict) or not isinstance(data.get("lines"), list):
            return None
        return cls(session, cart_id, data)

    @classmethod
    def all(cls, session) -> list["Cart"]:
        carts = [cls.get(session, cart_id) for cart_id in session.get(SESSION_KEY, {})]
        return sorted((cart for cart in carts if cart), key=lambda cart: cart.created_at)

    # --- reading -------------------------------------------------------------------------
    @property
    def customer_id(self) -> int | None:
        return self.data.get("customer_id")

    @property
    def token(self) -> str:
        return self.data["token"]

    @property
    def created_at(self) -> str:
        return self.data.get("created_at", "")

    @property
    def lines(self) -> list[CartLine]:
        return [
            CartLine(int(line["product_id"]), int(line["quantity"]), str(line.get("price_seen", "")))
            for line in self.data["lines"]
        ]

    @property
    def overrides(self) -> dict[int, PriceOverride]:
        return {int(pk): PriceOverride(str(o["price"]), str(o["reason"]), o.get("by"))
                for pk, o in self.data.get("prices", {}).items()}

    @property
    def custom_lines(self) -> list[CustomLine]:
        return [CustomLine(str(c["id"]), str(c["description"]), str(c["unit_price"]), int(c["quantity"]),
                           bool(c["taxable"])) for c in self.data.get("custom", [])]

    @property
    def discount(self) -> CartDiscount | None:
        found = self.data.get("discount")
        return CartDiscount(str(found["text"]), str(found["reason"]), found.get("by")) if found else None

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
        """Add a product; a product already in the cart has its quantity raised. Returns the new quantity."""
        line = self._line(product.pk)
        new_quantity = (int(line["quantity"]) if line else 0) + quantity
        if new_quantity > MAX_QUANTITY:
            raise CartError(
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
        for line in self.data["lines"]:
            if int(line["product_id"]) == product_id:
                line["quantity"] = quantity
                self._changed()
                return

    def remove(self, product_id: int) -> None:
        self.data["lines"] = [line for line in self.data["lines"] if int(line["product_id"]) != product_id]
        self.data.get("prices", {}).pop(str(product_id), None)
        self._changed()

    def set_price(self, product_id: int, *, price, reason: str, by: int | None) -> None:
        """A new unit price for a line already in the cart (the view checks orders.change_price)."""
        if self.quantity_of(product_id):
            self.data.setdefault("prices", {})[str(product_id)] = {"price": str(price), "reason": reason, "by": by}
            self._changed()

    def clear_price(self, product_id: int) -> None:
        self.data.get("prices", {}).pop(str(product_id), None)
        self._changed()

    def add_custom(self, *, description: str, unit_price, quantity: int, taxable: bool) -> str:
        """A line that is no product (no stock taken). Raises CartError past MAX_CUSTOM_LINES."""
        custom = self.data.setdefault("custom", [])
        if len(custom) >= MAX_CUSTOM_LINES:
            raise CartError(f"An order holds at most {MAX_CUSTOM_LINES} custom items.")
        line_id = secrets.token_urlsafe(6)
        custom.append({"id": line_id, "description": description, "unit_price": str(unit_price),
                       "quantity": quantity, "taxable": taxable})
        self._changed()
        return line_id

    def remove_custom(self, line_id: str) -> bool:
        before = len(self.data.get("custom", []))
        self.data["custom"] = [c for c in self.data.get("custom", []) if c["id"] != line_id]
        self._changed()
        return len(self.data["custom"]) < before

    def set_discount(self, *, text: str, reason: str, by: int | None) -> None:
        self.data["discount"] = {"text": text, "reason": reason, "by": by}
        self._changed()

    def clear_discount(self) -> None:
        self.data.pop("discount", None)
        self._changed()

    def acknowledge_prices(self, prices: dict[int, str]) -> None:
        """Staff have seen the current prices: stop pointing out the change."""
        for line in self.data["lines"]:
            if int(line["product_id"]) in prices:
                line["price_seen"] = prices[int(line["product_id"])]
        self._changed()

    def attach(self, customer_id: int | None) -> None:
        self.data["customer_id"] = customer_id
        self._changed()

    def discard(self) -> None:
        self.session.get(SESSION_KEY, {}).pop(self.id, None)
        self.session.modified = True

    def _changed(self) -> None:
        self.session.modified = True
