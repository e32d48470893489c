"""Product searches, as branches of ordered index ranges (oms.core.seek) over the indexes of catalog 0003."""

from django.db.models import Q, Value
from django.db.models.functions import Lower

from oms.core.paging import Page
from oms.core.seek import Branch, Prefix, seek_page, upper_key

from .models import Product

SKU, NAME = upper_key("sku"), upper_key("name")
BY_SKU = ("sku_key", "pk")
BY_NAME = ("name_key", "pk")


def product_search_branches(query: str, *, active_only: bool = False) -> list[Branch]:
    """Products for a search term, grouped by what matched, each product once:

    1. the SKU starts with the term, by SKU;
    2. the name starts with it, by name;
    3. a later word of the name starts with it, by name. Found through the trigram index, these are read
       in full, but only when the first two groups leave room on the page.

    No term lists every product by SKU. Letters compare upper-cased, in byte order.
    """
    products = Product.objects.annotate(sku_key=SKU, name_key=NAME)
    if active_only:
        products = products.filter(is_active=True)
    query = " ".join(query.split())
    if not query:
        return [Branch(products, BY_SKU)]
    by_sku, by_name = Q(Prefix(SKU, query)), Q(Prefix(NAME, query))
    by_word = Q(name__icontains=f" {query}")  # UPPER(name) LIKE UPPER('% word%'): the trigram index
    return [
        Branch(products, BY_SKU, where=by_sku),
        Branch(products, BY_NAME, where=by_name & ~by_sku),
        Branch(products, BY_NAME, where=by_word & ~(by_sku | by_name)),
    ]


def product_search_page(query: str, *, active_only: bool = False, after: str | None = None,
                        before: str | None = None, per_page: int = 25) -> Page:
    """A page of products for a search term, ordered as product_search_branches says."""
    query = " ".join(query.split())
    return seek_page(product_search_branches(query, active_only=active_only),
                     scope=f"products:{active_only}:{query}", after=after, before=before, per_page=per_page)


def product_search_ids(query: str, *, limit: int) -> list[int]:
    """The ids of the first ``limit`` products a search finds, in its order (for the admin)."""
    return [product.pk for product in product_search_page(query, per_page=limit)]


def product_by_sku(sku: str) -> Product | None:
    """The product with this SKU, in any case (through the unique index on LOWER(sku))."""
    return Product.objects.alias(sku_lower=Lower("sku")).filter(sku_lower=Lower(Value(sku.strip()))).first()
