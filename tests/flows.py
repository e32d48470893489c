"""The walk of an order's life by the pages staff use (tests/test_flows.py runs it): ``OrderLife``, a hypothesis
state machine whose rules are what a desk does, with values at the limits, each as a role the strategy picks,
and whose invariants are what must hold after every step."""

import io
import re
import uuid
from collections import Counter
from decimal import Decimal

from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.db.models import Sum
from django.urls import reverse
from django.utils import timezone
from hypothesis import strategies as st
from hypothesis.stateful import (
    Bundle,
    RuleBasedStateMachine,
    consumes,
    initialize,
    invariant,
    multiple,
    rule,
)
from PIL import Image

from catalog.models import Product
from customers.models import Address, Customer, CustomerType
from oms.accounts.roles import ADMINISTRATOR, MANAGER, ORDER_ENTRY
from oms.core.money import MAX_AMOUNT
from orders.fulfilment.models import Carrier, MerchantSettings
from orders.models import Order, OrderEvent, OrderLine
from orders.payments.models import Payment
from tests.factories import ProductFactory, ShippingMethodFactory, TaxRateFactory, customer_with_address
from tests.helpers import checkout_form, forms_by_action, logged_in, submitted_data

ROLES = [ORDER_ENTRY, MANAGER, ADMINISTRATOR]

# What staff type, at and past the limits the forms know of: the largest price and quantity, zero, non-ASCII
# digits, grouping, exponents, percent discounts from nothing to everything.
PRICES = st.one_of(
    st.sampled_from(["0.00", "0.01", "9,999,999,999.99", "9999999999.99", "4999999999.995", "10000000000",
                     "1e3", "²", "-1", "12.345"]),
    st.decimals(min_value=0, max_value=MAX_AMOUNT, places=2).map(str),
)
QUANTITIES = st.one_of(st.sampled_from(["1", "2", "9999", "32767", "2147483647", "2147483648", "0", "-1", "٣"]),
                       st.integers(min_value=1, max_value=40).map(str))
DISCOUNTS = st.one_of(st.sampled_from(["100%", "0%", "99.99%", "100.01%", "0.01", "9999999999.99", "5"]),
                      st.decimals(min_value=0, max_value=1000, places=2).map(str))
NAMES = st.one_of(st.sampled_from(["Ångström", "O'Brien <b>&amp;", "x" * 100, "Zoë 张伟", "٣٣"]),
                  st.text(st.characters(codec="utf-8", exclude_categories=["Cs", "Cc"]), min_size=1, max_size=30))
ROLE = st.sampled_from([MANAGER, ORDER_ENTRY, ADMINISTRATOR, MANAGER])  # the refusals walked, not only them
PAYMENTS = st.one_of(st.sampled_from(["0.01", "10.00", "1e1", "٣"]), st.decimals(min_value=Decimal("0.01"),
                     max_value=100, places=2).map(str), PRICES)
REACHED: Counter = Counter()  # what the walks got done, over all examples: a walk that never places is no test


