from django.contrib.auth.decorators import permission_required
from django.shortcuts import render

from oms.core.forms import SearchBoxForm
from oms.core.search import search_query

from .selectors import product_search_page


@permission_required("catalog.view_product", raise_exception=True)
def product_list(request):
    query = search_query(request)
    page = product_search_page(query, after=request.GET.get("after"), before=request.GET.get("before"))
    search_form = SearchBoxForm(query, help_text="Start of a SKU or of a word in the name.", focus=True)
    return render(request, "catalog/product_list.html", {"page": page, "query": query, "search_form": search_form})
