from django.db.models import Q, QuerySet

from .models import Product


def product_search(query: str, *, active_only: bool = False) -> QuerySet[Product]:
    """SKU prefix or name prefix (of the name or of any word in it), case-insensitive."""
    products = Product.objects.filter(is_active=True) if active_only else Product.objects.all()
    query = " ".join(query.split())
    if not query:
        return products
    return products.filter(
        Q(sku__istartswith=query) | Q(name__istartswith=query) | Q(name__icontains=f" {query}")
    )


def product_by_sku(sku: str) -> Product | None:
    return Product.objects.filter(sku__iexact=sku.strip()).first()
