"""Every limit in DOMAIN.md's table, for every profile, across the 2026 Spring Festival, Labour Day and
National Day periods. Expected dates are worked out by hand from the State Council's 2026 notice
(国办发明电〔2025〕7号): 春节 2/15-2/23 off, 2/14 (Sat) and 2/28 (Sat) work; 劳动节 5/1-5/5 off,
5/9 (Sat) work; 中秋 9/25-9/27 off; 国庆 10/1-10/7 off, 9/20 (Sun) and 10/10 (Sat) work."""
from datetime import datetime

import pytest

import profiles
from domain.calendar import WorkCalendar
from domain.deadlines import compute

CAL = WorkCalendar.official()


def _days(text):
    return [f"2026-{d}" for d in text.split()]


# For each receipt: the 1st, 2nd, ... working day after it, listed by hand from the notice.
RECEIPTS = {
    # Friday before the Spring Festival; the next day is a make-up Saturday.
    "spring_fri": ("2026-02-13T10:00", _days(
        "02-14 02-24 02-25 02-26 02-27 02-28 03-02 03-03 03-04 03-05 03-06 03-09 03-10 03-11 03-12 "
        "03-13 03-16 03-17 03-18 03-19")),
    # Received on the make-up Saturday itself: a working day, so counting starts the next working day.
    "spring_makeup_sat": ("2026-02-14T09:00", _days(
        "02-24 02-25 02-26 02-27 02-28 03-02 03-03 03-04 03-05 03-06 03-09 03-10 03-11 03-12 03-13 "
        "03-16 03-17 03-18 03-19 03-20")),
    # Received during the holiday: the first working day after it is working day 1.
    "spring_holiday": ("2026-02-17T14:30", _days(
        "02-24 02-25 02-26 02-27 02-28 03-02 03-03 03-04 03-05 03-06 03-09 03-10 03-11 03-12 03-13 "
        "03-16 03-17 03-18 03-19 03-20")),
    # Thursday before Labour Day; 5/9 is a make-up Saturday.
    "labour_eve": ("2026-04-30T16:00", _days(
        "05-06 05-07 05-08 05-09 05-11 05-12 05-13 05-14 05-15 05-18 05-19 05-20 05-21 05-22 05-25 "
        "05-26 05-27 05-28 05-29 06-01")),
    # An ordinary Sunday.
    "ordinary_sunday": ("2026-05-10T11:00", _days(
        "05-11 05-12 05-13 05-14 05-15 05-18 05-19 05-20 05-21 05-22 05-25 05-26 05-27 05-28 05-29 "
        "06-01 06-02 06-03 06-04 06-05")),
    # Received on the make-up Sunday before Mid-autumn and National Day.
    "national_makeup_sun": ("2026-09-20T10:00", _days(
        "09-21 09-22 09-23 09-24 09-28 09-29 09-30 10-08 10-09 10-10 10-12 10-13 10-14 10-15 10-16 "
        "10-19 10-20 10-21 10-22 10-23")),
    # The eve of National Day.
    "national_eve": ("2026-09-30T15:00", _days(
        "10-08 10-09 10-10 10-12 10-13 10-14 10-15 10-16 10-19 10-20 10-21 10-22 10-23 10-26 10-27 "
        "10-28 10-29 10-30 11-02 11-03 11-04 11-05 11-06 11-09 11-10 11-11 11-12 11-13 11-16 11-17 "
        "11-18 11-19 11-20 11-23 11-24 11-25 11-26 11-27 11-30 12-01")),
    # Received on a National Day holiday Saturday.
    "national_holiday_sat": ("2026-10-03T09:00", _days(
        "10-08 10-09 10-10 10-12 10-13 10-14 10-15 10-16 10-19 10-20 10-21 10-22 10-23 10-26 10-27 "
        "10-28 10-29 10-30 11-02 11-03")),
    # Received on the make-up Saturday after National Day.
    "national_makeup_sat": ("2026-10-10T17:45", _days(
        "10-12 10-13 10-14 10-15 10-16 10-19 10-20 10-21 10-22 10-23 10-26 10-27 10-28 10-29 10-30 "
        "11-02 11-03 11-04 11-05 11-06")),
}

