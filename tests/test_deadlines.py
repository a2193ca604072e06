"""Deadline engine details: time zones, bad input, supervision periods, due soon."""
from datetime import datetime, timezone, timedelta
from zoneinfo import ZoneInfo

import pandas as pd
import pytest

import profiles
from domain.calendar import UnknownYearError, WorkCalendar
from domain.deadlines import (DeadlineError, compute, compute_frame, due_after, due_in_calendar_days,
                              due_in_working_days, due_soon, is_overdue)

CAL = WorkCalendar.official()
SH = ZoneInfo("Asia/Shanghai")


def test_aware_input_gives_aware_shanghai_answers():
    received_utc = datetime(2026, 9, 30, 16, 30, tzinfo=timezone.utc)  # 2026-10-01 00:30 in Shanghai
    dues = compute(profiles.load("zibo"), CAL, category="投诉", received=received_utc)
    # received on National Day in local time: 10-08 is working day 1, so the 3rd is 10-10
    assert dues["reply"].at == datetime(2026, 10, 10, 12, 0, tzinfo=SH)
    assert dues["reply"].at.utcoffset() == timedelta(hours=8)
    naive = compute(profiles.load("zibo"), CAL, category="投诉", received=datetime(2026, 10, 1, 0, 30))
    assert naive["reply"].at == datetime(2026, 10, 10, 12, 0) and naive["reply"].at.tzinfo is None


@pytest.mark.parametrize("kwargs,fragment", [
    (dict(category="其他"), "不是淄博市的类别"),
    (dict(category="投诉", problem_type="复杂"), "问题类型"),
    (dict(category="投诉", round=3, returned=datetime(2026, 10, 20)), "最多办理2轮"),
    (dict(category="投诉", round=2), "退回"),
    (dict(category="投诉", returned=datetime(2026, 10, 20)), "第1轮"),
    (dict(category="投诉", round=2, returned=datetime(2026, 9, 1)), "早于"),
    (dict(category="投诉", round=2, returned=datetime(2026, 10, 20), extended=True), "第1轮"),
    (dict(category="投诉", extension_days=3), "--extended"),
    (dict(category="投诉", round=0), "正整数"),
])
def test_bad_input_is_refused_in_both_languages(kwargs, fragment):
    with pytest.raises(DeadlineError) as err:
        compute(profiles.load("zibo"), CAL, received=datetime(2026, 9, 30, 15), **kwargs)
    assert fragment in err.value.zh and err.value.en


def test_shanting_needs_a_problem_type():
    with pytest.raises(DeadlineError) as err:
        compute(profiles.load("shanting"), CAL, category="投诉", received=datetime(2026, 9, 30, 15))
    assert "须填写问题类型" in err.value.zh


def test_deadline_in_unknown_year_is_refused():
    with pytest.raises(UnknownYearError) as err:
        compute(profiles.load("yicheng"), CAL, category="投诉", received=datetime(2026, 12, 24, 10))
    assert err.value.year == 2027
    # contact and reply still fall in 2026, but the ticket as a whole cannot be planned: no silent guess
    frame = pd.DataFrame({"category": ["投诉"], "received": [datetime(2026, 12, 24, 10)]})
    with pytest.raises(UnknownYearError):
        compute_frame(profiles.load("yicheng"), CAL, frame)


def test_supervision_form_five_days_art_203():
    # zaoyang 督办单 sent Monday 9/28: day 5 is 10/3, a holiday, so the reply is due 10/8
    due = due_in_calendar_days(CAL, datetime(2026, 9, 28, 10), 5)
    assert due.at == datetime(2026, 10, 8, 23, 59, 59)
    assert "民法典第203条" in due.explain and "2026-10-03 周六 国庆节" in due.explain
    p = profiles.load("zaoyang")
    assert due_after(CAL, p.supervision.red_after, datetime(2026, 9, 28, 10), origin="发函").at == due.at


def test_yicheng_red_light_one_working_day_after_the_letter():
    p = profiles.load("yicheng")
    red = due_after(CAL, p.supervision.red_after, datetime(2026, 2, 13, 18), origin="发函")
    assert red.at == datetime(2026, 2, 14, 23, 59, 59)  # the make-up Saturday
    assert red.explain.startswith("发函次日起第1个工作日(2026-02-14 周六 调休上班)")


def test_due_in_working_days_with_cutoff():
    assert due_in_working_days(CAL, datetime(2026, 4, 30, 9), 4, cutoff=datetime(1, 1, 1, 12).time()).at \
        == datetime(2026, 5, 9, 12)


@pytest.mark.parametrize("now,within,soon", [
    ("2026-10-09T08:00", 1, True),     # due tomorrow (the make-up Saturday)
    ("2026-10-08T08:00", 1, False),    # two working days ahead
    ("2026-10-08T08:00", 2, True),
    ("2026-10-03T08:00", 1, False),    # holiday: 10-08, 10-09, 10-10 are three working days ahead
    ("2026-10-10T11:59", 0, True),     # due today
    ("2026-10-10T12:00", 0, True),     # exactly at the cut-off is still on time
    ("2026-10-10T12:01", 1, False),    # overdue is not "due soon"
])
def test_due_soon(now, within, soon):
    due = datetime(2026, 10, 10, 12, 0)
    assert due_soon(CAL, due, datetime.fromisoformat(now), within) is soon


def test_is_overdue_boundary():
    due = datetime(2026, 10, 10, 12)
    assert not is_overdue(due, due) and is_overdue(due, due + timedelta(seconds=1))


def test_compute_frame_names_the_bad_row():
    frame = pd.DataFrame({"category": ["投诉", "其他"], "received": [datetime(2026, 9, 30)] * 2}, index=[7, 8])
    with pytest.raises(DeadlineError) as err:
        compute_frame(profiles.load("zibo"), CAL, frame)
    assert "第8行" in err.value.zh


def test_compute_frame_mixed_rounds_and_empty_cells():
    frame = pd.DataFrame({
        "category": ["投诉", "求助", "咨询"], "problem_type": [None, "复杂", ""],
        "received": [datetime(2026, 9, 30, 15)] * 3, "round": [1, 2, 1],
        "returned": [None, datetime(2026, 10, 20, 9), None], "extended": [True, False, False],
    })
    frame["problem_type"] = frame["problem_type"].replace("", None)
    got = compute_frame(profiles.load("zaoyang"), CAL, frame)
    assert list(got.columns) == ["resolve"]
    assert got["resolve"].tolist() == [pd.Timestamp("2026-10-20 23:59:59"),   # 5 + 5 WD
                                       pd.Timestamp("2026-11-17 23:59:59"),   # round 2: 20 WD from 10-20
                                       pd.Timestamp("2026-10-01 15:00:00")]   # 咨询: 24 hours
