"""Properties: random cells never crash validation or change a value; the fast paths agree with the per-cell rule."""
import copy
import datetime as dt

from hypothesis import given, settings
from hypothesis import strategies as st

from domain.profiles import Exclusion, Profile
from sheets_schema import LEDGER, SERVICE, check_cell, validate_workbook
from sheets_schema.columns import DATE, DATETIME
from sheets_schema.fast import check_column, parse_time_column

PROFILE = Profile(id="zaoyang", name="枣阳市", seed="003", categories=("咨询", "求助", "投诉", "举报", "意见建议"),
                  problem_types=("简单", "一般", "复杂"), ticket_number_format="〔{year}〕第{seq:04d}号",
                  exclusions=(Exclusion("企业之间的民事纠纷", ("民事纠纷",)),))
UNITS = {"市供电公司", "市住建局"}

TYPED = st.sampled_from([
    "2026-03-05", "2026/3/5 9:30", "2026.3.5", "2026年3月5日", "2026-02-30", "2026-3-5 24:00", "46086", "46086.25",
    "13812345678", "12012345678", "0632-7711401", "1381234567", "91350100M000100Y43", "91350100M000100Y44",
    "投诉", "投拆", " 咨 询 ", "是", "否", "满意", "=SUM(A1)", "+8613812345678", "-", "@x", "", "   ", "５",
    "市供电公司", "市供店公司、市住建局", "２０２６－０３－０５", "2026-03-05 ", "2026-3-5", "1999-01-01",
    "2026-03-05 14:30:00", "2026/03/05", "2099-12-31", "2100-01-01", "民事纠纷", "0", "61",
])
CELL = st.one_of(
    st.none(), TYPED, st.text(max_size=30), st.integers(-10**12, 10**12),
    st.floats(allow_nan=False, allow_infinity=False), st.booleans(),
    st.datetimes(min_value=dt.datetime(1990, 1, 1), max_value=dt.datetime(2110, 1, 1)),
    st.dates(min_value=dt.date(1990, 1, 1), max_value=dt.date(2110, 1, 1)),
)


@settings(max_examples=60, deadline=None)
@given(st.permutations(LEDGER.headers), st.lists(st.lists(CELL, min_size=len(LEDGER.headers),
                                                          max_size=len(LEDGER.headers)), max_size=5))
def test_random_cells_never_crash_and_never_change_a_value(headers, body):
    workbook = {"台账": [list(headers)] + body,
                "承办单位": [["单位名称", "经办人", "经办人电话", "经办人邮箱"], ["市供电公司", "李明", "13812345678", "a@b.cn"]]}
    before = copy.deepcopy(workbook)
    problems = validate_workbook(workbook, PROFILE)
    assert workbook == before
    for p in problems:
        assert p.level in ("error", "warning") and p.message
        assert 1 <= p.row <= len(body) + 1 and p.column in LEDGER.headers + ("联系电话",)


CHECKED = [c for c in LEDGER.columns if c.owner != SERVICE]


@settings(max_examples=200, deadline=None)
@given(st.sampled_from(CHECKED), st.lists(CELL, max_size=12))
def test_fast_column_checks_agree_with_the_per_cell_rule(column, values):
    if column.kind in (DATETIME, DATE):
        found = parse_time_column(column, values, PROFILE, pandas_min=0)[2]
    else:
        found = check_column(column, values, PROFILE, UNITS)
    expected = {i: r for i, r in ((i, check_cell(column, v, PROFILE, UNITS)) for i, v in enumerate(values)) if r}
    assert found == expected


@settings(max_examples=80, deadline=None)
@given(st.lists(st.one_of(TYPED, st.datetimes(min_value=dt.datetime(1990, 1, 1), max_value=dt.datetime(2110, 1, 1))),
                min_size=1, max_size=12))
def test_fast_date_parsing_gives_the_same_moment_as_the_per_cell_parser(values):
    from sheets_schema.parse import CellError, parse_datetime
    column = LEDGER.column("受理时间")
    stamps, has_time, found = parse_time_column(column, values, PROFILE, pandas_min=0)
    for i, raw in enumerate(values):
        try:
            value, timed = parse_datetime(raw)
        except CellError:
            assert i in found
            continue
        assert i not in found
        assert stamps[i].astype(dt.datetime) == value
        assert bool(has_time[i]) == timed


@settings(max_examples=40, deadline=None)
@given(st.data())
def test_every_worksheet_survives_random_cells(data):
    from sheets_schema import SHEETS, validate_sheet
    sheet = data.draw(st.sampled_from([s for s in SHEETS if s.owner != SERVICE]))
    headers = data.draw(st.permutations(sheet.headers))
    body = data.draw(st.lists(st.lists(CELL, min_size=len(headers), max_size=len(headers)), max_size=4))
    grid = [list(headers)] + body
    before = copy.deepcopy(grid)
    problems = validate_sheet(sheet, grid, profile=PROFILE, units=UNITS)
    assert grid == before
    assert all(p.column in sheet.headers and 1 <= p.row <= len(grid) for p in problems)


def test_a_time_column_seen_before_gives_the_same_answer_and_callers_cannot_spoil_it():
    from sheets_schema import LEDGER
    from sheets_schema.fast import _parse_time_column, parse_time_column
    column = LEDGER.column("受理时间")
    values = ["2026-11-02 09:30", "", "2026年11月3日", "明天", 45962.5] * 40
    first = parse_time_column(column, values, remember=True)
    first[0][:] = first[0][0]          # a caller scribbling on what it got
    first[2].clear()
    again = parse_time_column(column, list(values), remember=True)
    fresh = _parse_time_column(column, values, None, 64)
    assert again[0].astype("int64").tolist() == fresh[0].astype("int64").tolist()   # NaT included
    assert again[1].tolist() == fresh[1].tolist()
    assert again[2] == fresh[2] and again[2]
    # equal but differently typed values (1, 1.0, True) are not mistaken for each other
    assert parse_time_column(column, [True] * 70, remember=True)[2] == _parse_time_column(column, [True] * 70, None, 64)[2]
    assert parse_time_column(column, [1] * 70, remember=True)[2] == _parse_time_column(column, [1] * 70, None, 64)[2]
