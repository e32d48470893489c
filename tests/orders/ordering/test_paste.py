"""Reading pasted lines (orders.paste): every format people paste, table-driven, and a property over any text."""

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from orders.ordering.paste import MAX_LINE_CHARACTERS, NUL_SHOWN_AS, paste_lines
from orders.ordering.stores import MAX_QUANTITY


def read(text: str) -> list[tuple]:
    """What each line says: (sku, quantity), or ("!", the start of the problem)."""
    lines, _ = paste_lines(text)
    return [("!", line.problem) if line.problem else (line.sku, line.quantity) for line in lines]


@pytest.mark.parametrize(("text", "expected"), [
    # SKU qty, qty SKU, qty x SKU in every spelling
    ("AB-100 3", [("AB-100", 3)]),
    ("3 AB-100", [("AB-100", 3)]),
    ("3 x AB-100", [("AB-100", 3)]),
    ("3 X AB-100", [("AB-100", 3)]),
    ("3 × AB-100", [("AB-100", 3)]),
    ("3x AB-100", [("AB-100", 3)]),
    ("3× AB-100", [("AB-100", 3)]),
    ("AB-100 x 3", [("AB-100", 3)]),
    ("AB-100 x3", [("AB-100", 3)]),
    ("ab-100 3", [("ab-100", 3)]),
    # a spreadsheet's columns, CSV with commas or semicolons, quoted fields, trailing empty columns
    ("AB-100\t3", [("AB-100", 3)]),
    ("3\tAB-100", [("AB-100", 3)]),
    ("AB-100\t\t3\t", [("AB-100", 3)]),
    ("AB-100,3", [("AB-100", 3)]),
    ("AB-100, 3", [("AB-100", 3)]),
    ("AB-100;3", [("AB-100", 3)]),
    ('"AB-100","3"', [("AB-100", 3)]),
    ("AB-100,3,,", [("AB-100", 3)]),
    ("3;AB-100", [("AB-100", 3)]),
    # a bare SKU is one of it; surrounding whitespace, blank lines and Windows line ends are ignored
    ("AB-100", [("AB-100", 1)]),
    ("  AB-100   3  \r\n\r\n\n   \n\tCD-2 5\t", [("AB-100", 3), ("CD-2", 5)]),
    ("007 AB-100", [("AB-100", 7)]),
    # both columns numbers: the first is the SKU (the other reading is kept for the lookup)
    ("1001 5", [("1001", 5)]),
    # bad quantities, each with its reason
    ("AB-100 0", [("!", "The quantity is 0: it must be at least 1.")]),
    ("AB-100 -3", [("!", "The quantity -3 is negative: it must be at least 1.")]),
    ("-3 AB-100", [("!", "The quantity -3 is negative: it must be at least 1.")]),
    ("AB-100 2.5", [("!", "The quantity “2.5” is not a whole number.")]),
    ("AB-100;2,5", [("!", "The quantity “2,5” is not a whole number.")]),  # a decimal comma in semicolon CSV
    ("AB-100 ²", [("!", "“²” is not a quantity: write it with the digits 0-9, such as 3.")]),
    ("² AB-100", [("!", "“²” is not a quantity: write it with the digits 0-9, such as 3.")]),
    ("AB-100 ٣", [("!", "“٣” is not a quantity: write it with the digits 0-9, such as 3.")]),
    ("AB-100 three", [("!", "“three” is not a quantity: write it with the digits 0-9, such as 3.")]),
    (f"AB-100 {MAX_QUANTITY + 1}", [("!", "The quantity 10,000 is more than one line holds (at most 9,999).")]),
    ("AB-100 " + "9" * 150, [("!", f"The quantity {int('9' * 150):,} is more than one line holds (at most 9,999).")]),
    ("AB-100 3 boxes", [("!", "Found 3 columns; write a SKU and a quantity, such as “AB-100 3” or “3 x AB-100”.")]),
    ("S" * 65 + " 3", [("!", f"No product has the SKU “{'S' * 20}…”: a SKU is at most 64 characters.")]),
    # good and bad lines side by side: each line stands alone
    ("AB-100 3\nAB-100 0\nCD-2", [("AB-100", 3), ("!", "The quantity is 0: it must be at least 1."), ("CD-2", 1)]),
])
def test_each_format_reads_as_people_mean_it(text, expected):
    assert read(text) == expected


