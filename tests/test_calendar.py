"""The working-day calendar: official 2026 data, overrides, unknown years, day descriptions."""
from datetime import date, datetime

import numpy as np
import pytest

from domain.calendar import (Override, OverrideError, UnknownYearError, WorkCalendar, parse_override_rows,
                             parse_overrides)

CAL = WorkCalendar.official()


@pytest.mark.parametrize("day,working", [
    ("2026-01-01", False), ("2026-01-04", True),    # New Year; Sunday make-up day
    ("2026-02-14", True), ("2026-02-15", False), ("2026-02-23", False), ("2026-02-24", True),
    ("2026-02-28", True), ("2026-03-01", False),    # make-up Saturday, then an ordinary Sunday
    ("2026-04-06", False), ("2026-05-01", False), ("2026-05-05", False), ("2026-05-06", True),
    ("2026-05-09", True), ("2026-05-10", False), ("2026-06-19", False),
    ("2026-09-20", True), ("2026-09-25", False), ("2026-09-28", True),
    ("2026-10-01", False), ("2026-10-07", False), ("2026-10-08", True), ("2026-10-10", True),
    ("2026-10-11", False), ("2026-11-25", True),
])
def test_official_2026(day, working):
    assert CAL.is_working_day(date.fromisoformat(day)) is working


def test_known_years_are_the_official_ones():
    assert CAL.known_years[0] == 2004 and 2026 in CAL.known_years and 2027 not in CAL.known_years


@pytest.mark.parametrize("start,n,expected", [
    ("2026-09-30", 1, "2026-10-08"), ("2026-09-30", 3, "2026-10-10"),
    ("2026-10-03", 1, "2026-10-08"),        # a holiday receipt counts from the next working day
    ("2026-02-13", 1, "2026-02-14"),        # the make-up Saturday is a working day
    ("2026-02-14", 1, "2026-02-24"),
    ("2026-05-10", 1, "2026-05-11"),        # ordinary Sunday
    ("2026-11-25", 0, "2026-11-25"),
    ("2025-12-31", 1, "2026-01-04"),        # across the year end, into a Sunday make-up day
])
def test_add_working_days(start, n, expected):
    assert CAL.add_working_days(date.fromisoformat(start), n) == date.fromisoformat(expected)
    vec = CAL.add_working_days_array(np.array([start], dtype="datetime64[D]"), n)
    assert str(vec[0]) == expected


@pytest.mark.parametrize("start,n,expected", [
    ("2026-09-28", 5, "2026-10-08"),        # 10-03 is a holiday: art. 203 rolls to the next working day
    ("2026-10-05", 5, "2026-10-10"),        # lands on the make-up Saturday: a working day, no roll
    ("2026-11-20", 5, "2026-11-25"),
    ("2026-05-05", 5, "2026-05-11"),        # 05-10 is an ordinary Sunday
])
def test_calendar_days_art_203(start, n, expected):
    assert CAL.add_calendar_days(date.fromisoformat(start), n) == date.fromisoformat(expected)
    assert str(CAL.add_calendar_days_array([date.fromisoformat(start)], n)[0]) == expected


def test_count_working_days():
    assert CAL.count_working_days(date(2026, 9, 30), date(2026, 10, 10)) == 3
    assert CAL.count_working_days(date(2026, 10, 10), date(2026, 9, 30)) == 0


@pytest.mark.parametrize("call", [
    lambda c: c.is_working_day(date(2027, 1, 4)),
    lambda c: c.add_working_days(date(2026, 12, 28), 5),
    lambda c: c.add_calendar_days(date(2026, 12, 30), 5),
    lambda c: c.count_working_days(date(2026, 12, 30), date(2027, 1, 5)),
    lambda c: c.add_working_days_array(np.array(["2026-11-02", "2026-12-28"], dtype="datetime64[D]"), 5),
    lambda c: c.is_working_day_array(np.array(["2027-03-01"], dtype="datetime64[D]")),
    lambda c: c.add_calendar_days_array(np.array(["2026-12-30"], dtype="datetime64[D]"), 5),
])
def test_unknown_year_is_refused_not_guessed(call):
    with pytest.raises(UnknownYearError) as err:
        call(CAL)
    assert err.value.year == 2027
    assert "日历缺少2027年节假日安排" in str(err.value) and "calendar has no holiday data for 2027" in str(err.value)


