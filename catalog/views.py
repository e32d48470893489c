from django.contrib.auth.decorators import permission_required
from django.shortcuts import render

from oms.core.paging import page_of

from .selectors import product_search


@permission_required("catalog.view_product", raise_exception=True)
def product_list(request):
    query = request.GET.get("q", "").strip()[:200]
    page = page_of(product_search(query), request.GET.get("page"))
    return render(request, "catalog/product_list.html", {"page": page, "query": query})
