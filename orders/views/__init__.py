from .cart import cart_add, cart_detail, cart_line, cart_paste, product_suggest
from .checkout import cart_checkout, checkout_review
from .customer_data import customer_erase_view, customer_export
from .dashboard import dashboard
from .documents import documents_batch, order_document
from .editing import (
    order_edit,
    order_edit_add,
    order_edit_discard,
    order_edit_discount,
    order_edit_line,
    order_edit_paste,
    order_edit_price,
    order_edit_start,
)
from .fulfilment import payment_new, shipment_new, shipment_resend
from .identify import cart_attach, cart_create_customer, cart_identify
from .listing import order_export, order_list
from .orders import (
    cart_discard,
    order_cancel_view,
    order_detail,
    order_email,
    order_new,
    order_note,
    order_reorder,
    order_resend_confirmation,
    order_status,
)
from .pricing import cart_custom_add, cart_custom_line, cart_discount, cart_price

__all__ = [
    "cart_add", "cart_attach", "cart_checkout", "cart_create_customer", "cart_custom_add", "cart_custom_line",
    "cart_detail", "cart_discard", "cart_discount", "cart_identify", "cart_line", "cart_paste", "cart_price",
    "checkout_review", "customer_erase_view", "customer_export", "dashboard", "documents_batch", "order_cancel_view",
    "order_detail", "order_document", "order_edit", "order_edit_add", "order_edit_discard", "order_edit_discount",
    "order_edit_line", "order_edit_paste", "order_edit_price", "order_edit_start", "order_email", "order_export",
    "order_list", "order_new", "order_note", "order_reorder", "order_resend_confirmation", "order_status",
    "payment_new", "product_suggest", "shipment_new", "shipment_resend",
]
