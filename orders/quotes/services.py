"""Writing quotes: saving one from the cart, revising it, sending it, withdrawing it, and the stock it reserves.
Every change is on the quote's timeline in the same transaction; converting it is placing its order
(orders.ordering.placing, with the quote's promise)."""

import uuid
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import Decimal

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.dateformat import format as date_format

from catalog.models import StockReservation
from catalog.services import products_locked
from oms.core.money import format_money
from oms.core.queue import enqueue_in_transaction
from oms.core.requestid import current_request_id
from orders.lifecycle import OrderRefused
from orders.pricing.selectors import tax_for
from orders.pricing.totals import totals_problems
from orders.quotes.models import Quote, QuoteEvent, QuoteVersion


def default_valid_until() -> date:
    return timezone.localdate() + timedelta(days=settings.QUOTE_VALID_DAYS)


def reservation_end(valid_until: date) -> datetime:
    """A reservation holds through its last valid day, in the merchant's time zone."""
    return timezone.make_aware(datetime.combine(valid_until + timedelta(days=1), time.min))


@dataclass(frozen=True)
class QuoteTerms:
    valid_until: date
    reserve_stock: bool


def quote_priced(review) -> dict:
    """The version's figures from the line editor's review (orders.ordering.lines.LinesReview), priced for the
    customer's default address (where it would ship): its lines as the page and the PDF show them, and the totals."""
    customer = review.customer
    address = customer.default_shipping_address or customer.default_billing_address
    review.tax = tax_for(address.as_snapshot() if address else None, customer)
    totals = review.totals()
    lines = [{"product_id": line.product_id, "sku": line.sku, "name": line.name, "quantity": line.quantity,
              "list_price": str(line.list_price), "unit_price": str(line.unit_price), "reason": line.reason,
              "line_total": str(line.line_total), "taxable": True} for line in review.lines]
    lines += [{"product_id": None, "sku": "", "name": line.name, "quantity": line.quantity,
               "list_price": str(line.unit_price), "unit_price": str(line.unit_price), "reason": "",
               "line_total": str(line.line_total), "taxable": line.taxable} for line in review.custom_lines]
    return {"lines": lines, "subtotal": totals.subtotal, "discount": totals.discount,
            "discount_reason": totals.discount_reason, "tax": totals.tax, "tax_rate": totals.tax_rate,
            "tax_jurisdiction": totals.tax_jurisdiction, "total": totals.total,
            # a quote may promise more than is in stock (it arrives before the order); not what is no longer sold
            "problems": [f"{line.sku}: No longer sold." for line in review.lines
                         if line.product is None or not line.product.is_active]
            + totals_problems(totals, review.priced_lines)}


def quote_create(*, review, terms: QuoteTerms, actor, token: str) -> tuple[Quote, bool]:
    """Save the cart reviewed in ``review`` as a quote (version 1) for its customer; with ``reserve_stock``, its
    products' units are held until the end of ``valid_until``. Idempotent on ``token`` (the cart's): a second
    submit returns the quote the first made, with False. Raises OrderRefused with every problem at once."""
    if review.customer is None:
        raise OrderRefused(["Attach a customer first: a quote is made for a customer."])
    priced = _checked(review, terms)
    try:
        with transaction.atomic():
            quote = Quote.objects.create(customer=review.customer, valid_until=terms.valid_until,
                                         reserve_stock=terms.reserve_stock, total=priced["total"],
                                         created_by=actor, submission_token=token)
            _version(quote, review, priced, actor)
            if terms.reserve_stock:
                _reserve(quote, review.store.quantities)
            _event(quote, QuoteEvent.Kind.CREATED, actor, _summary(quote, priced))
    except IntegrityError:
        if existing := Quote.objects.filter(submission_token=token).first():
            return existing, False
        raise
    return quote, True


def quote_revise(*, quote: Quote, version: int, review, terms: QuoteTerms, actor) -> Quote:
    """Save the revised lines as the quote's next version (same number); its reservation follows the new
    quantities, or ends. Refused when the quote was revised, converted or withdrawn since ``version``."""
    priced = _checked(review, terms)
    with transaction.atomic():
        current = Quote.objects.select_for_update().get(pk=quote.pk)
        if not current.can_change:
            raise OrderRefused([f"Quote {current} is {current.get_state_display().lower()}: it can no longer be "
                                "revised."])
        if current.version != version:
            raise OrderRefused([f"Quote {current} was revised (version {current.version}) after you started: "
                                "nothing was saved. Press Revise quote to start from the newest version."])
        StockReservation.objects.filter(holder=current.holder).delete()
        current.version += 1
        current.valid_until, current.reserve_stock = terms.valid_until, terms.reserve_stock
        current.total = priced["total"]
        current.save(update_fields=["version", "valid_until", "reserve_stock", "total"])
        _version(current, review, priced, actor)
        if terms.reserve_stock:
            _reserve(current, review.store.quantities)
        _event(current, QuoteEvent.Kind.REVISED, actor, _summary(current, priced))
    return current


