"""Changes to a placed order while staff make them, kept in the session until `Save changes`.

Like a cart (orders.cart), each edit has its own id in the URL, so two tabs never mix; unlike a cart it starts
from the order's lines and remembers the order's version, so a save after someone else's is refused
(orders.editing). The id is also the save's idempotency key.
"""

import secrets
from decimal import Decimal

from django.utils import timezone

from .cart import MAX_CARTS, MAX_QUANTITY, CartError

SESSION_KEY = "order_edits"


class OrderEdit:
    def __init__(self, session, edit_id: str, data: dict):
        self.session = session
        self.id = edit_id
        self.data = data

    @classmethod
    def create(cls, session, order) -> "OrderEdit":
        edits = session.setdefault(SESSION_KEY, {})
        if len(edits) >= MAX_CARTS:
            del edits[min(edits, key=lambda key: edits[key].get("created_at", ""))]
        edit_id = secrets.token_urlsafe(12)
        edits[edit_id] = {
            "number": order.number,
            "version": order.version,
            "lines": [[line.product_id, line.quantity] for line in order.lines.all() if line.product_id is not None],
            "created_at": timezone.now().isoformat(),
        }
        session.modified = True
        return cls(session, edit_id, edits[edit_id])

    @classmethod
    def get(cls, session, edit_id: str, number: int) -> "OrderEdit | None":
        data = session.get(SESSION_KEY, {}).get(edit_id)
        if not isinstance(data, dict) or data.get("number") != number or not isinstance(data.get("lines"), list):
            return None
        return cls(session, edit_id, data)

    @property
    def version(self) -> int:
        return int(self.data["version"])

    @property
    def quantities(self) -> dict[int, int]:
        """Product id -> quantity, in the order the lines were added."""
        return {int(product_id): int(quantity) for product_id, quantity in self.data["lines"]}

    @property
    def prices(self) -> dict:
        """Product id -> (unit price, reason, who) set in this edit (orders.change_price)."""
        return {int(pk): (Decimal(p["price"]), str(p["reason"]), p.get("by"))
                for pk, p in self.data.get("prices", {}).items()}

    @property
    def discount(self) -> tuple[str, str, int | None] | None:
        """The discount set in this edit: (typed, reason, who); ("", "", who) removes the order's; None keeps it."""
        found = self.data.get("discount")
        return (str(found["text"]), str(found["reason"]), found.get("by")) if found else None

    def set_price(self, product_id: int, *, price, reason: str, by: int | None) -> None:
        if product_id in self.quantities:
            self.data.setdefault("prices", {})[str(product_id)] = {"price": str(price), "reason": reason, "by": by}
            self.session.modified = True

    def set_discount(self, *, text: str, reason: str, by: int | None) -> None:
        self.data["discount"] = {"text": text, "reason": reason, "by": by}
        self.session.modified = True

    def add(self, product, quantity: int) -> int:
        """Add a product, or raise its quantity; returns the new quantity. Raises CartError past MAX_QUANTITY."""
        new_quantity = self.quantities.get(product.pk, 0) + quantity
        if new_quantity > MAX_QUANTITY:
            raise CartError(
                f"That would make {new_quantity:,} of {product.sku}; one line holds at most {MAX_QUANTITY:,}."
            )
        self._set(product.pk, new_quantity)
        return new_quantity

    def set_quantity(self, product_id: int, quantity: int) -> None:
        if product_id in self.quantities:
            self._set(product_id, quantity)

    def remove(self, product_id: int) -> None:
        self.data["lines"] = [line for line in self.data["lines"] if int(line[0]) != product_id]
        self.data.get("prices", {}).pop(str(product_id), None)
        self.session.modified = True

    def discard(self) -> None:
        self.session.get(SESSION_KEY, {}).pop(self.id, None)
        self.session.modified = True

    def _set(self, product_id: int, quantity: int) -> None:
        for line in self.data["lines"]:
            if int(line[0]) == product_id:
                line[1] = quantity
                break
        else:
            self.data["lines"].append([product_id, quantity])
        self.session.modified = True
