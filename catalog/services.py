"""Every change of a product's stock, and the ledger row that records it, in one place.

Callers lock the products first (select_for_update, in primary-key order: ``products_locked``) and call
``stock_move`` in the same transaction; the ledger (StockMovement) then sums to each product's stock."""

from collections.abc import Iterable
from dataclasses import dataclass

from django.db.models import F, OuterRef, Subquery, Sum

from .models import Product, StockMovement, StockReceipt


@dataclass(frozen=True)
class Move:
    """``quantity`` units of a product in (positive) or out (negative), for an order (its number) or none."""

    product_id: int
    quantity: int
    order_id: int | None = None


def products_locked(ids: Iterable[int]) -> list[Product]:
    """The products with these ids, locked in primary-key order (the order every writer of stock locks them in).

    FOR NO KEY UPDATE: writers of stock wait for each other, but a row that only refers to a product (a summary
    row sales_rebuild writes, an order line) does not wait for the product's sale to commit; FOR UPDATE made it
    wait and let a rebuild and a placing deadlock (test_sales_rebuild.py)."""
    return list(Product.objects.select_for_update(no_key=True).with_reserved().filter(pk__in=set(ids))
                .order_by("pk"))


def stock_move(moves: Iterable[Move], *, kind: str, products: Iterable[Product], actor=None, reason: str = "",
               receipt: StockReceipt | None = None) -> dict[str, int]:
    """Apply ``moves`` to ``products`` (locked by the caller) and write a ledger row for each; products that do not
    track inventory and moves of nothing are left out. Returns SKU -> units moved in all."""
    by_pk = {product.pk: product for product in products}
    moves = [move for move in moves if move.quantity and getattr(by_pk.get(move.product_id), "track_inventory", False)]
    moved: dict[str, int] = {}
    for move in moves:
        product = by_pk[move.product_id]
        product.stock += move.quantity
        moved[product.sku] = moved.get(product.sku, 0) + move.quantity
    if not moves:
        return moved
    actor = actor if getattr(actor, "pk", None) else None
    ledger = StockMovement.objects.bulk_create([
        StockMovement(product_id=move.product_id, quantity=move.quantity, kind=kind, reason=reason[:200],
                      actor=actor, order_id=move.order_id, receipt=receipt) for move in moves])
    # One UPDATE whatever the number of products: each stock moves by the sum of its ledger rows just written
    # (bulk_update's CASE of one WHEN per product cost more to build than the rest of a 50-line move).
    this_move = (StockMovement.objects.filter(pk__in=[row.pk for row in ledger], product=OuterRef("pk"))
                 .values("product").annotate(total=Sum("quantity")).values("total"))
    Product.objects.filter(pk__in={move.product_id for move in moves}).update(stock=F("stock") + Subquery(this_move))
    return moved


def stock_give_back(moves: Iterable[Move], *, kind: str, actor=None, reason: str = "") -> dict[str, int]:
    """Give units back to stock (cancelled, returned), locking their products in primary-key order; returns SKU ->
    units given back (untracked products are left out)."""
    moves = list(moves)
    return stock_move(moves, kind=kind, products=products_locked(move.product_id for move in moves), actor=actor,
                      reason=reason)
