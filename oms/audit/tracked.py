"""What the audit trail records: every create, change (each field before and after) and delete of these
models, from our pages, the admin or a command; users' group membership and permissions too.

Orders and their lines are not here: an order's own timeline (OrderEvent) records what happens to it,
and placing an order writes none of these rows (stock moves by bulk UPDATE, which sends no signal).
"""

from auditlog.registry import auditlog
from django.apps import apps

NOT_WORTH_RECORDING = ["created_at", "updated_at"]
HIDDEN = "[hidden]"

TRACKED = {
    "customers.Customer": {"exclude_fields": NOT_WORTH_RECORDING},
    "customers.Address": {},
    "catalog.Product": {"exclude_fields": NOT_WORTH_RECORDING},
    "orders.ShippingMethod": {},
    "orders.TaxRate": {},
    "orders.PriceReason": {},
    "customers.CustomerType": {},
    "customers.TypePrice": {},
    # a login is no change; a password's hash is recorded as changed, nothing of its value (hide_value)
    "auth.User": {"exclude_fields": ["last_login"], "mask_fields": ["password"],
                  "mask_callable": "oms.audit.tracked.hide_value",
                  "m2m_fields": {"groups", "user_permissions"}},
    "auth.Group": {"m2m_fields": {"permissions"}},
}


def hide_value(value: str) -> str:
    """What the trail keeps of a masked field: whether it holds a value, nothing of the value (django-auditlog's
    own mask keeps half of it: of a password hash, the algorithm, its parameters and part of the salt)."""
    return HIDDEN if value else ""


def track() -> None:
    for label, options in TRACKED.items():
        model = apps.get_model(label)
        if not auditlog.contains(model):
            auditlog.register(model, **options)
