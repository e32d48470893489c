"""Demo data for trying the back office: products, customers, shipping, tax, a few orders and one login
per role (none a superuser).

Demo data goes only into a SQLite database (the development default) unless ``--any-database`` (or
``--logins``) says so: ``make run`` with a PostgreSQL DATABASE_URL must not fill it with 200 made-up customers.

Deterministic and idempotent: a second run finds the data and adds nothing. The logins have a published
password, so they are made only on a local SQLite database in development, or when ``--logins`` says so;
``manage.py check --deploy`` refuses them (accounts.E001).
"""

import random
import uuid
from decimal import Decimal

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.management.base import BaseCommand
from django.db import connection, transaction

from catalog.models import Product
from customers.models import Customer
from customers.services import customer_create
from oms.accounts.roles import DEMO_LOGINS
from orders.drafts import DraftLine, OrderDraft
from orders.models import Order, ShippingMethod, TaxRate
from orders.services import order_place

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
        self.seed_orders(rng, products, customers, users.get("demo-entry"))
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

    def seed_orders(self, rng, products, customers, user):
        shipping = ShippingMethod.objects.order_by("position").first()
        in_stock = [product for product in products if product.stock >= 20 or not product.track_inventory]
        for index in range(8):
            customer = customers[index * 7]
            address = customer.default_billing_address.as_snapshot()
            draft = OrderDraft(
                token=uuid.uuid5(uuid.NAMESPACE_URL, f"seed-demo-order-{index}"), customer_id=customer.pk,
                lines=tuple(DraftLine(product.pk, rng.randint(1, 3)) for product in rng.sample(in_stock, 3)),
                billing_address=address, shipping_address=address, shipping_method_id=shipping.pk,
                payment_method=Order.PaymentMethod.ON_ACCOUNT, channel=rng.choice(Order.Channel.values),
            )
            order_place(draft=draft, placed_by=user)
