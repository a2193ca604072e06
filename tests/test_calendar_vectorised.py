"""Property tests: the vectorised calendar and deadline paths give the scalar answers, errors included."""
from datetime import date, datetime, timedelta

import numpy as np
import pandas as pd
from hypothesis import given, settings, strategies as st

import profiles
from domain.calendar import Override, UnknownYearError, WorkCalendar
from domain.deadlines import DeadlineError, compute, compute_frame

CAL = WorkCalendar.official()
# A calendar with a gap: 2028 known from one override row, 2027 still unknown.
GAPPY = WorkCalendar.official([Override(date(2028, 1, 1), "休", "元旦"), Override(date(2026, 6, 1), "休", "x")])

dates = st.dates(min_value=date(2003, 12, 1), max_value=date(2028, 12, 31))
near = st.dates(min_value=date(2025, 11, 1), max_value=date(2026, 12, 31))


def _scalar(fn):
    try:
        return fn()
    except UnknownYearError as exc:
        return ("unknown", exc.year)


def _vector(fn):
    try:
        return [d.astype(object) if isinstance(d, np.datetime64) else d.item() for d in fn()]
    except UnknownYearError as exc:
        return ("unknown", exc.year)


@settings(max_examples=150, deadline=None)
@given(starts=st.lists(st.one_of(near, dates), min_size=1, max_size=8), n=st.integers(0, 45),
       gappy=st.booleans())
def test_add_working_days_agrees(starts, n, gappy):
    cal = GAPPY if gappy else CAL
    scalar = [_scalar(lambda s=s: cal.add_working_days(s, n)) for s in starts]
    errors = [r for r in scalar if isinstance(r, tuple)]
    vector = _vector(lambda: cal.add_working_days_array(pd.Series(pd.to_datetime(starts)), n))
    if errors:
        # the vectorised path refuses the whole batch, naming a year some row reaches
        assert isinstance(vector, tuple) and vector[1] in {e[1] for e in errors}
    else:
        assert vector == scalar


@settings(max_examples=150, deadline=None)
@given(start=st.one_of(near, dates), n=st.integers(0, 20), gappy=st.booleans())
def test_single_row_paths_agree_exactly(start, n, gappy):
    cal = GAPPY if gappy else CAL
    arr = np.array([start], dtype="datetime64[D]")
    assert _scalar(lambda: cal.add_working_days(start, n)) == _one(_vector(lambda: cal.add_working_days_array(arr, n)))
    assert _scalar(lambda: cal.add_calendar_days(start, n)) == _one(_vector(lambda: cal.add_calendar_days_array(arr, n)))
    assert _scalar(lambda: cal.is_working_day(start)) == _one(_vector(lambda: cal.is_working_day_array(arr)))
    end = start + timedelta(days=n)
    assert (_scalar(lambda: cal.count_working_days(start, end))
            == _one(_vector(lambda: cal.count_working_days_array(arr, np.array([end], dtype="datetime64[D]")))))


def _one(v):
    return v if isinstance(v, tuple) else v[0]


tickets = st.fixed_dictionaries({
    "profile": st.sampled_from(["yicheng", "shanting", "gangnan", "zaoyang", "zibo"]),
    "cat": st.integers(0, 4), "pt": st.integers(-1, 2),
    "received": st.datetimes(min_value=datetime(2025, 12, 1), max_value=datetime(2026, 11, 15)),
    "extended": st.booleans(), "round": st.sampled_from([1, 1, 2]), "gap_hours": st.integers(1, 24 * 40),
})


@settings(max_examples=100, deadline=None)
@given(rows=st.lists(tickets, min_size=1, max_size=6), profile_id=st.sampled_from(profiles.ids()))
def test_compute_frame_agrees_with_compute(rows, profile_id):
    p = profiles.load(profile_id)
    records = []
    for r in rows:
        pt = p.problem_types[r["pt"] % len(p.problem_types)] if p.problem_types and r["pt"] >= 0 else None
        returned = r["received"] + timedelta(hours=r["gap_hours"]) if r["round"] == 2 else None
        records.append(dict(category=p.categories[r["cat"] % len(p.categories)], problem_type=pt,
                            received=r["received"], extended=r["extended"] and r["round"] == 1,
                            round=r["round"], returned=returned))
    expected = []
    for rec in records:
        try:
            expected.append({k: v.at for k, v in compute(p, CAL, **rec).items()})
        except (DeadlineError, UnknownYearError):
            expected.append(None)
    frame = pd.DataFrame(records)
    if any(e is None for e in expected):
        try:
            compute_frame(p, CAL, frame)
        except (DeadlineError, UnknownYearError):
            return
        raise AssertionError("compute_frame accepted a row compute refused")
    got = compute_frame(p, CAL, frame)
    for i, exp in enumerate(expected):
        row = {k: v.to_pydatetime() for k, v in got.iloc[i].items() if not pd.isna(v)}
        assert row == exp


@settings(max_examples=100, deadline=None)
@given(now=st.datetimes(min_value=datetime(2026, 1, 1), max_value=datetime(2026, 11, 30)),
       offsets=st.lists(st.integers(-3 * 24 * 60, 20 * 24 * 60), min_size=1, max_size=6),
       within=st.integers(0, 3))
def test_due_soon_array_agrees(now, offsets, within):
    from domain.deadlines import due_soon, due_soon_array

    dues = [now + timedelta(minutes=m) for m in offsets]
    expected = [due_soon(CAL, d, now, within) for d in dues]
    assert due_soon_array(CAL, dues + [pd.NaT], now, within).tolist() == expected + [False]