def test_year_before_official_data_is_unknown():
    with pytest.raises(UnknownYearError) as err:
        CAL.is_working_day(date(2003, 6, 2))
    assert err.value.year == 2003


NOTICE_2027 = """date,kind,name
2027-01-01,休,元旦
2027-02-06,休,春节
2027-02-07,班,春节调休
2026-10-09,休,区里临时调整
"""


def test_overrides_make_a_year_known_and_win_over_official_data():
    cal = WorkCalendar.official(parse_overrides(NOTICE_2027))
    assert 2027 in cal.known_years
    assert cal.is_working_day(date(2027, 1, 1)) is False
    assert cal.is_working_day(date(2027, 2, 7)) is True         # a Sunday made a working day
    assert cal.is_working_day(date(2027, 3, 1)) is True         # an ordinary Monday of a now-known year
    assert cal.is_working_day(date(2026, 10, 9)) is False       # official working day overridden
    assert cal.add_working_days(date(2026, 9, 30), 2) == date(2026, 10, 10)
    assert cal.describe(date(2027, 2, 7)) == "2027-02-07 周日 调休上班"
    assert cal.describe(date(2026, 10, 9)) == "2026-10-09 周五 区里临时调整"
    assert CAL.is_working_day(date(2026, 10, 9)) is True        # the official calendar is untouched


def test_override_can_turn_an_official_rest_day_into_work():
    cal = WorkCalendar.official([Override(date(2026, 10, 5), "班", "")])
    assert cal.is_working_day(date(2026, 10, 5))
    assert cal.add_working_days(date(2026, 9, 30), 1) == date(2026, 10, 5)


def test_parse_overrides_accepts_chinese_headers_bom_aliases_and_blank_rows():
    text = "\ufeff日期,类型,名称\n2027/1/1,休息,元旦\n\n2027-02-07,上班,\n"
    assert parse_overrides(text) == (Override(date(2027, 1, 1), "休", "元旦"), Override(date(2027, 2, 7), "班", ""))


def test_parse_override_rows_takes_sheet_cells():
    rows = [{"日期": datetime(2027, 1, 1), "类型": "休", "名称": "元旦"}, {"日期": None, "类型": None, "名称": None}]
    assert parse_override_rows(rows) == (Override(date(2027, 1, 1), "休", "元旦"),)


@pytest.mark.parametrize("text,fragment", [
    ("date,kind,name\n2027-13-01,休,x\n", "第2行"),
    ("date,kind,name\n2027-01-01,放假了,x\n", "类型"),
    ("date,kind,name\n2027-01-01,休,x\n2027-01-01,班,y\n", "矛盾"),
    ("day,type\n2027-01-01,休\n", "表头"),
    ("date,kind,name\nyesterday,休,x\n", "日期"),
])
def test_bad_override_rows_are_named(text, fragment):
    with pytest.raises(OverrideError) as err:
        parse_overrides(text, source="holidays.csv")
    assert fragment in err.value.zh and "holidays.csv" in err.value.zh
    assert err.value.en


def test_override_kind_is_checked():
    with pytest.raises(ValueError):
        Override(date(2027, 1, 1), "rest")


@pytest.mark.parametrize("day,text", [
    ("2026-10-10", "2026-10-10 周六 调休上班"), ("2026-10-03", "2026-10-03 周六 国庆节"),
    ("2026-10-05", "2026-10-05 周一 国庆节"), ("2026-10-11", "2026-10-11 周日"), ("2026-10-12", "2026-10-12 周一"),
])
def test_describe(day, text):
    assert CAL.describe(date.fromisoformat(day)) == text
