"""The pandas definitions agree with the naive per-row loop on random ledgers, periods and as-of times."""
import math

import pandas as pd
from hypothesis import given, settings, strategies as st

from bench.bench_metrics import WeekdayCalendar, naive_metrics, synth_ledger
from domain.metrics import COUNT_NAMES, RATE_NAMES, Period, compute_metrics

CAL = WeekdayCalendar(["2026-01-01", "2026-05-01", "2026-10-01", "2026-10-02", "2026-10-05"])
SATISFIED = ("非常满意", "满意", "基本满意")

periods = st.one_of(
    st.integers(1, 12).map(lambda m: Period.month(2026, m)),
    st.integers(1, 4).map(lambda q: Period.quarter(2026, q)),
    st.just(Period.half(2026, 2)),
)


@settings(max_examples=40, deadline=None)
@given(seed=st.integers(0, 10_000), n=st.integers(1, 120), period=periods,
       by=st.sampled_from(["unit", "township", "district"]), cut=st.one_of(st.none(), st.floats(0.05, 1.5)))
def test_pandas_equals_per_row_loop(seed, n, period, by, cut):
    tickets, lights, notices, referrals = synth_ledger(n, seed=seed, units=5, townships=3)
    as_of = None if cut is None else period.start + (period.end - period.start) * cut
    kw = dict(calendar=CAL, by=by, satisfied_levels=SATISFIED, lights=lights, notices=notices,
              referrals=referrals, as_of=as_of)
    fast = compute_metrics(tickets, period, **kw)
    slow = naive_metrics(tickets, period, **kw)
    columns = [*(c for c in COUNT_NAMES), *(f"{r}_{p}" for r in RATE_NAMES for p in ("num", "den"))]
    for group in set(fast.index) | set(slow):
        want = slow.get(group, {})
        assert group in fast.index, group
        row = fast.loc[group]
        for c in columns:
            assert int(row[c]) == want.get(c, 0), (group, c)
        for c in ("handling_days_median", "handling_days_p90"):
            if c in want:
                assert row[c] == want[c], (group, c)
            else:
                assert math.isnan(row[c]), (group, c)


def test_every_count_column_is_reached_by_the_generator():
    # Guards the property above from passing on all-zero columns.
    tickets, lights, notices, referrals = synth_ledger(3000, seed=1)
    table = compute_metrics(tickets, Period.year(2026), by="district", calendar=CAL, satisfied_levels=SATISFIED,
                            lights=lights, notices=notices, referrals=referrals)
    row = table.iloc[0]
    zero = [c for c in table.columns if not c.startswith("handling") and row[c] == 0]
    assert zero == []
    assert pd.notna(row["handling_days_p90"])


@settings(max_examples=30, deadline=None)
@given(seed=st.integers(0, 10_000), n=st.integers(1, 300), year=st.sampled_from([2025, 2026]))
def test_trend_counts_equal_trends_received_and_closed(seed, n, year):
    from domain.metrics import trend, trend_counts
    tickets, lights, notices, referrals = synth_ledger(n, seed=seed, units=5, townships=3, year=year)
    months = Period.parse("2026").months()
    full = trend(tickets, months, calendar=CAL, satisfied_levels=SATISFIED, lights=lights, notices=notices,
                 referrals=referrals)
    assert trend_counts(tickets, months).equals(full[["received", "closed"]].astype("int64"))
