"""Paste lines: an email's or a spreadsheet's list of items read into (SKU, quantity) lines, for the cart and an
order being edited.

One item a line, in any of the forms people paste: ``SKU qty``, ``qty SKU``, ``qty x SKU`` (``x``, ``X`` or
``×``, spaced or not: ``3x SKU``), tab-separated columns from a spreadsheet, or CSV with commas or semicolons
(quoted fields allowed). Surrounding whitespace, blank lines and empty columns are ignored. A bare ``SKU`` means
one of it. A first line with no number and a column named like ``sku`` or ``qty`` is a header and is skipped.
When both columns are whole numbers the first is taken as the SKU, unless only the second is a known SKU.

Quantities are whole numbers written with the digits 0-9, from 1 to MAX_QUANTITY per line (``²``, ``2.5``,
``0`` and ``-3`` are refused with the reason). The paste's lines for one product are added together and to the
quantity the order already has, in order; a line that would take the product past MAX_QUANTITY is refused.
"""

import csv
import re
from dataclasses import dataclass, field

from catalog.selectors import products_by_skus
from orders.ordering.stores import MAX_QUANTITY

MAX_PASTE_LINES = 200
MAX_PASTE_CHARACTERS = 20_000
MAX_LINE_CHARACTERS = 200
SKU_MAX_LENGTH = 64  # catalog.Product.sku
NUL_SHOWN_AS = "\ufffd"

TIMES = {"x", "X", "×"}
HEADER_WORDS = {"sku", "skus", "item", "items", "item number", "item no", "item #", "item code", "product",
                "product code", "code", "part", "part number", "part no", "article", "qty", "quantity", "quantities",
                "count", "units", "amount", "ordered", "description", "name"}
WHOLE = re.compile(r"[0-9]+", re.ASCII)


@dataclass(frozen=True)
class PastedLine:
    """One non-blank line as pasted: its text, and what it says (or why it says nothing usable)."""

    text: str
    sku: str = ""
    quantity: int = 0
    problem: str = ""
    swapped: "PastedLine | None" = None  # both columns whole numbers: the reading with SKU and quantity swapped


@dataclass
class PasteOutcome:
    """What a paste adds (product -> quantity to add, in first-pasted order) and the lines it refuses."""

    added: dict = field(default_factory=dict)  # Product -> quantity
    refused: list[tuple[str, str]] = field(default_factory=list)  # (the line as pasted, what was wrong)
    header_skipped: bool = False

    @property
    def leftover_text(self) -> str:
        return "\n".join(text for text, _ in self.refused)


# --- reading the text -------------------------------------------------------------------------------------------
def paste_lines(text: str) -> tuple[list[PastedLine], bool]:
    """The non-blank lines of ``text`` read, and whether a header row was skipped."""
    lines = [line for line in text.replace("\x00", NUL_SHOWN_AS).splitlines() if line.strip()]
    header = bool(lines) and _is_header(_columns(lines[0]))
    return [_read(line) for line in lines[header:]], header


def paste_count(text: str) -> int:
    return sum(1 for line in text.splitlines() if line.strip())


def _columns(line: str) -> list[str]:
    """The line's fields: tab-separated, else CSV with ';' or ',', else words; empty fields dropped."""
    line = line.strip()
    if "\t" in line:
        fields = line.split("\t")
    elif ";" in line or "," in line:
        delimiter = ";" if line.count(";") >= line.count(",") else ","
        fields = next(csv.reader([line], delimiter=delimiter, skipinitialspace=True), [])
    else:
        fields = line.split()
    return [value.strip() for value in fields if value.strip()]


def _is_header(columns: list[str]) -> bool:
    named = any(" ".join(column.lower().rstrip(":.").split()) in HEADER_WORDS for column in columns)
    return named and not any(WHOLE.fullmatch(column) for column in columns)


def _read(text: str) -> PastedLine:
    if len(text) > MAX_LINE_CHARACTERS:
        return PastedLine(text, problem=f"This line is {len(text):,} characters long; a line holds one SKU and "
                                        f"its quantity (at most {MAX_LINE_CHARACTERS} characters).")
    if NUL_SHOWN_AS in text:
        return PastedLine(text, problem=f"This line has a NUL character (shown as {NUL_SHOWN_AS}): retype it.")
    columns = _without_times(_columns(text))
    if len(columns) == 1:
        return _line(text, columns[0], "1")
    if len(columns) != 2:
        return PastedLine(text, problem=f"Found {len(columns)} columns; write a SKU and a quantity, "
                                        "such as “AB-100 3” or “3 x AB-100”.")
    first, second = columns
    if _number_like(first) and not _number_like(second):
        return _line(text, second, first)
    line = _line(text, first, second)
    if WHOLE.fullmatch(first) and WHOLE.fullmatch(second) and not line.problem:
        swapped = _line(text, second, first)
        return PastedLine(text, line.sku, line.quantity, swapped=None if swapped.problem else swapped)
    return line


