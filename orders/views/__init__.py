from .checkout import cart_checkout, checkout_review
from .customer_data import customer_erase_view, customer_export
from .dashboard import dashboard
from .documents import documents_batch, order_document
from .editing import order_edit, order_edit_discard, order_edit_start
from .fulfilment import payment_new, shipment_new, shipment_resend
from .identify import cart_attach, cart_create_customer, cart_identify
from .lines import (
    lines_add,
    lines_custom,
    lines_discount,
    lines_line,
    lines_page,
    lines_paste,
    lines_price,
    product_suggest,
)
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

__all__ = [
    "cart_attach", "cart_checkout", "cart_create_customer", "cart_discard", "cart_identify", "checkout_review",
    "customer_erase_view", "customer_export", "dashboard", "documents_batch", "lines_add", "lines_custom",
    "lines_discount", "lines_line", "lines_page", "lines_paste", "lines_price", "order_cancel_view", "order_detail",
    "order_document", "order_edit", "order_edit_discard", "order_edit_start", "order_email", "order_export",
    "order_list", "order_new", "order_note", "order_reorder", "order_resend_confirmation", "order_status",
    "payment_new", "product_suggest", "shipment_new", "shipment_resend",
]