class OrderLife(RuleBasedStateMachine):
    """One walk: a catalog, price levels, customers and a logged-in client per role, all inside a savepoint
    that the walk's end rolls back, so walks do not see each other's rows."""

    carts = Bundle("carts")  # (role, cart id): a cart lives in the session of the client that started it
    orders = Bundle("orders")  # order numbers

    def __init__(self):
        super().__init__()
        self.savepoint = transaction.atomic()
        self.savepoint.__enter__()
        ShippingMethodFactory(price=Decimal("10.00"))
        TaxRateFactory(rate=Decimal("9.999"))
        Carrier.objects.create(name="UPS", tracking_url="https://ups.example/track?n={number}")
        self.products = [
            ProductFactory(sku="TOP", price=MAX_AMOUNT, stock=2_000_000_000),
            ProductFactory(sku="CENT", price=Decimal("0.01"), stock=3),
            ProductFactory(sku="MID", price=Decimal("19.99"), stock=50),
            ProductFactory(sku="UNTRACKED", price=Decimal("333.33"), stock=0, track_inventory=False),
        ]
        self.stock = {product.pk: product.stock for product in self.products}
        self.types = [
            CustomerType.objects.create(name="All off", percent_off=Decimal("100"), tax_exempt=True,
                                        payment_terms_days=32767),
            CustomerType.objects.create(name="Odd off", percent_off=Decimal("33.33"), payment_terms_days=0),
        ]
        self.customers = [customer_with_address(last_name="Plain"),
                          customer_with_address(last_name="Free", customer_type=self.types[0])]
        self.clients = {role: logged_in(role, f"flow-{role}".replace(" ", "-").lower())[0] for role in ROLES}
        for client in self.clients.values():
            client.raise_request_exception = False  # a 500 is a finding to report with its step
        self.steps = 0
        self.placed = 0  # orders a checkout answered with the order's page
        self.touched: set[int] = set()  # orders whose pages the next check reads
        self.customers_touched = {customer.pk for customer in self.customers}
        # The admin's lists of what a walk writes (its lines are an inline of the order's page).
        self.admin_lists = [reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_changelist")
                            for model in (Order, Customer, Address, CustomerType, Product, MerchantSettings)]

    def teardown(self):
        from orders.fulfilment.models import Shipment

        REACHED.update(orders=Order.objects.count(), shipments=Shipment.objects.count(),
                       payments=Payment.objects.count(), steps=self.steps,
                       cancelled=Order.objects.filter(status=Order.Status.CANCELLED).count(),
                       edited=OrderEvent.objects.filter(kind=OrderEvent.Kind.EDITED).count())
        transaction.set_rollback(True)
        self.savepoint.__exit__(None, None, None)

    # -- helpers ------------------------------------------------------------------------------------------------

    def post(self, role, url, data=None, **extra):
        response = self.clients[role].post(url, data or {}, **extra)
        assert response.status_code < 500, f"{role} POST {url} {data!r:.300}: {response.status_code}"
        return response

    def cart_id(self, response):
        found = re.search(r"/orders/cart/([^/]+)/", response.get("Location", ""))
        return found.group(1) if response.status_code == 302 and found else None

    # -- taking an order -----------------------------------------------------------------------------------------

    @rule(target=carts, role=ROLE, customer=st.integers(min_value=0))
    def start_for_a_customer(self, role, customer):
        customer = self.customers[customer % len(self.customers)]
        cart_id = self.cart_id(self.post(role, reverse("orders:new"), {"customer_id": customer.pk}))
        return (role, cart_id) if cart_id else multiple()

    @rule(target=carts, role=ROLE, first=NAMES, last=NAMES, company=NAMES)
    def start_with_a_new_customer(self, role, first, last, company):
        cart_id = self.cart_id(self.post(role, reverse("orders:new")))
        if not cart_id:
            return multiple()
        response = self.post(role, reverse("orders:create_customer", args=[cart_id]), {
            "new-first_name": first, "new-last_name": last, "new-company": company, "new-email": "",
            "new-line1": "1 Long Road " + company, "new-city": last, "new-postal_code": "97201", "new-country": "US",
            "new-create_anyway": "on"})
        if response.status_code == 302:
            created = Customer.objects.order_by("-pk").first()
            self.customers.append(created)
            self.customers_touched.add(created.pk)
        return role, cart_id

    @rule(cart=carts, product=st.integers(min_value=0), quantity=QUANTITIES)
    def add_item(self, cart, product, quantity):
        role, cart_id = cart
        sku = self.products[product % len(self.products)].sku
        self.post(role, reverse("orders:cart_add", args=[cart_id]), {"query": sku, "quantity": quantity})

    @rule(cart=carts, price=PRICES, quantity=QUANTITIES, taxable=st.booleans())
    def add_custom_item(self, cart, price, quantity, taxable):
        role, cart_id = cart
        self.post(role, reverse("orders:cart_custom", args=[cart_id]), {
            "custom-description": "Setup fee", "custom-unit_price": price, "custom-quantity": quantity,
            **({"custom-taxable": "on"} if taxable else {})})

    @rule(cart=carts, product=st.integers(min_value=0), price=PRICES)
    def change_price(self, cart, product, price):
        role, cart_id = cart
        product = self.products[product % len(self.products)]
        self.post(role, f"{reverse('orders:cart_price', args=[cart_id])}?line={product.pk}",
                  {"price": price, "reason": "Price match"})

    @rule(cart=carts, discount=DISCOUNTS)
    def discount(self, cart, discount):
        role, cart_id = cart
        self.post(role, reverse("orders:cart_discount", args=[cart_id]),
                  {"discount-discount": discount, "discount-reason": "Loyal customer"})

    @rule(target=orders, cart=consumes(carts), twice=st.booleans(), send=st.booleans())
    def checkout(self, cart, twice, send):
        role, cart_id = cart
        client, url = self.clients[role], reverse("orders:checkout", args=[cart_id])
        page = client.get(url)
        assert page.status_code < 500, f"{role} GET checkout: {page.status_code}"
        if page.status_code != 200:
            return multiple()
        data = checkout_form(client, cart_id, send_confirmation="on" if send else None)
        before = Order.objects.count()
        first = self.post(role, url, data)
        if twice:  # a double click, or Back and submit: the same order, not a second one
            again = self.post(role, url, data)
            if first.status_code == 302:
                assert again.status_code == 302 and again["Location"] == first["Location"]
        placed = first.status_code == 302 and "/cart/" not in first["Location"]
        assert Order.objects.count() == before + placed, "a checkout placed a number of orders other than 0 or 1"
        if not placed:
            return multiple()
        self.placed += 1
        order = Order.objects.latest("pk")
        self.touched.add(order.number)
        self.customers_touched.add(order.customer_id)
        return order.number

    @initialize(target=orders)
    def an_order_on_the_books(self):
        """Each walk starts with one order placed the plain way, so that every walk can ship, pay and edit."""
        cart_id = self.cart_id(self.post(MANAGER, reverse("orders:new"), {"customer_id": self.customers[0].pk}))
        self.post(MANAGER, reverse("orders:cart_add", args=[cart_id]), {"query": "MID", "quantity": "2"})
        return self.checkout((MANAGER, cart_id), twice=False, send=True)

    # -- after placing -------------------------------------------------------------------------------------------

    @rule(role=ROLE, number=orders, product=st.integers(min_value=0), quantity=QUANTITIES, price=PRICES)
    def edit(self, role, number, product, quantity, price):
        start = self.post(role, reverse("orders:edit_start", args=[number]))
        found = re.search(r"/edit/([^/]+)/$", start.get("Location", ""))
        if start.status_code != 302 or not found:
            return
        edit_id, sku = found.group(1), self.products[product % len(self.products)].sku
        self.post(role, reverse("orders:edit_add", args=[number, edit_id]), {"query": sku, "quantity": quantity})
        self.post(role, reverse("orders:edit_custom", args=[number, edit_id]), {
            "custom-description": "Freight", "custom-unit_price": price, "custom-quantity": "1"})
        page = self.clients[role].get(reverse("orders:edit", args=[number, edit_id]))
        assert page.status_code < 500
        if page.status_code == 200:
            self.post(role, reverse("orders:edit", args=[number, edit_id]),
                      submitted_data(page, ("form", "billing_form", "shipping_form")))
        self.touched.add(number)

    @rule(role=ROLE, number=orders, everything=st.booleans(), twice=st.booleans())
    def ship(self, role, number, everything, twice):
        order = Order.objects.get(number=number)
        lines = [line for line in order.lines.all() if line.quantity_unshipped]
        data = {"carrier": Carrier.objects.get().pk, "tracking_numbers": "1Z999AA10123456784",
                "shipped_on": timezone.localdate().isoformat(), "send_email": "on", "token": uuid.uuid4()}
        if everything:  # the rest of the order, or one of the first line still to go
            data |= {f"line_{line.pk}": line.quantity_unshipped for line in lines}
        elif lines:
            data[f"line_{lines[0].pk}"] = 1
        for _ in range(1 + twice):
            self.post(role, reverse("orders:shipment_new", args=[number]), data)
        self.touched.add(number)

    @rule(role=ROLE, number=orders, amount=PAYMENTS, overpay=st.booleans(), twice=st.booleans())
    def pay(self, role, number, amount, overpay, twice):
        data = {"amount": amount, "method": "check", "reference": "Check 1042",
                "received_on": timezone.localdate().isoformat(), "token": uuid.uuid4(),
                **({"accept_overpayment": "on"} if overpay else {})}
        for _ in range(1 + twice):
            self.post(role, reverse("orders:payment_new", args=[number]), data)
        self.touched.add(number)

    @rule(target=orders, role=ROLE, number=consumes(orders))
    def cancel(self, role, number):
        """A cancelled order leaves the walk's hands (its pages are still read); a refused cancel keeps it."""
        self.post(role, reverse("orders:cancel", args=[number]), {"reason": "The customer asked"})
        self.touched.add(number)
        return multiple() if Order.objects.get(number=number).status == Order.Status.CANCELLED else number

    @rule(target=carts, role=ROLE, number=orders)
    def reorder(self, role, number):
        cart_id = self.cart_id(self.post(role, reverse("orders:reorder", args=[number])))
        return (role, cart_id) if cart_id else multiple()

    @rule(role=ROLE, number=orders, text=st.sampled_from(["Call back Tuesday", "Card 4111 1111\u00a01111 1111",
                                                          "x" * 2001, "a\x00b"]))
    def note(self, role, number, text):
        self.post(role, reverse("orders:note", args=[number]), {"text": text})
        self.touched.add(number)

    @rule(role=ROLE, number=orders, document=st.sampled_from(["invoice_pdf", "packing_slip_pdf", "batch"]))
    def print_document(self, role, number, document):
        if document == "batch":
            self.post(role, reverse("orders:documents_batch"), {"kind": "packing_slip", "order": [number]})
        else:
            response = self.clients[role].get(reverse(f"orders:{document}", args=[number]))
            assert response.status_code < 500, f"{role} {document}: {response.status_code}"

    # -- the admin -----------------------------------------------------------------------------------------------

    @rule(role=ROLE, customer=st.integers(min_value=0), level=st.integers(min_value=0, max_value=2),
          terms=st.sampled_from(["", "0", "32767", "32768"]), exempt=st.booleans())
    def set_price_level(self, role, customer, level, terms, exempt):
        customer = self.customers[customer % len(self.customers)]
        url = reverse("admin:customers_customer_change", args=[customer.pk])
        page = self.clients[role].get(url)
        assert page.status_code < 500
        if page.status_code != 200:
            return
        data = forms_by_action(page.content, url).get(url, {})
        kind = self.types[level] if level < len(self.types) else None  # else: the type it has
        data |= {"customer_type": kind.pk if kind else data.get("customer_type", ""), "payment_terms_days": terms,
                 "tax_exemption_number": "EX-1" if exempt else ""}
        data = {key: value for key, value in data.items() if key != "tax_exempt"} | (
            {"tax_exempt": "on"} if exempt else {})
        self.post(role, url, data)
        self.customers_touched.add(customer.pk)

    @rule(role=ROLE, kind=st.sampled_from(["PNG", "JPEG", "SVG", "none"]))
    def set_logo(self, role, kind):
        merchant = MerchantSettings.objects.first()  # one row: added the first time, changed after
        url = (reverse("admin:orders_merchantsettings_change", args=[merchant.pk]) if merchant
               else reverse("admin:orders_merchantsettings_add"))
        files = {"logo_file": logo(kind)} if kind != "none" else {"remove_logo": "on"}
        self.post(role, url, {"name": "Harbor Supply Co.", "paper": "letter", **files})
        self.touched |= set(Order.objects.values_list("number", flat=True))

    # -- after every step ----------------------------------------------------------------------------------------

    @invariant()
    def every_page_answers(self):
        self.steps += 1
        urls = [reverse("orders:list"), reverse("orders:dashboard"), reverse("orders:export"),
                reverse("customers:list"), *self.admin_lists]
        for number in self.touched:
            order = Order.objects.get(number=number)
            urls += [reverse(f"orders:{name}", args=[number])
                     for name in ("detail", "invoice", "packing_slip", "shipment_new", "payment_new", "cancel")]
            urls.append(reverse("admin:orders_order_change", args=[order.pk]))
            self.customers_touched.add(order.customer_id)
        for pk in self.customers_touched:
            urls += [reverse("customers:detail", args=[pk]), reverse("admin:customers_customer_change", args=[pk]),
                     reverse("customer_data:export", args=[pk])]
        for role, client in self.clients.items():
            for url in urls:
                response = client.get(url)
                if response.streaming:  # the export: a 500 would come mid-stream
                    b"".join(response.streaming_content)
                assert response.status_code < 500, f"{role} GET {url}: {response.status_code}"
        self.touched, self.customers_touched = set(), set()

    @invariant()
    def money_adds_up(self):
        for order in Order.objects.prefetch_related("lines"):
            lines = list(order.lines.all())
            for line in lines:
                assert line.line_total == line.unit_price * line.quantity, line
                assert 0 <= line.quantity_shipped <= line.quantity
            assert order.subtotal == sum((line.line_total for line in lines), Decimal(0)), order.number
            assert 0 <= order.discount <= order.subtotal
            assert order.total == order.subtotal - order.discount + order.shipping + order.tax, order.number
            assert 0 <= order.total <= MAX_AMOUNT
            paid = Payment.objects.filter(order=order).aggregate(paid=Sum("amount"))["paid"] or Decimal(0)
            assert order.amount_paid == paid, order.number
            expected = ("unpaid" if paid <= 0 and order.total > 0 else "partially_paid" if paid < order.total
                        else "paid" if paid == order.total else "overpaid")
            assert order.payment_status == expected, order.number
        assert Order.objects.count() == self.placed  # nothing lost, nothing doubled

    @invariant()
    def stock_adds_up(self):
        """What a tracked product had, less what its open orders hold, is what it has; never below zero."""
        for product in Product.objects.filter(pk__in=self.stock, track_inventory=True):
            held = OrderLine.objects.filter(product=product).exclude(order__status=Order.Status.CANCELLED) \
                .aggregate(held=Sum("quantity"))["held"] or 0
            assert product.stock == self.stock[product.pk] - held >= 0, product.sku


def logo(kind: str) -> SimpleUploadedFile:
    if kind == "SVG":
        return SimpleUploadedFile("logo.svg", b'<svg xmlns="http://www.w3.org/2000/svg" width="4" height="2">'
                                  b'<rect width="4" height="2" fill="navy"/></svg>', "image/svg+xml")
    buffer = io.BytesIO()
    Image.new("RGB", (1, 1), "navy").save(buffer, format=kind)
    return SimpleUploadedFile(f"logo.{kind.lower()}", buffer.getvalue(), f"image/{kind.lower()}")