def _without_times(columns: list[str]) -> list[str]:
    """``3 x SKU``, ``3x SKU``, ``SKU x 3``, ``SKU x3``: the multiplication sign is not a column."""
    if len(columns) == 3 and columns[1] in TIMES:
        return [columns[0], columns[2]]
    if len(columns) == 2:
        first, second = columns
        # ... unless the other column is the quantity: "2X4 3" and "0X 1" are a SKU and its quantity
        if first[-1:] in TIMES and _number_like(first[:-1]) and not WHOLE.fullmatch(second):
            return [first[:-1], second]
        if second[:1] in TIMES and _number_like(second[1:]) and not WHOLE.fullmatch(first):
            return [first, second[1:]]
    return columns


def _number_like(value: str) -> bool:
    """What staff meant as a quantity, however written (``²``, ``٣``, ``-3``, ``2.5``)."""
    return any(char.isnumeric() for char in value) and all(char.isnumeric() or char in "+-−.," for char in value)


def _line(text: str, sku: str, quantity_text: str) -> PastedLine:
    problem = _quantity_problem(quantity_text)
    if not problem and len(sku) > SKU_MAX_LENGTH:
        problem = f"No product has the SKU “{sku[:20]}…”: a SKU is at most {SKU_MAX_LENGTH} characters."
    return PastedLine(text, sku, 0 if problem else int(quantity_text), problem)


def _quantity_problem(value: str) -> str:
    if WHOLE.fullmatch(value):
        number = int(value)
        if number == 0:
            return "The quantity is 0: it must be at least 1."
        if number > MAX_QUANTITY:
            return f"The quantity {number:,} is more than one line holds (at most {MAX_QUANTITY:,})."
        return ""
    if value[:1] in "-−" and WHOLE.fullmatch(value[1:]):
        return f"The quantity {value} is negative: it must be at least 1."
    if re.fullmatch(r"[0-9]*[.,][0-9]+", value, re.ASCII):
        return f"The quantity “{value}” is not a whole number."
    return f"“{value}” is not a quantity: write it with the digits 0-9, such as 3."


# --- against the catalogue and the order -------------------------------------------------------------------------
def paste_resolve(text: str, *, existing: dict[int, int]) -> PasteOutcome:
    """Read ``text`` and match its SKUs (case-insensitive, one query) to active products; ``existing`` is the
    order's product id -> quantity, which pasted lines add to. Nothing is changed here: the caller adds
    ``outcome.added`` through the cart's (or the edit's) own add."""
    lines, header = paste_lines(text)
    wanted = {line.sku for line in lines if line.sku} | {line.swapped.sku for line in lines if line.swapped}
    products = products_by_skus(wanted)
    outcome = PasteOutcome(header_skipped=header)
    totals = dict(existing)
    for line in lines:
        line = _choose(line, products)
        product = products.get(line.sku.lower()) if not line.problem else None
        problem = line.problem or _product_problem(line.sku, product)
        if not problem:
            now = totals.get(product.pk, 0) + line.quantity
            problem = _over_limit(product, now, totals.get(product.pk, 0)) if now > MAX_QUANTITY else ""
        if problem:
            outcome.refused.append((line.text, problem))
            continue
        totals[product.pk] = now
        outcome.added[product] = outcome.added.get(product, 0) + line.quantity
    return outcome


def _choose(line: PastedLine, products: dict) -> PastedLine:
    if line.swapped and line.sku.lower() not in products and line.swapped.sku.lower() in products:
        return line.swapped
    return line


def _product_problem(sku: str, product) -> str:
    if product is None:
        return f"Unknown SKU “{sku}”: no product has it."
    if not product.is_active:
        return f"{product.sku} ({product.name}) is no longer sold."
    return ""


def _over_limit(product, now: int, before: int) -> str:
    already = f" ({before:,} already in the order or earlier in the paste)" if before else ""
    return f"That would make {now:,} of {product.sku}{already}; one line holds at most {MAX_QUANTITY:,}."
