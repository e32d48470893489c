"""Writes to the catalog that other apps make: the stock of products they have locked."""

from collections.abc import Iterable

from .models import Product


def stock_save(products: Iterable[Product]) -> None:
    """Write each product's ``stock`` as it stands on the instance, in one statement (bulk_update).

    The caller has locked the rows (select_for_update, in primary-key order) and computed the new figures under
    those locks."""
    Product.objects.bulk_update(list(products), ["stock"])


def stock_give_back(quantities: dict[int, int]) -> dict[str, int]:
    """Give ``quantities`` (product id -> units) back to the tracked products among them, locked in primary-key
    order as placing locks them; returns SKU -> units given back (untracked products are left out)."""
    products = list(Product.objects.select_for_update().filter(pk__in=quantities, track_inventory=True)
                    .order_by("pk"))
    for product in products:
        product.stock += quantities[product.pk]
    stock_save(products)
    return {product.sku: quantities[product.pk] for product in products}
