"""Demo data for trying the back office: products, customers, shipping, tax, carriers, a few orders and one
login per role (none a superuser).

The orders are taken on to different points of their life through the same services staff use, so that every
button of the order page has an order to try it on: placed ones (Edit order, Cancel order, Mark processing, Mark
shipped, Record payment), one processing, one partially shipped, one shipped with a balance due (Mark completed),
one completed and paid, one cancelled. The newest waits on backorder for CHR-001, a product with little stock that
allows backorders (Products → Receive stock allocates to it; Mark shipped offers only what is allocated). The
first customer is near their credit limit: it is what they owe on account and less than $150 more.

Demo data goes only into a SQLite database (the development default) unless ``--any-database`` (or
``--logins``) says so: ``make run`` with a PostgreSQL DATABASE_URL must not fill it with 200 made-up customers.

Deterministic and idempotent: a second run finds the data and adds nothing. The logins have a published
password, so they are made only on a local SQLite database in development, or when ``--logins`` says so;
``manage.py check --deploy`` refuses them (accounts.E001).
"""

import random
import uuid
from decimal import ROUND_CEILING, Decimal

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.management.base import BaseCommand
from django.db import connection, transaction
from django.utils import timezone

from catalog.models import Product
from customers.models import Customer
from customers.services import customer_create
from oms.accounts.roles import DEMO_LOGINS
from orders.changes.services import order_cancel, order_status_change
from orders.fulfilment.models import Carrier
from orders.fulfilment.services import ShipmentRequest, shipment_record
from orders.models import Order, ReturnReason
from orders.ordering.checkout import DraftLine, OrderDraft
from orders.ordering.placing import order_place
from orders.payments.selectors import credit_exposure
from orders.payments.services import payment_record, refund_record
from orders.payments.terms import balance_due, owed_to_customer
from orders.pricing.models import ShippingMethod, TaxRate
from orders.returns.services import ReturnRequest, return_create, return_receive
from orders.services import order_note_add

FIRST_NAMES = ["James", "Mary", "Robert", "Patricia", "John", "Jennifer", "Michael", "Linda", "David",
               "Elizabeth", "William", "Barbara", "Richard", "Susan", "Joseph", "Jessica", "Thomas",
               "Sarah", "Carlos", "Karen", "Daniel", "Lisa", "Ahmed", "Nancy", "Wei", "Betty", "Anil",
               "Margaret", "Kenji", "Sandra"]
LAST_NAMES = ["Smith", "Johnson", "Williams", "Brown", "Jones", "Garcia", "Miller", "Davis", "Rodriguez",
              "Martinez", "Hernandez", "Lopez", "Gonzalez", "Wilson", "Anderson", "Thomas", "Taylor",
              "Moore", "Jackson", "Martin", "Lee", "Perez", "Thompson", "White", "Harris", "Sanchez",
              "Clark", "Ramirez", "Lewis", "Robinson", "Walker", "Young", "Allen", "King", "Wright",
              "Scott", "Torres", "Nguyen", "Hill", "Flores"]
COMPANIES = ["Acme Supply", "Blue Ridge Hardware", "Cedar Lane Cafe", "Delta Office Goods", "Evergreen Clinic",
             "Fairview School District", "Granite Builders", "Harbor Marine", "Ironwood Labs", "Juniper Florist"]
CITIES = [("Portland", "OR", "97201"), ("Austin", "TX", "78701"), ("Denver", "CO", "80202"),
          ("Columbus", "OH", "43215"), ("Raleigh", "NC", "27601"), ("Madison", "WI", "53703"),
          ("Boise", "ID", "83702"), ("Albany", "NY", "12207"), ("Tucson", "AZ", "85701"), ("Omaha", "NE", "68102")]
STREETS = ["Main St", "Oak Ave", "Maple Dr", "Cedar Ln", "Park Blvd", "Lakeview Rd", "Hillcrest Way", "2nd St"]
PRODUCTS = [("WID", "Widget", "9.50"), ("GAD", "Gadget", "24.00"), ("BOLT", "Hex bolt", "0.35"),
            ("NUT", "Lock nut", "0.20"), ("CBL", "Cable", "7.99"), ("LMP", "Desk lamp", "39.00"),
            ("PAP", "Copy paper", "5.49"), ("INK", "Ink cartridge", "18.75"), ("MUG", "Coffee mug", "6.00"),
            ("TAPE", "Packing tape", "3.25")]
VARIANTS = ["small", "medium", "large", "blue", "black"]

DEMO_PASSWORD = "demo-password"
CARRIERS = [("UPS", "https://www.ups.com/track?tracknum={number}"),
            ("FedEx", "https://www.fedex.com/fedextrack/?trknbr={number}"),
            ("USPS", "https://tools.usps.com/go/TrackConfirmAction?tLabels={number}")]
