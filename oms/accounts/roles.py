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
]

_MANAGER = [
    *_ORDER_ENTRY,
    "orders.change_price",
    "orders.edit_order",
    "orders.cancel_order",
    "orders.record_payment",
    "orders.record_shipment",
    "orders.change_status",
    "orders.view_dashboard",
]

_ADMINISTRATOR = [
    *_MANAGER,
    *_crud("auth", "user"),
    *_crud("auth", "group"),
    *_crud("catalog", "product"),
    *_crud("orders", "shippingmethod"),
    *_crud("orders", "taxrate"),
    *_crud("orders", "carrier"),
    *_crud("orders", "merchantsettings", ("view", "add", "change")),
    "customers.delete_customer",
    "customers.delete_address",
    # unlocking a locked-out login is deleting its access attempts in the admin
    *_crud("axes", "accessattempt", ("view", "delete")),
    # a lost phone: the administrator removes the user's devices, and the user sets up anew
    *_crud("otp_totp", "totpdevice", ("view", "delete")),
    *_crud("otp_static", "staticdevice", ("view", "delete")),
]

ROLES: dict[str, list[str]] = {
    ORDER_ENTRY: _ORDER_ENTRY,
    MANAGER: _MANAGER,
    ADMINISTRATOR: _ADMINISTRATOR,
}

# Members of these roles (and superusers) must use a second factor; others may.
TWO_FACTOR_ROLES = (MANAGER, ADMINISTRATOR)

# Logins that demo data creates; `manage.py check --deploy` refuses them outside DEBUG.
DEMO_USERNAMES = ("demo", "demo-entry", "demo-manager", "demo-admin")
