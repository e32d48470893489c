from decimal import Decimal

import factory
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group

from catalog.models import Product
from customers.models import Address, Customer
from oms.accounts.roles import ORDER_ENTRY
from orders.models import Order
from orders.pricing.models import ShippingMethod, TaxRate


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ["username"]
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"staff{n}")
    is_staff = True
    password = factory.django.Password("correct horse battery staple")

    @factory.post_generation
    def role(user, create, extracted, **kwargs):
        """Staff take orders (Order entry) unless told otherwise: role=MANAGER, or role="" for none."""
        role = ORDER_ENTRY if extracted is None else extracted
        if create and role:
            user.groups.add(Group.objects.get(name=role))


class CustomerFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Customer

    first_name = factory.Sequence(lambda n: f"Pat{n}")
    last_name = factory.Sequence(lambda n: f"Lastname{n}")
    company = ""
    email = factory.Sequence(lambda n: f"customer{n}@example.com")
    phone = factory.Sequence(lambda n: f"555-01{n:04d}")


class AddressFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Address

    customer = factory.SubFactory(CustomerFactory)
    name = factory.LazyAttribute(lambda address: address.customer.name)
    line1 = factory.Sequence(lambda n: f"{n + 1} Main St")
    city = "Portland"
    region = "OR"
    postal_code = "97201"
    country = "US"


def customer_with_address(**kwargs) -> Customer:
    customer = CustomerFactory(**kwargs)
    address = AddressFactory(customer=customer)
    customer.default_billing_address = customer.default_shipping_address = address
    customer.save()
    return customer


class ProductFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Product

    sku = factory.Sequence(lambda n: f"SKU-{n:05d}")
    name = factory.Sequence(lambda n: f"Product {n}")
    price = Decimal("10.00")
    stock = 100


class ShippingMethodFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ShippingMethod
        django_get_or_create = ["name"]

    name = "Ground"
    price = Decimal("5.00")


class TaxRateFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = TaxRate

    name = "Sales tax"
    rate = Decimal("8.000")


class OrderFactory(factory.Factory):
    """A placed order, made the way staff make one: through order_place (stock taken, totals computed).

    ``lines`` are (product, quantity) pairs; any OrderDraft field may be passed too."""

    class Meta:
        model = Order

    customer = factory.LazyFunction(customer_with_address)
    lines = factory.LazyFunction(lambda: [(ProductFactory(), 1)])
    shipping = factory.SubFactory(ShippingMethodFactory)

    @classmethod
    def _create(cls, model_class, customer, lines, shipping, placed_by=None, **fields):
        from tests.helpers import place

        pairs = [(product.pk, quantity) for product, quantity in lines]
        return place(customer, pairs, shipping, placed_by=placed_by, **fields).order