# DOMAIN.md "Time limits", row by row: (profile, category, problem type, milestone, N working days, cut-off).
WORKING_DAY_LIMITS = [
    ("yicheng", "求助", None, "contact", 1, None),
    ("yicheng", "投诉", None, "reply", 2, None),
    ("yicheng", "咨询", None, "resolve", 7, None),
    ("yicheng", "意见建议", None, "resolve", 7, None),
    ("shanting", "求助", "一般", "resolve", 2, None),
    ("shanting", "投诉", "复杂", "reply", 5, None),
    ("shanting", "投诉", "复杂", "resolve", 5, None),
    ("gangnan", "投诉", None, "contact", 1, None),
    ("gangnan", "咨询", None, "resolve", 3, None),
    ("gangnan", "咨询", "一般", "resolve", 3, None),
    ("gangnan", "求助", None, "resolve", 5, None),
    ("gangnan", "意见建议", "复杂", "resolve", 5, None),
    ("gangnan", "投诉", None, "resolve", 10, None),
    ("gangnan", "举报", None, "resolve", 10, None),
    ("zaoyang", "投诉", None, "resolve", 5, None),       # 投诉 defaults to 一般
    ("zaoyang", "求助", "一般", "resolve", 5, None),
    ("zaoyang", "投诉", "复杂", "resolve", 20, None),
    ("zibo", "投诉", None, "reply", 3, "12:00"),
    ("zibo", "咨询", None, "resolve", 15, "12:00"),
]


@pytest.mark.parametrize("receipt", sorted(RECEIPTS))
@pytest.mark.parametrize("profile_id,category,problem_type,milestone,n,cutoff", WORKING_DAY_LIMITS)
def test_working_day_limits(profile_id, category, problem_type, milestone, n, cutoff, receipt):
    received, working_days = RECEIPTS[receipt]
    dues = compute(profiles.load(profile_id), CAL, category=category, problem_type=problem_type,
                   received=datetime.fromisoformat(received))
    expected = f"{working_days[n - 1]}T{cutoff + ':00' if cutoff else '23:59:59'}"
    assert dues[milestone].at.isoformat() == expected
    assert f"第{n}个工作日({working_days[n - 1]}" in dues[milestone].explain


def test_each_profile_names_exactly_its_milestones():
    cases = {
        ("yicheng", "求助", None): {"contact", "reply", "resolve"},
        ("shanting", "求助", "简单"): {"resolve"},
        ("shanting", "求助", "复杂"): {"reply", "resolve"},
        ("gangnan", "咨询", "简单"): {"resolve"},
        ("gangnan", "投诉", None): {"contact", "resolve"},
        ("zaoyang", "咨询", None): {"resolve"},
        ("zibo", "举报", None): {"reply", "resolve"},
    }
    for (pid, cat, pt), names in cases.items():
        dues = compute(profiles.load(pid), CAL, category=cat, problem_type=pt,
                       received=datetime(2026, 9, 30, 15))
        assert set(dues) == names, pid


@pytest.mark.parametrize("profile_id,category,problem_type", [
    ("shanting", "求助", "简单"), ("gangnan", "咨询", "简单")])
def test_immediate_is_due_at_receipt(profile_id, category, problem_type):
    received = datetime(2026, 10, 3, 9, 15)  # even on a holiday: answered in the same sitting
    due = compute(profiles.load(profile_id), CAL, category=category, problem_type=problem_type,
                  received=received)["resolve"]
    assert due.at == received
    assert "即时" in due.explain


@pytest.mark.parametrize("received,expected", [
    ("2026-09-30T15:00", "2026-10-01T15:00:00"),   # 24 clock hours, holiday or not
    ("2026-02-14T23:30", "2026-02-15T23:30:00"),
])
def test_zaoyang_simple_is_24_hours(received, expected):
    dues = compute(profiles.load("zaoyang"), CAL, category="咨询", received=datetime.fromisoformat(received))
    assert dues["resolve"].at.isoformat() == expected


def test_zaoyang_category_default_can_be_overridden_by_problem_type():
    p = profiles.load("zaoyang")
    simple = compute(p, CAL, category="投诉", problem_type="简单", received=datetime(2026, 9, 30, 15))
    assert simple["resolve"].at == datetime(2026, 10, 1, 15)


@pytest.mark.parametrize("received", ["2026-09-30T00:00", "2026-09-30T11:59", "2026-09-30T12:00",
                                      "2026-09-30T12:01", "2026-09-30T23:59"])
def test_zibo_noon_cutoff_does_not_depend_on_receipt_hour(received):
    dues = compute(profiles.load("zibo"), CAL, category="投诉", received=datetime.fromisoformat(received))
    assert dues["reply"].at == datetime(2026, 10, 10, 12, 0)
    assert dues["reply"].explain == "受理次日起第3个工作日(2026-10-10 周六 调休上班)12:00前"
    assert dues["resolve"].at == datetime(2026, 10, 27, 12, 0)


def test_receipt_on_rest_day_explains_the_start():
    due = compute(profiles.load("yicheng"), CAL, category="求助", received=datetime(2026, 10, 3, 9))["contact"]
    assert due.at == datetime(2026, 10, 8, 23, 59, 59)
    assert due.explain.startswith("受理日(2026-10-03 周六 国庆节)非工作日")