# What happens to each demo order after it is placed, in order (see the module's docstring).
ORDER_STEPS = [
    (),
    ("note",),
    ("processing",),
    ("processing", "ship one line", "pay half"),
    ("ship", "pay half"),
    ("ship", "pay in full", "complete"),
    ("cancel",),
    ("pay half",),
    ("ship", "pay in full", "return one", "refund"),
]


class Command(BaseCommand):
    help = "Load demo products, customers, shipping methods, a tax rate and a few orders (idempotent)."

    def add_arguments(self, parser):
        parser.add_argument("--logins", action="store_true",
                            help="make the demo logins on any database (they are made by default only on "
                                 "SQLite with DEBUG on); check --deploy fails while they exist")
        parser.add_argument("--any-database", action="store_true",
                            help="load the demo data into a database other than SQLite (by default it goes "
                                 "only into SQLite, the development default)")

    def handle(self, *args, **options):
        if connection.vendor != "sqlite" and not (options["any_database"] or options["logins"]):
            self.stdout.write(f"No demo data added: this is a {connection.vendor} database, and demo data goes "
                              "only into SQLite unless --any-database says so (make run DEMO_DATA=1).")
            return
        rng = random.Random(20261127)
        with transaction.atomic():
            self.seed_reference_data()
            products = self.seed_products(rng)
            customers = self.seed_customers(rng)
        users = self.seed_users(options["logins"])
        self.seed_orders(rng, products, customers, users.get("demo-entry"), users.get("demo-manager"))
        self.seed_backorder(customers[99], users.get("demo-entry"))
        self.seed_credit_limit(customers[0])
        self.stdout.write(self.style.SUCCESS(
            f"Demo data ready: {Product.objects.count()} products, {Customer.objects.count()} customers, "
            f"{Order.objects.count()} orders."
        ))
        for username, role in DEMO_LOGINS.items():
            if username in users:
                self.stdout.write(self.style.SUCCESS(
                    f"Demo login ({role}): username {username!r}, password {DEMO_PASSWORD!r}"))

    def seed_reference_data(self):
        for position, (name, price) in enumerate([("Ground", "8.95"), ("Two-day", "19.50"), ("Overnight", "34.00")]):
            ShippingMethod.objects.get_or_create(name=name, defaults={"price": Decimal(price), "position": position})
        if not TaxRate.objects.exists():
            TaxRate.objects.create(name="State sales tax", rate=Decimal("7.250"))
        for position, (name, tracking_url) in enumerate(CARRIERS):
            Carrier.objects.get_or_create(name=name, defaults={"tracking_url": tracking_url, "position": position})

    def seed_products(self, rng):
        products = []
        for prefix, name, price in PRODUCTS:
            for number, variant in enumerate(VARIANTS, start=1):
                sku = f"{prefix}-{number:03d}"
                product, _ = Product.objects.get_or_create(
                    sku=sku,
                    defaults={
                        "name": f"{name}, {variant}",
                        "description": f"{name} ({variant}).",
                        "price": Decimal(price) + Decimal(number - 1) * Decimal("0.50"),
                        "stock": rng.choice([0, 3, 12, 40, 250, 1000]),
                        "track_inventory": prefix != "PAP",
                    },
                )
                products.append(product)
        return products

    def seed_customers(self, rng):
        if Customer.objects.count() >= 200:
            return list(Customer.objects.order_by("pk")[:200])
        customers = []
        for index in range(200):
            first, last = rng.choice(FIRST_NAMES), rng.choice(LAST_NAMES)
            company = rng.choice(COMPANIES) if index % 3 == 0 else ""
            city, region, postal_code = rng.choice(CITIES)
            email = f"{first}.{last}{index}@example.com".lower() if index % 10 else ""
            customers.append(customer_create(
                customer={"first_name": first, "last_name": last, "company": company, "email": email,
                          "phone": f"555-{rng.randint(100, 999)}-{rng.randint(1000, 9999)}"},
                address={"line1": f"{rng.randint(1, 9999)} {rng.choice(STREETS)}", "city": city,
                         "region": region, "postal_code": postal_code, "country": "US"},
            ))
        return customers

    def seed_users(self, wanted: bool) -> dict:
        if not (wanted or (settings.DEBUG and connection.vendor == "sqlite")):
            self.stdout.write("No demo logins outside a development SQLite database (--logins makes them): "
                              "create a user with manage.py createsuperuser.")
            return {}
        users = {}
        for username, role in DEMO_LOGINS.items():
            user, created = get_user_model().objects.get_or_create(username=username, defaults={"is_staff": True})
            if created:
                user.set_password(DEMO_PASSWORD)
                user.save()
                user.groups.add(Group.objects.get(name=role))
            users[username] = user
        return users

    def seed_orders(self, rng, products, customers, user, manager):
        shipping = ShippingMethod.objects.order_by("position").first()
        in_stock = [product for product in products if product.stock >= 20 or not product.track_inventory]
        for index, steps in enumerate(ORDER_STEPS):
            customer = customers[index * 7]
            address = customer.default_billing_address.as_snapshot()
            draft = OrderDraft(
                token=uuid.uuid5(uuid.NAMESPACE_URL, f"seed-demo-order-{index}"), customer_id=customer.pk,
                lines=tuple(DraftLine(product.pk, rng.randint(1, 3)) for product in rng.sample(in_stock, 3)),
                billing_address=address, shipping_address=address, shipping_method_id=shipping.pk,
                payment_method=Order.PaymentMethod.ON_ACCOUNT, channel=rng.choice(Order.Channel.values),
            )
            placed = order_place(draft=draft, placed_by=user)
            if placed.created:
                self.take_order_on(placed.order, steps, manager)

    @staticmethod
    def seed_backorder(customer, user):
        """A product that allows backorders, with 4 in stock, and an order for 10 of it placed through order_place:
        "4 in stock, 6 on backorder" until Receive stock of CHR-001 allocates 6 to it."""
        chair, _ = Product.objects.get_or_create(sku="CHR-001", defaults={
            "name": "Office chair, mesh", "description": "Office chair (mesh), made to order.",
            "price": Decimal("149.00"), "stock": 4, "allow_backorders": True})
        address = customer.default_billing_address.as_snapshot()
        order_place(placed_by=user, draft=OrderDraft(
            token=uuid.uuid5(uuid.NAMESPACE_URL, "seed-demo-order-backorder"), customer_id=customer.pk,
            lines=(DraftLine(chair.pk, 10),), billing_address=address, shipping_address=address,
            shipping_method_id=ShippingMethod.objects.order_by("position").first().pk,
            payment_method=Order.PaymentMethod.ON_ACCOUNT, channel=Order.Channel.PHONE))

    def seed_credit_limit(self, customer):
        """A limit just above what the customer owes on credit (their demo order, on account): the record and the
        cart show a small Available credit, and an order of a few more items on account is placed on hold."""
        customer = Customer.objects.select_related("customer_type").get(pk=customer.pk)
        if customer.credit_limit is None:
            owed = credit_exposure(customer).exposure
            customer.credit_limit = (owed / 100).to_integral_value(ROUND_CEILING) * 100 + 50
            customer.save(update_fields=["credit_limit"])
        self.stdout.write(f"Near their credit limit: {customer.name} ({customer.number}), "
                          f"Credit limit {customer.credit_limit}.")

    @staticmethod
    def take_order_on(order, steps, actor):
        """Do ``steps`` to ``order`` as staff would (ORDER_STEPS), each through its service."""
        today = timezone.localdate()
        carrier = Carrier.objects.order_by("position").first()
        for number, step in enumerate(steps, start=1):
            order = Order.objects.get(pk=order.pk)
            if step == "note":
                order_note_add(order=order, text="Customer asked for delivery after 3pm.", visible_to_customer=False,
                               actor=actor)
            elif step in ("processing", "complete"):
                status = Order.Status.PROCESSING if step == "processing" else Order.Status.COMPLETED
                order_status_change(order=order, status=status, actor=actor)
            elif step in ("ship", "ship one line"):
                first = order.lines.order_by("pk").first()
                shipment_record(order=order, actor=actor, request=ShipmentRequest(
                    carrier=carrier, tracking_numbers=[f"1Z999AA1{order.number:06d}{number}"], shipped_on=today,
                    quantities={first.pk: first.quantity} if step == "ship one line" else None))
            elif step in ("pay half", "pay in full"):
                amount = balance_due(order) if step == "pay in full" else (order.total / 2).quantize(Decimal("0.01"))
                payment_record(order=order, amount=amount, method="check", reference=f"Check {1000 + order.number}",
                               received_on=today, actor=actor)
            elif step == "return one":  # one unit of the first line comes back, resaleable, and is received
                first = order.lines.order_by("pk").first()
                ret = return_create(customer=order.customer, actor=actor, request=ReturnRequest(
                    quantities={first.pk: 1}, reason=ReturnReason.objects.order_by("position").first()))
                return_receive(ret=ret, received={line.pk: line.quantity for line in ret.lines.all()}, actor=actor)
            elif step == "refund":
                refund_record(order=order, amount=owed_to_customer(order), method="check",
                              reference=f"Check {2000 + order.number}", actor=actor)
            elif step == "cancel":
                order_cancel(order=order, reason="Customer found it cheaper elsewhere.", actor=actor)
