"""Writes to the catalog that other apps make: the stock of products they have locked."""

from collections.abc import Iterable

from .models import Product


def stock_save(products: Iterable[Product]) -> None:
    """Write each product's ``stock`` as it stands on the instance, in one statement (bulk_update).

    The caller has locked the rows (select_for_update, in primary-key order) and computed the new figures under
    those locks."""
    Product.objects.bulk_update(list(products), ["stock"])
