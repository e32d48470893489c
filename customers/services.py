import uuid

from django.db import transaction

from oms.webhooks.models import EventType
from oms.webhooks.services import webhook_emit

from .models import Address, Customer


@transaction.atomic
def customer_create(*, customer: dict, address: dict | None = None) -> Customer:
    """Create a customer; a given address becomes their default billing and shipping address."""
    created = Customer.objects.create(**customer)
    if address:
        address_add(customer=created, address=address, default_billing=True, default_shipping=True)
    _webhook_emit(EventType.CUSTOMER_CREATED, created)
    return created


def _webhook_emit(event_type: str, customer: Customer) -> None:
    """Tell the webhook endpoints that want it, in the change's transaction; one event id per call."""
    webhook_emit(event_type=event_type, event_id=f"evt_customer_{uuid.uuid4().hex}", data={
        "id": customer.pk, "number": customer.number, "name": customer.name, "company": customer.company,
        "email": customer.email})


def address_add(
    *, customer: Customer, address: dict, default_billing: bool = False, default_shipping: bool = False
) -> Address:
    """Add an address to a customer's book. Name, company and phone default to the customer's."""
    values = {"name": customer.name, "company": customer.company, "phone": customer.phone} | {
        key: value for key, value in address.items() if value not in (None, "")
    }
    added = Address.objects.create(customer=customer, **values)
    changed = []
    if default_billing:
        customer.default_billing_address = added
        changed.append("default_billing_address")
    if default_shipping:
        customer.default_shipping_address = added
        changed.append("default_shipping_address")
    if changed:
        customer.save(update_fields=[*changed, "updated_at"])
    return added


@transaction.atomic
def customer_update(*, customer: Customer, changes: dict) -> Customer:
    """Change a customer's own fields (name, company, email, phone, notes)."""
    for field, value in changes.items():
        setattr(customer, field, value)
    customer.save(update_fields=[*changes, "updated_at"])
    _webhook_emit(EventType.CUSTOMER_CHANGED, customer)
    return customer
