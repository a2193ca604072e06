"""A1 notation and cell values of the local Sheets server, checked without HTTP."""
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from connector.sheets_server import cells
from connector.sheets_server.a1 import (Bounds, RangeError, col_to_letters, format_range, letters_to_col,
                                        parse_range, parse_ref, quote_title)

titles = st.text(st.characters(blacklist_categories=("Cs", "Cc")), min_size=1, max_size=12).filter(
    lambda t: t.strip() == t)


@settings(max_examples=150)
@given(st.integers(0, 18277))
def test_column_letters_round_trip(index):
    assert letters_to_col(col_to_letters(index)) == index


@settings(max_examples=150)
@given(titles, st.integers(0, 99_999), st.integers(0, 700), st.integers(1, 50), st.integers(1, 30))
def test_formatted_ranges_parse_back_to_the_same_sheet_and_bounds(title, row, col, height, width):
    b = Bounds(row, col, row + height, col + width)
    parsed = parse_range(format_range(title, b))
    assert (parsed.sheet, parsed.bounds) == (title, b)


@pytest.mark.parametrize("text, expected", [
    ("A1", Bounds(0, 0, 1, 1)), ("B2:D4", Bounds(1, 1, 4, 4)), ("D4:B2", Bounds(1, 1, 4, 4)),
    ("A:A", Bounds(0, 0, None, 1)), ("2:3", Bounds(1, 0, 3, None)), ("A1:1", Bounds(0, 0, 1, None)),
    ("A5:B", Bounds(4, 0, None, 2)), ("$A$1:$B$2", Bounds(0, 0, 2, 2)),
])
def test_ref_forms(text, expected):
    assert parse_ref(text) == expected


@pytest.mark.parametrize("text", ["A0", "1A", "A1:B2:C3", "ABCD1", "A1:", "AAAA:B"])
def test_bad_refs_are_refused(text):
    with pytest.raises(RangeError):
        parse_ref(text)
    assert parse_range(text).whole_sheet or ":" in text  # a bare non-reference is a sheet title


@pytest.mark.parametrize("text", ["", "'unterminated", "'S'x", "'S'!", "S!A0"])
def test_bad_ranges_are_refused(text):
    with pytest.raises(RangeError):
        parse_range(text)


def test_sheet_titles_quoted_as_google_does():
    assert quote_title("Sheet1") == "Sheet1"
    assert quote_title("D3") == "'D3'"
    assert quote_title("🌵 x 1") == "'🌵 x 1'"
    assert quote_title("O'Brien") == "'O''Brien'"
    assert parse_range("'O''Brien'!A1").sheet == "O'Brien"
    assert parse_range("🌵 test 1").whole_sheet
    assert parse_range("🌵 test 1!A:A").sheet == "🌵 test 1"


@pytest.mark.parametrize("typed, stored", [
    ("007", 7), ("1.50", 1.5), ("-3e2", -300), ("50%", 0.5), ("true", True), ("'007", "007"),
    ("=A1*2", cells.Formula("=A1*2")), ("2026-03-01", cells.DateValue(46082, "2026-03-01")),
    ("2026-02-30", "2026-02-30"), ("〔2026〕第0001号", "〔2026〕第0001号"), ("", None),
])
def test_user_entered_is_parsed_like_the_sheets_ui(typed, stored):
    assert cells.from_user_entered(typed) == stored


def test_raw_keeps_typed_text():
    assert [cells.from_raw(v) for v in ("007", "=1+1", "", 3, True)] == ["007", "=1+1", None, 3, True]


def test_rendering_options():
    lookup = {(0, 0): 4, (0, 1): cells.Formula("=A1/0")}.get
    evaluate = lambda f: cells.evaluate_formula(f.text, lambda r, c: lookup((r, c)))  # noqa: E731
    assert cells.render(cells.Formula("=A1*2+1"), "FORMATTED_VALUE", "SERIAL_NUMBER", evaluate) == "9"
    assert cells.render(cells.Formula("=A1*2+1"), "UNFORMATTED_VALUE", "SERIAL_NUMBER", evaluate) == 9
    assert cells.render(0.1 + 0.2, "FORMATTED_VALUE", "SERIAL_NUMBER", evaluate) == "0.3"
    assert cells.render(1e20, "FORMATTED_VALUE", "SERIAL_NUMBER", evaluate) == "1E+20"
    date = cells.DateValue(46082, "2026-03-01")
    assert cells.render(date, "UNFORMATTED_VALUE", "SERIAL_NUMBER", evaluate) == 46082
    assert cells.render(date, "UNFORMATTED_VALUE", "FORMATTED_STRING", evaluate) == "2026-03-01"
    with pytest.raises(cells.FormulaError, match="DIV/0"):
        evaluate(cells.Formula("=B1"))
    with pytest.raises(cells.FormulaError, match="NAME"):
        evaluate(cells.Formula("=SUM(A1)"))
