"""Products: the Products list's search, and a product with its stock, free stock and price for a customer type."""

from django.http import Http404
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework.response import Response

from catalog.selectors import product_search_page
from oms.api.serializers import ProductPage, ProductSerializer
from oms.core.forms import parse_id
from oms.core.search import search_capped
from orders.pricing.selectors import products_priced_for

from .base import ApiView

PRICE_FOR = OpenApiParameter("price_for", OpenApiTypes.INT, description="A customer type's id: `price_for` is "
                             "the product's price in that type's price table (null when it has none).")




def _priced(ids: list[int], price_for) -> list:
    """The products ``ids`` in that order, each with the units reserved and the price for the customer type."""
    found = products_priced_for(parse_id(price_for), ids)
    products = [found[pk] for pk in ids if pk in found]
    for product in products:
        product.price_for = getattr(product, "level_price", None)
    return products


class ProductListView(ApiView):
    """Products: the Products page's search by SKU or name, 25 a page."""

    permissions = {"GET": "catalog.view_product"}

    @extend_schema(parameters=[OpenApiParameter("q", OpenApiTypes.STR, description="Start of a SKU or of a word in "
                                                "the name."), OpenApiParameter("after", OpenApiTypes.STR), PRICE_FOR],
                   responses=ProductPage, operation_id="products_list", summary="Search products")
    def get(self, request):
        query, _ = search_capped(request.query_params.get("q", ""))
        page = product_search_page(query, after=request.query_params.get("after"))
        products = _priced([product.pk for product in page.object_list], request.query_params.get("price_for"))
        return Response({"results": ProductSerializer(products, many=True).data, "next": page.next_cursor})


class ProductDetailView(ApiView):
    """A product with its stock, free stock and (with `price_for`) a customer type's price."""

    permissions = {"GET": "catalog.view_product"}

    @extend_schema(parameters=[PRICE_FOR], responses=ProductSerializer,
                   operation_id="products_read", summary="Read a product")
    def get(self, request, pk: int):
        products = _priced([pk], request.query_params.get("price_for"))
        if not products:
            raise Http404
        return Response(ProductSerializer(products[0]).data)
