"""The prices, shipping methods, tax rates and price reasons that pricing reads."""

from decimal import Decimal

from django.db.models import OuterRef, Subquery

from catalog.models import Product
from customers.models import Customer, TypePrice
from orders.pricing.models import PriceReason, ShippingMethod, TaxRate
from orders.pricing.totals import TaxRule


def products_priced_for(customer_type_id: int | None, ids, *, locked: bool = False, holder: str = ""):
    """Products by id, each with ``level_price``: its price in the customer type's table, or None, and
    ``reserved``: the units live reservations other than ``holder``'s hold (one query). ``locked``: the products
    themselves, locked in primary-key order (order_place) as catalog.services.products_locked locks them."""
    products = Product.objects.select_for_update(no_key=True).order_by("pk") if locked else Product.objects.all()
    products = products.with_reserved(excluding=holder)
    if customer_type_id:
        products = products.annotate(level_price=_level_price(customer_type_id))
    return products.filter(pk__in=ids) if locked else products.in_bulk(ids)


def _level_price(customer_type_id: int) -> Subquery:
    """The product's price in the type's table (one row at most: a product has one price per type)."""
    return Subquery(TypePrice.objects.filter(customer_type=customer_type_id, product=OuterRef("pk"))
                    .values("price")[:1])


def shipping_methods() -> list[ShippingMethod]:
    return list(ShippingMethod.objects.filter(is_active=True))


def tax_for(address: dict | None, customer: Customer | None = None) -> TaxRule:
    """The tax for a shipping address: the most specific active rate (country and region, then country, then the
    default row; the newest among equals), in one query; and the customer's exemption, read from the customer
    (and type) already loaded."""
    address = address or {}
    country, region = str(address.get("country") or "").upper(), str(address.get("region") or "").strip().upper()
    # The default rows and the country's (a few dozen at most): one plain filter, the region matched here.
    rates = (TaxRate.objects.filter(country__in={"", country}, is_active=True).order_by()
             .values_list("country", "region", "pk", "rate", "name", "tax_shipping"))
    matching = [rate for rate in rates if not rate[1] or (rate[0] and rate[1].upper() == region)]
    # The newest among equals: rates are numbered as they are created.
    best = max(matching, key=lambda rate: (TaxRate.specificity_of(rate[0], rate[1]), rate[2]), default=None)
    exempt = bool(customer and customer.is_tax_exempt)
    return TaxRule(rate=best[3] if best else Decimal("0"), jurisdiction=best[4] if best else "",
                   tax_shipping=bool(best and best[5]), exempt=exempt,
                   exemption_number=customer.tax_exemption_number if exempt else "")


def price_reasons() -> list[str]:
    return list(PriceReason.objects.filter(is_active=True).values_list("text", flat=True))
