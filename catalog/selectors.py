"""Product searches, as branches of ordered index ranges (oms.core.seek) over the indexes of catalog 0003."""

from django.db.models import Value
from django.db.models.functions import Lower

from oms.core.paging import Page
from oms.core.seek import Branch, Key, Sql, byte_order, like_escape, seek_ids, seek_page, starts_with, upper_key

from .models import Product

TABLE = "catalog_product p"


def product_search_branches(query: str, *, active_only: bool = False) -> list[Branch]:
    """Products for a search term, grouped by what matched, each product once:

    1. the SKU starts with the term, by SKU;
    2. the name starts with it, by name;
    3. a later word of the name starts with it, by name. Found through the trigram index, these are read
       in full, but only when the first two groups leave room on the page.

    No term lists every product by SKU. Letters compare upper-cased, in byte order.
    """
    sku, name, number = Key(upper_key("p.sku")), Key(upper_key("p.name")), Key("p.id", int)
    active = Sql("p.is_active = %s", (True,)) if active_only else None
    query = " ".join(query.split())
    if not query:
        return [Branch(TABLE, active, (sku, number), row_id="p.id")]
    by_sku, by_name = starts_with(sku.sql, query), starts_with(name.sql, query)
    # UPPER(name) LIKE UPPER('% word%'): what the trigram index on UPPER(name) serves. Its matches are
    # sorted by name spelled so that no index matches it (|| ''): walking the name index instead, hoping
    # to meet a page of them early, reads the whole catalogue when the word is rare.
    by_word = Sql("UPPER(p.name) LIKE UPPER(%s) ESCAPE '\\'", (f"% {like_escape(query)}%",))
    sorted_name = Key(byte_order("UPPER(p.name) || ''"))
    conditions = [(by_sku, (sku, number)), (by_name & ~by_sku, (name, number)),
                  (by_word & ~(by_sku | by_name), (sorted_name, number))]
    return [Branch(TABLE, condition & active if active else condition, order, row_id="p.id", lazy=index == 2)
            for index, (condition, order) in enumerate(conditions)]


def product_search_page(query: str, *, active_only: bool = False, after: str | None = None,
                        before: str | None = None, per_page: int = 25) -> Page:
    """A page of products for a search term, ordered as product_search_branches says."""
    query = " ".join(query.split())
    return seek_page(product_search_branches(query, active_only=active_only), Product,
                     scope=f"products:{active_only}:{query}", after=after, before=before, per_page=per_page)


def product_search_ids(query: str, *, limit: int) -> list[int]:
    """The ids of the first ``limit`` products a search finds, in its order (for the admin)."""
    return seek_ids(product_search_branches(query), limit=limit)


def product_by_sku(sku: str) -> Product | None:
    """The product with this SKU, in any case (through the unique index on LOWER(sku))."""
    return Product.objects.alias(sku_lower=Lower("sku")).filter(sku_lower=Lower(Value(sku.strip()))).first()


def products_by_skus(skus) -> dict:
    """The products with these SKUs, in any case, in one query (through the unique index on LOWER(sku)),
    keyed by the lower-cased SKU."""
    keys = {sku.strip().lower() for sku in skus if sku.strip()}
    if not keys:
        return {}
    products = Product.objects.alias(sku_lower=Lower("sku")).filter(sku_lower__in=keys)
    return {product.sku.lower(): product for product in products}
