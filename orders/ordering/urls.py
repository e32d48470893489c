"""Taking an order: the cart, Identify, checkout, and the line editor's actions on either store."""

from django.urls import path

from orders.ordering.views import carts, checkout, identify, lines, quotes

# The line editor's actions, the same on every kind of line store: "<kind>_<action>" under the store's own URL
# (the cart's id; the order's number and the edit's id), the kind passed to the view.
LINE_ACTIONS = [
    ("add/", lines.lines_add, "add"),
    ("lines/", lines.lines_line, "line"),  # the line in the form: one URL for every line
    ("paste/", lines.lines_paste, "paste"),
    ("price/", lines.lines_price, "price"),  # ?line=<product>
    ("discount/", lines.lines_discount, "discount"),
    ("custom/", lines.lines_custom, "custom"),
    ("products/", lines.product_suggest, "products"),
]
REVISION = "quotes/<id:quote_number>/revise/<str:revision_id>/"
urlpatterns = [
    path("new/", carts.order_new, name="new"),
    path("cart/<str:cart_id>/", lines.lines_page, {"kind": "cart"}, name="cart"),
    path("cart/<str:cart_id>/identify/", identify.cart_identify, name="identify"),
    path("cart/<str:cart_id>/attach/", identify.cart_attach, name="attach"),
    path("cart/<str:cart_id>/customers/new/", identify.cart_create_customer, name="create_customer"),
    path("cart/<str:cart_id>/checkout/", checkout.cart_checkout, name="checkout"),
    path("cart/<str:cart_id>/checkout/review/", checkout.checkout_review, name="checkout_review"),
    path("cart/<str:cart_id>/discard/", carts.cart_discard, name="discard"),
    *(path(f"cart/<str:cart_id>/{route}", view, {"kind": "cart"}, name=f"cart_{name}")
      for route, view, name in LINE_ACTIONS),
    *(path(f"<id:number>/edit/<str:edit_id>/{route}", view, {"kind": "edit"}, name=f"edit_{name}")
      for route, view, name in LINE_ACTIONS),
    # a quote: saved from the cart, revised in the line editor, converted into a cart at checkout
    path("cart/<str:cart_id>/quote/", quotes.cart_save_quote, name="cart_save_quote"),
    path("quotes/<id:quote_number>/convert/", quotes.quote_convert, name="quote_convert"),
    path("quotes/<id:quote_number>/revise/", quotes.quote_revise_start, name="quote_revise"),
    path(f"{REVISION}", lines.lines_page, {"kind": "quote_edit"}, name="quote_edit"),
    path(f"{REVISION}save/", quotes.quote_edit_save, name="quote_edit_save"),
    path(f"{REVISION}discard/", quotes.quote_edit_discard, name="quote_edit_discard"),
    *(path(f"{REVISION}{route}", view, {"kind": "quote_edit"}, name=f"quote_edit_{name}")
      for route, view, name in LINE_ACTIONS),
]