@pytest.mark.parametrize("header", ["sku,qty", "SKU\tQuantity", "Item number; Qty", "Product Code  Quantity",
                                    "sku", "SKU;Qty;Description"])
def test_a_first_line_of_column_names_is_skipped(header):
    lines, skipped = paste_lines(f"{header}\nAB-100,3")
    assert skipped
    assert [(line.sku, line.quantity) for line in lines] == [("AB-100", 3)]


@pytest.mark.parametrize("first", ["AB-100,3", "sku 3", "qty,12"])
def test_a_first_line_with_a_number_is_an_item_not_a_header(first):
    lines, skipped = paste_lines(f"{first}\nAB-100,3")
    assert not skipped and len(lines) == 2


def test_a_header_further_down_is_an_item_line():
    lines, skipped = paste_lines("AB-100 3\nsku,qty")
    assert not skipped
    assert lines[1].sku == "sku"
    assert lines[1].problem == "“qty” is not a quantity: write it with the digits 0-9, such as 3."


def test_a_line_of_ten_thousand_characters_is_refused_with_its_length():
    (line,), _ = paste_lines("A" * 10_000)
    assert line.problem.startswith("This line is 10,000 characters long")
    assert line.text == "A" * 10_000  # kept as typed, for the box
    assert MAX_LINE_CHARACTERS < 10_000


def test_a_nul_byte_refuses_its_line_and_is_shown_as_the_replacement_character():
    lines, _ = paste_lines("AB\x00-100 3\nCD-2 1")
    assert lines[0].text == f"AB{NUL_SHOWN_AS}-100 3"
    assert "NUL character" in lines[0].problem
    assert (lines[1].sku, lines[1].quantity, lines[1].problem) == ("CD-2", 1, "")


@pytest.mark.parametrize(("text", "expected"), [("0X 1", ("0X", 1)), ("2X 5", ("2X", 5)), ("3x AB-1", ("AB-1", 3)),
                                               ("AB-1 x3", ("AB-1", 3))])
def test_a_sku_ending_in_x_before_a_quantity_is_a_sku(text, expected):
    (line,), _ = paste_lines(text)
    assert (line.sku, line.quantity) == expected


def test_two_numbers_keep_the_swapped_reading_for_the_lookup():
    (line,), _ = paste_lines("5 1001")
    assert (line.sku, line.quantity) == ("5", 1001)
    assert (line.swapped.sku, line.swapped.quantity) == ("1001", 5)


SKUS = st.text(alphabet="ABCDEFGHJKLMNPQRSTUVWXYZ0123456789-_./", min_size=1, max_size=20).filter(
    lambda sku: any(char.isalpha() for char in sku))
FORMS = ["{sku} {qty}", "{qty} {sku}", "{qty} x {sku}", "{qty}x {sku}", "{sku}\t{qty}", "{sku},{qty}",
         "{sku};{qty}", "  {sku}   {qty}  ", "{qty} × {sku}", '"{sku}",{qty}']


@settings(max_examples=300, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.tuples(SKUS, st.integers(1, MAX_QUANTITY), st.sampled_from(FORMS)), min_size=1, max_size=30))
def test_any_item_in_any_format_reads_back_as_written(items):
    text = "\n".join(form.format(sku=sku, qty=qty) for sku, qty, form in items)
    assert read(text) == [(sku, qty) for sku, qty, _ in items]


@settings(max_examples=300, suppress_health_check=[HealthCheck.too_slow])
@given(st.text(max_size=400))
def test_any_text_reads_without_error_one_result_per_non_blank_line(text):
    lines, skipped = paste_lines(text)
    assert len(lines) + skipped == sum(1 for line in text.replace("\x00", NUL_SHOWN_AS).splitlines() if line.strip())
    for line in lines:
        assert bool(line.problem) != bool(line.sku and 1 <= line.quantity <= MAX_QUANTITY)
