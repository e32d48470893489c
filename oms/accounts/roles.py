"""The staff roles and what each may do: the one place that says so.

Each role is a group whose permissions are exactly its list here ("app_label.codename"); the
groups are brought back to these lists after every ``migrate`` (see ``services.roles_sync``).
"""

ORDER_ENTRY = "Order entry"
MANAGER = "Manager"
ADMINISTRATOR = "Administrator"


def _crud(app_label: str, model: str, actions=("add", "change", "delete", "view")) -> list[str]:
    return [f"{app_label}.{action}_{model}" for action in actions]


_ORDER_ENTRY = [
    *_crud("customers", "customer", ("view", "add", "change")),
    *_crud("customers", "address", ("view", "add", "change")),  # a customer's addresses are edited with it
    "catalog.view_product",  # the Products list and the cart's product search
    "orders.place_order",
    "orders.view_order",
    "orders.add_note",
    "orders.resend_confirmation",
    "orders.create_return",  # Return items: authorizing, not receiving or refunding
    # Quotes: save from the cart, revise, send, withdraw; converting one is placing an order (place_order)
    *_crud("orders", "quote", ("view", "add", "change")),
]

_MANAGER = [
    *_ORDER_ENTRY,
    "orders.change_price",
    "customers.change_customer_terms",  # what a customer pays (type, tax exemption, terms, credit limit), in the admin
    "orders.edit_order",
    "orders.cancel_order",
    "orders.record_payment",
    "orders.record_shipment",
    "orders.change_status",
    "orders.view_dashboard",
    "orders.receive_return",  # Receive return, Refund, Credit without a return
    "orders.cancel_remaining",
    "orders.hold_order",  # Put on hold, Release hold
    "catalog.receive_stock",  # Receive stock: into stock and to the orders waiting on backorder
]

_ADMINISTRATOR = [
    *_MANAGER,
    *_crud("auth", "user"),
    *_crud("auth", "group"),
    *_crud("catalog", "product"),
    "catalog.view_stockmovement",  # the stock ledger, read-only: stock changes through the services
    *_crud("orders", "shippingmethod"),
    *_crud("orders", "taxrate"),
    *_crud("orders", "pricereason"),
    *_crud("orders", "returnreason"),
    # returns, credit memos, refunds and store credit are read in the admin; they change only through the pages
    *[f"orders.view_{model}" for model in ("return", "creditmemo", "refund", "storecredit")],
    *_crud("customers", "customertype"),
    *_crud("customers", "typeprice"),
    *_crud("orders", "carrier"),
    *_crud("orders", "merchantsettings", ("view", "add", "change")),
    "customers.delete_customer",
    "customers.delete_address",
    # a customer's data: everything held about them as JSON, and erasing them (both audited)
    "customers.export_customer_data",
    "customers.erase_customer",
    # unlocking a locked-out login is deleting its access attempts in the admin
    *_crud("axes", "accessattempt", ("view", "delete")),
    # a lost phone: the administrator removes the user's devices, and the user sets up anew
    *_crud("otp_totp", "totpdevice", ("view", "delete")),
    *_crud("otp_static", "staticdevice", ("view", "delete")),
    # the audit trail, read-only in the admin (Log entries)
    "auditlog.view_logentry",
    # webhooks: the endpoints, and the delivery log (read-only) with Resend
    *_crud("webhooks", "endpoint"),
    "webhooks.view_delivery",
    "webhooks.resend_delivery",
]

ROLES: dict[str, list[str]] = {
    ORDER_ENTRY: _ORDER_ENTRY,
    MANAGER: _MANAGER,
    ADMINISTRATOR: _ADMINISTRATOR,
}

# Members of these roles (and superusers) must use a second factor; others may.
TWO_FACTOR_ROLES = (MANAGER, ADMINISTRATOR)

# Logins that demo data creates, one per role (`seed_demo`); `manage.py check --deploy` refuses them, and
# the superuser "demo" that older demo data made, outside DEBUG.
DEMO_LOGINS = {"demo-entry": ORDER_ENTRY, "demo-manager": MANAGER, "demo-admin": ADMINISTRATOR}
DEMO_USERNAMES = ("demo", *DEMO_LOGINS)
