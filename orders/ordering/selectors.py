"""What the ordering screens read: the cart's lines priced fresh, Identify's search, `Last ordered`."""

from dataclasses import dataclass
from decimal import Decimal

from django.db.models import OuterRef, Subquery

from catalog.models import Product
from customers.models import Customer
from customers.selectors import customer_identify_range
from oms.core.seek import first_rows
from orders.models import Order, OrderLine, backorder_note
from orders.ordering.lines import (
    CustomReviewLine,
    EditLine,
    LinesReview,
    ReviewLine,
    edited_backorder,
    line_problem,
)
from orders.ordering.stores import Cart, LineStore, OrderEdit
from orders.payments.selectors import store_credit_of
from orders.pricing.selectors import products_priced_for
from orders.pricing.totals import Discount, TaxRule, catalog_line, kept_line, price_line


def cart_customer(cart: Cart) -> Customer | None:
    """The attached customer with their type, default addresses and store credit balance (one query), or None
    when there is none or they were deleted (the cart still names them: the panel says so)."""
    return customer_for_lines(cart.customer_id)


def customer_for_lines(customer_id: int | None) -> Customer | None:
    if not customer_id:
        return None
    return (
        Customer.objects.select_related("customer_type", "default_billing_address", "default_shipping_address")
        .annotate(store_credit_balance=store_credit_of(OuterRef("pk")))
        .filter(pk=customer_id)
        .first()
    )


def cart_review(cart: Cart) -> LinesReview:
    """A new order's lines read fresh: the cart's customer (with their type) and products (with the type's prices
    and the units others' reservations hold; a cart converting a quote counts the quote's own as its): two
    queries, however many lines."""
    return new_lines_review(cart, cart_customer(cart), holder=f"Q{cart.quote_number}" if cart.quote_number else "")


def new_lines_review(store: LineStore, customer: Customer | None, *, holder: str = "") -> LinesReview:
    """Lines priced from today's catalogue for ``customer`` (a cart's, or a quote's being revised)."""
    store_lines = store.lines
    kind = customer.customer_type if customer else None
    products = products_priced_for(kind and kind.pk, [line.product_id for line in store_lines], holder=holder)
    overrides = store.overrides
    return LinesReview(
        store=store,
        customer=customer,
        lines=[
            ReviewLine(line.product_id, line.quantity, products.get(line.product_id), line.price_seen,
                       level_price=getattr(products.get(line.product_id), "level_price", None), customer_type=kind,
                       override=overrides.get(line.product_id))
            for line in store_lines
        ],
        custom_lines=[CustomReviewLine(custom) for custom in store.custom_lines],
    )


def identify_search(*, last_name: str, company: str, email: str, limit: int = 25) -> list[Customer]:
    """Identify's first ``limit`` customers (ordered as customer_identify_range says), each with their billing
    address and the date of their last order, in one query: the customers along the first filled field's index,
    in its order up to the LIMIT, and the dates read from the orders by customer index for those only."""
    found = customer_identify_range(last_name=last_name, company=company, email=email,
                                    alias=Customer._meta.db_table)
    if found is None:
        return []
    where, order = found
    last_order = Order.objects.filter(customer=OuterRef("pk")).order_by("-number").values("created_at")[:1]
    customers = (Customer.objects.select_related("default_billing_address", "customer_type")
                 .annotate(last_order_at=Subquery(last_order)))
    return first_rows(customers, where, order, limit=limit)


@dataclass(frozen=True)
class LastOrdered:
    product: Product
    quantity: int
    ordered_at: object  # the datetime of the newest order that had it


LAST_ORDERED_BATCH = 200


