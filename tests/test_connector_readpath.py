"""The ledger read path: grid_from_values' fast path against the plain per-cell one."""
import datetime as dt

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from connector.base import LedgerError, Row, _data_rows, grid_from_values

# Cells as either backend may hand them over: text (blank, whitespace-only, padded), numbers, booleans,
# dates and times (xlsx), None; bool and int mixed in so the fast path meets rows it must refuse.
TEXT = st.sampled_from(["", " ", "\u3000", "\t\n", "投诉", " 张三 ", "0", "False", "=1+1"]) | st.text(max_size=6)
CELL = (TEXT | st.integers(-10**6, 10**6) | st.booleans() | st.none()
        | st.floats(allow_nan=False, allow_infinity=False) | st.sampled_from([1.0, -0.0, 3.5, 1e16])
        | st.datetimes(min_value=dt.datetime(1990, 1, 1), max_value=dt.datetime(2040, 1, 1))
        | st.dates(min_value=dt.date(1990, 1, 1), max_value=dt.date(2040, 1, 1)) | st.times())
ROWS = st.lists(st.lists(CELL, max_size=9) | st.lists(TEXT, max_size=9), max_size=12)


@settings(max_examples=200, deadline=None)
@given(width=st.integers(1, 7), rows=ROWS)
def test_fast_rows_equal_plain_rows(width, rows):
    values = [["h"] * width] + rows
    fast, plain = _data_rows(values, width), _data_rows(values, width, fast=False)
    assert fast == plain
    # Equal grids, equal cells down to their types (1 == 1.0 == True would hide a lost normalisation).
    assert [[type(v) for v in r.values] for r in fast] == [[type(v) for v in r.values] for r in plain]


def test_fast_path_cuts_pads_and_drops_blank_rows():
    grid = grid_from_values("台账", [["编号", "企业", "备注"],
                                     ["A1", "甲公司", "x", "beyond the header"],
                                     ["", " ", "\u3000"],      # whitespace only: blank
                                     [],                        # trailing cells trimmed away entirely
                                     ["A2"],                    # short row padded
                                     ["", "", 7],               # a number is never blank
                                     ["", False]])
    assert grid.rows == [Row(2, ("A1", "甲公司", "x")), Row(5, ("A2", "", "")), Row(6, ("", "", 7)),
                         Row(7, ("", False, ""))]


def test_digest_follows_the_cells():
    values = [["编号", "企业"], ["A1", "甲公司"], ["A2", "乙公司"]]
    base = grid_from_values("台账", values).digest()
    assert grid_from_values("台账", [r[:] for r in values]).digest() == base
    assert grid_from_values("台账", [["编号", "企业"], ["A1", "甲公司"], ["A2", "乙公司 "]]).digest() != base
    assert grid_from_values("台账", [["编号", "企业"], ["A1", "甲公司"], [], ["A2", "乙公司"]]).digest() != base
    assert grid_from_values("台账", [["编号", "企业"], ["A1", "甲公司"], ["A2", 1]]).digest() != \
        grid_from_values("台账", [["编号", "企业"], ["A1", "甲公司"], ["A2", "1"]]).digest()


def test_header_problems_still_refused():
    with pytest.raises(LedgerError, match="没有表头"):
        grid_from_values("台账", [[" ", ""], ["A1"]])
    with pytest.raises(LedgerError, match="表头重复"):
        grid_from_values("台账", [["编号", "编号"], ["A1", "A2"]])