def quote_withdraw(*, quote: Quote, reason: str, actor) -> Quote:
    with transaction.atomic():
        current = Quote.objects.select_for_update().get(pk=quote.pk)
        if not current.can_change:
            raise OrderRefused([f"Quote {current} is already {current.get_state_display().lower()}."])
        current.status, current.withdrawn_reason = Quote.Status.WITHDRAWN, reason
        current.save(update_fields=["status", "withdrawn_reason"])
        StockReservation.objects.filter(holder=current.holder).delete()
        _event(current, QuoteEvent.Kind.WITHDRAWN, actor, f"Withdrawn: {reason}")
    return current


def quote_send(*, quote: Quote, actor) -> str:
    """Queue the quote's email with its PDF to the customer; returns the address. The quote is then Sent."""
    from orders.quotes.tasks import quote_email_send

    with transaction.atomic():
        current = Quote.objects.select_for_update(of=("self",)).select_related("customer").get(pk=quote.pk)
        to = current.customer.email
        if not current.can_change or not to:
            raise OrderRefused([f"Quote {current} cannot be sent: "
                                + ("the customer has no email address." if not to
                                   else f"it is {current.get_state_display().lower()}.")])
        if current.status == Quote.Status.OPEN:
            current.status = Quote.Status.SENT
            current.save(update_fields=["status"])
        key = uuid.uuid4().hex
        _event(current, QuoteEvent.Kind.SEND_QUEUED, actor, f"Version {current.version} queued for {to}.",
               {"to": to, "key": key})
        enqueue_in_transaction(quote_email_send, current.number, current.version, key,
                               request_id=current_request_id())
    return to


def quote_converted(*, quote: Quote, order, actor) -> None:
    """Called by placing, in its transaction: the quote is Converted, linked to ``order``; its reservation was
    ended before the products were locked."""
    quote.status, quote.order = Quote.Status.CONVERTED, order
    quote.save(update_fields=["status", "order"])
    _event(quote, QuoteEvent.Kind.CONVERTED, actor, f"Converted to order #{order.number}.", {"order": order.number})


def quote_promise(quote: Quote) -> dict:
    """What a live quote promises, as placing checks it: product -> unit price, and the discount as typed."""
    version = quote.versions.get(number=quote.version)
    prices = {line["product_id"]: Decimal(line["unit_price"]) for line in version.lines if line["product_id"]}
    discount = version.store.get("discount") or {}
    return {"prices": prices, "discount": str(discount.get("text", ""))}


def _checked(review, terms: QuoteTerms) -> dict:
    problems = []
    if not review.lines and not review.custom_lines:
        problems.append("The quote has no lines: add at least one item.")
    if terms.valid_until < timezone.localdate():
        problems.append("Valid until: choose today or a later day.")
    priced = quote_priced(review)
    problems += priced.pop("problems")
    if problems:
        raise OrderRefused(problems)
    return priced


def _reserve(quote: Quote, quantities: dict[int, int]) -> None:
    """Hold ``quantities`` for the quote until its last valid day, under the products' locks in primary-key
    order (as placing takes them): refused when another holder or an order took the units first."""
    until = reservation_end(quote.valid_until)
    products = [product for product in products_locked(quantities) if product.track_inventory]
    short = [f"{product.sku}: only {product.free_stock:,} free to reserve, {quantities[product.pk]:,} quoted."
             for product in products if product.free_stock < quantities[product.pk]]
    if short:
        raise OrderRefused(short + ["Untick Reserve stock until then, or lower the quantities."])
    StockReservation.objects.bulk_create([
        StockReservation(product=product, quantity=quantities[product.pk], until=until, holder=quote.holder)
        for product in products])


STORE_KEYS = ("lines", "prices", "custom", "discount")  # what a version keeps of the line editor's store


def store_of(data: dict) -> dict:
    """The parts of a line store's data that a quote version keeps (and a revision or a conversion reopens)."""
    return {"lines": [], **{key: data[key] for key in STORE_KEYS if data.get(key)}}


def _version(quote: Quote, review, priced: dict, actor) -> QuoteVersion:
    store = store_of(review.store.data)
    return QuoteVersion.objects.create(quote=quote, number=quote.version, store=store, valid_until=quote.valid_until,
                                       created_by=actor, **priced)


def _summary(quote: Quote, priced: dict) -> str:
    held = ", stock reserved" if quote.reserve_stock else ""
    total, day = format_money(priced["total"]), date_format(quote.valid_until, "M j, Y")
    return f"Version {quote.version}: {len(priced['lines'])} line(s), total {total}, valid until {day}{held}."


def _event(quote: Quote, kind: str, actor, text: str, data: dict | None = None) -> QuoteEvent:
    return QuoteEvent.objects.create(quote=quote, kind=kind, actor=actor, text=text[:300], data=data or {})
