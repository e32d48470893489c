"""What `Reorder` copies from an order, and `Exchange` from a return, into a new cart."""

from dataclasses import dataclass

from catalog.models import Product
from orders.models import Order, Return
from orders.ordering.lines import line_problem


@dataclass(frozen=True)
class ReorderLine:
    product: Product
    quantity: int
    problem: str  # why it cannot be added (orders.review.line_problem), empty when it can


def reorder_lines(order: Order) -> list[ReorderLine]:
    """The order's lines against today's catalogue (two queries): each product as it is now, and why a line
    can no longer be sold as ordered."""
    # values_list, not only(): the related manager reads each line's order_id, which only() would defer (a query a line)
    lines = order.lines.filter(product__isnull=False).order_by("pk").values_list("product_id", "quantity")
    return _against_catalog(list(lines))  # custom items aside


def exchange_lines(ret: Return) -> list[ReorderLine]:
    """What `Exchange` puts in the new cart: the return's products (as received, or as authorized before that)
    against today's catalogue, in two queries. Custom items are not exchanged."""
    received = ret.status == Return.Status.RECEIVED
    wanted: dict[int, int] = {}
    for product_id, quantity, came in (ret.lines.filter(order_line__product__isnull=False).order_by("pk")
                                       .values_list("order_line__product_id", "quantity", "quantity_received")):
        if units := came if received else quantity:
            wanted[product_id] = wanted.get(product_id, 0) + units
    return _against_catalog(list(wanted.items()))


def _against_catalog(quantities: list[tuple[int, int]]) -> list[ReorderLine]:
    products = Product.objects.with_reserved().in_bulk([product_id for product_id, _ in quantities])
    return [ReorderLine(product, quantity, line_problem(product, quantity))
            for product_id, quantity in quantities if (product := products.get(product_id))]
