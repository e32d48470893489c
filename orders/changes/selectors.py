"""What `Reorder` copies from an order into a new cart."""

from dataclasses import dataclass

from catalog.models import Product
from orders.models import Order
from orders.ordering.lines import line_problem


@dataclass(frozen=True)
class ReorderLine:
    product: Product
    quantity: int
    problem: str  # why it cannot be added (orders.review.line_problem), empty when it can


def reorder_lines(order: Order) -> list[ReorderLine]:
    """The order's lines against today's catalogue (two queries): each product as it is now, and why a line
    can no longer be sold as ordered."""
    lines = list(order.lines.filter(product__isnull=False).only("product_id", "quantity"))  # custom items aside
    products = Product.objects.in_bulk([line.product_id for line in lines])
    return [ReorderLine(product, line.quantity, line_problem(product, line.quantity))
            for line in lines if (product := products[line.product_id])]