def last_ordered(customer_id: int, *, limit: int = 10, batches: int = 5) -> list[LastOrdered]:
    """The customer's most recently ordered distinct products that are still sold, newest first, up to ``limit``.

    Reads their lines newest order first along order_customer_newest and the lines' (order, product) index,
    a batch of lines at a time until ``limit`` products are found (at most ``batches`` batches), so a
    customer with thousands of orders costs what one with ten does."""
    seen: dict[int, tuple[int, object]] = {}
    lines = (OrderLine.objects.filter(order__customer_id=customer_id).order_by("-order_id")
             .values_list("order_id", "product_id", "quantity", "order__created_at"))
    below = None
    for _ in range(batches):
        batch = list((lines if below is None else lines.filter(order_id__lt=below))[:LAST_ORDERED_BATCH])
        if not batch:
            break
        end, full = batch[-1][0], len(batch) == LAST_ORDERED_BATCH
        below = end
        if full and batch[0][0] != end:  # the batch may end mid-order: that order goes to the next batch
            batch, below = [row for row in batch if row[0] != end], end + 1
        for _number, product_id, quantity, created_at in batch:
            if product_id is not None:  # custom items are no product
                seen.setdefault(product_id, (quantity, created_at))
        if not full or len(seen) >= 2 * limit:
            break
    products = Product.objects.in_bulk(list(seen))
    found = [LastOrdered(products[pk], *seen[pk]) for pk in seen if pk in products and products[pk].is_active]
    return found[:limit]


def edit_review(order: Order, edit: OrderEdit) -> LinesReview:
    """A placed order's lines as the edit would leave them (two queries, the order and its customer already
    loaded): ordered lines keep their price unless staff set one, new ones take the customer's price today; added
    units are checked against stock as order_edit_save will check them; custom items as the edit holds them; the
    order's own shipping and tax; the discount as set in the edit, else the order's."""
    quantities, overrides = edit.quantities, edit.overrides
    all_lines = list(order.lines.all())
    old = {line.product_id: line for line in all_lines if line.product_id is not None}
    kind = order.customer.customer_type
    # the products whose quantity goes up (new lines among them), each with its price in the type's table
    products = products_priced_for(kind.pk, [pk for pk, quantity in quantities.items()
                                             if quantity > (old[pk].quantity if pk in old else 0)])
    lines = [_edit_line(pk, quantity, old.get(pk), products.get(pk), kind,
                        getattr(products.get(pk), "level_price", None), overrides.get(pk))
             for pk, quantity in quantities.items()]
    custom = [CustomReviewLine(line) for line in edit.custom_lines]
    tax = TaxRule(rate=order.tax_rate, jurisdiction=order.tax_jurisdiction, tax_shipping=order.tax_shipping,
                  exempt=order.tax_exempt, exemption_number=order.tax_exemption_number)
    kept = Discount.parse(order.discount_entered, order.discount_reason) if order.discount_entered else None
    return LinesReview(store=edit, customer=order.customer, lines=lines, custom_lines=custom,
                       removed=[line for pk, line in old.items() if pk not in quantities], shipping=order.shipping,
                       tax=tax, kept_discount=kept)


def _edit_line(pk, quantity, ordered, product, kind, level_price, override) -> EditLine:
    before = ordered.quantity if ordered else 0
    source = ordered or product
    price, reason = (Decimal(override.price), override.reason) if override else (None, "")
    if ordered:
        line = kept_line(list_price=ordered.list_price_shown, unit_price=ordered.unit_price, quantity=quantity,
                         override=price, override_reason=reason)
    else:
        line = catalog_line(list_price=product.price if product else Decimal("0"), quantity=quantity, kind=kind,
                            level_price=level_price, override=price, override_reason=reason)
    priced = price_line(line)
    reason = priced.reason if (override or not ordered) else ordered.price_reason
    problem = line_problem(product, quantity - before) if quantity > before else ""
    waiting = edited_backorder(ordered, product, quantity)
    return EditLine(pk, source.sku if source else f"(product {pk})",
                    source.name if source else "This product no longer exists", priced.unit_price, quantity, before,
                    problem, backorder="" if problem else backorder_note(quantity - waiting, waiting),
                    priced=priced, reason=reason)