# --- extensions ---------------------------------------------------------------------------------
EXTENSIONS = [
    # (profile, category, problem type, approved extra length or None, expected resolve)
    ("yicheng", "投诉", None, None, "2026-10-26T23:59:59"),     # 14 WD in total
    ("yicheng", "投诉", None, 3, "2026-10-20T23:59:59"),        # 7 + 3 = 10 WD
    ("zaoyang", "投诉", None, None, "2026-10-20T23:59:59"),     # 5 + 5 = 10 WD
    ("zaoyang", "投诉", "复杂", None, "2026-12-01T23:59:59"),   # 20 + 20 = 40 WD
    ("zaoyang", "投诉", "复杂", 4, "2026-11-09T23:59:59"),      # 20 + 4 = 24 WD
    ("zaoyang", "咨询", None, None, "2026-10-02T15:00:00"),     # 24 + 24 hours
    ("zibo", "投诉", None, None, "2026-11-17T12:00:00"),        # 15 + 15 WD by default, noon kept
    ("zibo", "投诉", None, 5, "2026-11-03T12:00:00"),           # 15 + 5 = 20 WD
    ("gangnan", "投诉", None, None, "2026-11-03T23:59:59"),     # 10 + 10
    ("gangnan", "咨询", None, 2, "2026-10-13T23:59:59"),        # 3 + 2
    ("shanting", "投诉", "复杂", None, "2026-10-20T23:59:59"),  # 5 + 5
    ("shanting", "投诉", "一般", 1, "2026-10-10T23:59:59"),     # 2 + 1, the make-up Saturday
]


@pytest.mark.parametrize("profile_id,category,problem_type,extra,expected", EXTENSIONS)
def test_extensions(profile_id, category, problem_type, extra, expected):
    p = profiles.load(profile_id)
    plain = compute(p, CAL, category=category, problem_type=problem_type, received=datetime(2026, 9, 30, 15))
    dues = compute(p, CAL, category=category, problem_type=problem_type, received=datetime(2026, 9, 30, 15),
                   extended=True, extension_days=extra)
    assert dues["resolve"].at.isoformat() == expected
    assert "延期" in dues["resolve"].explain
    # only resolve moves
    assert {k: v.at for k, v in dues.items() if k != "resolve"} == {k: v.at for k, v in plain.items() if k != "resolve"}


@pytest.mark.parametrize("profile_id,category,problem_type,extra,fragment", [
    ("yicheng", "投诉", None, 8, "14个工作日"),
    ("zaoyang", "投诉", None, 6, "1倍"),
    ("shanting", "投诉", "简单", None, "即时"),
    ("gangnan", "咨询", "简单", None, "即时"),
])
def test_extension_beyond_the_rule_is_refused(profile_id, category, problem_type, extra, fragment):
    from domain.deadlines import DeadlineError
    with pytest.raises(DeadlineError) as err:
        compute(profiles.load(profile_id), CAL, category=category, problem_type=problem_type,
                received=datetime(2026, 9, 30, 15), extended=True, extension_days=extra)
    assert fragment in err.value.zh


# --- redo rounds ----------------------------------------------------------------------------------
ROUNDS = [
    # yicheng: 5 WD after the return; returned on the eve of National Day
    ("yicheng", "投诉", None, "2026-09-30T16:00", "2026-10-13T23:59:59"),
    # yicheng returned on the make-up Saturday 2/28: counts from Monday 3/2
    ("yicheng", "求助", None, "2026-02-28T10:00", "2026-03-06T23:59:59"),
    # zibo: 10 WD, noon of the 10th; returned during Labour Day
    ("zibo", "投诉", None, "2026-05-02T10:00", "2026-05-18T12:00:00"),
    # gangnan / zaoyang / shanting: the seed gives no redo limit, so the round-1 limit again
    ("gangnan", "投诉", None, "2026-09-30T16:00", "2026-10-20T23:59:59"),
    ("zaoyang", "投诉", "复杂", "2026-09-20T10:00", "2026-10-23T23:59:59"),
    ("shanting", "投诉", "一般", "2026-02-14T09:00", "2026-02-25T23:59:59"),
]


@pytest.mark.parametrize("profile_id,category,problem_type,returned,expected", ROUNDS)
def test_redo_round_counts_from_the_return(profile_id, category, problem_type, returned, expected):
    dues = compute(profiles.load(profile_id), CAL, category=category, problem_type=problem_type,
                   received=datetime(2026, 1, 5, 9), round=2, returned=datetime.fromisoformat(returned))
    assert list(dues) == ["resolve"]
    assert dues["resolve"].at.isoformat() == expected
    assert dues["resolve"].explain.startswith("第2轮")
    assert "退回" in dues["resolve"].explain
