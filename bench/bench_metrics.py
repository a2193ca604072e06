"""Metrics for a 100,000-ticket ledger: the pandas definitions against a naive per-row loop."""
from __future__ import annotations

import time
from collections import defaultdict

import numpy as np
import pandas as pd

from domain.metrics import (DISTRICT, NOTICE_KINDS, TRUE_FINDINGS, Period, compute_all, compute_metrics)
from domain.ranking import rank_units


class WeekdayCalendar:
    """Monday-Friday working days minus a holiday set (numpy busday); counts days after start through end."""

    def __init__(self, holidays=()):
        self.holidays = np.array(sorted(holidays), dtype="datetime64[D]")

    def count_working_days_array(self, starts, ends):
        s = np.asarray(starts, dtype="datetime64[D]") + np.timedelta64(1, "D")
        e = np.asarray(ends, dtype="datetime64[D]") + np.timedelta64(1, "D")
        return np.busday_count(s, e, holidays=self.holidays)


def synth_ledger(n: int, seed: int = 0, units: int = 40, townships: int = 12, year: int = 2026):
    """A random but plausible ledger (tickets, lights, notices, referrals) spread over one year."""
    rng = np.random.default_rng(seed)
    base = np.datetime64(f"{year}-01-01T00:00")
    minute = np.timedelta64(1, "m")
    day = np.timedelta64(1, "D")
    received = base + rng.integers(0, 365 * 24 * 60, n) * minute
    accepted = rng.random(n) > 0.05
    contact_due = (received.astype("datetime64[D]") + rng.integers(1, 4, n) * day) + np.timedelta64(1050, "m")
    first_contact = received + rng.integers(10, 4 * 24 * 60, n) * minute
    original = (received.astype("datetime64[D]") + rng.integers(5, 15, n) * day) + np.timedelta64(1050, "m")
    has_ext = rng.random(n) < 0.1
    extended = np.where(has_ext, original + rng.integers(3, 10, n) * day, original)
    ext_at = np.where(has_ext, original + rng.integers(-5 * 24 * 60, 2 * 24 * 60, n) * minute,
                      np.datetime64("NaT"))
    resolved = received + rng.integers(60, 25 * 24 * 60, n) * minute
    open_ = rng.random(n) < 0.08
    resolved = np.where(open_, np.datetime64("NaT"), resolved)
    finding = rng.choice(np.array(["属实", "部分属实", "不属实", None], dtype=object), n, p=[.5, .2, .2, .1])
    solved = np.where(np.isin(finding, TRUE_FINDINGS), rng.random(n) < 0.85, None).astype(object)
    solved[rng.random(n) < 0.05] = None
    rated = (~open_) & (rng.random(n) < 0.9)
    rating = np.where(rated, rng.choice(np.array(["非常满意", "满意", "基本满意", "不满意", "非常不满意"],
                                                 dtype=object), n, p=[.3, .4, .15, .1, .05]), None)
    visited = np.where(rated, resolved + rng.integers(60, 6 * 24 * 60, n) * minute, np.datetime64("NaT"))
    reopened = rated & (rng.random(n) < 0.04)
    reopened_at = np.where(reopened, visited, np.datetime64("NaT"))
    unit_names = np.array([f"单位{i:02d}" for i in range(units)], dtype=object)
    town_names = np.array([f"镇街{i:02d}" for i in range(townships)], dtype=object)
    numbers = np.array([f"〔{year}〕第{i + 1:06d}号" for i in range(n)], dtype=object)
    tickets = pd.DataFrame({
        "number": numbers,
        "township": town_names[rng.integers(0, townships, n)],
        "unit": unit_names[rng.integers(0, units, n)],
        "category": rng.choice(np.array(["咨询", "求助", "投诉", "举报", "意见建议"], dtype=object), n),
        "problem_type": rng.choice(np.array(["简单", "一般", "复杂"], dtype=object), n),
        "accepted": accepted,
        "excluded_reason": np.where(accepted, None, "企业之间的民事纠纷"),
        "received": received,
        "contact_due": np.where(accepted, contact_due, np.datetime64("NaT")),
        "first_contact_at": np.where(accepted, first_contact, np.datetime64("NaT")),
        "resolve_due_original": np.where(accepted, original, np.datetime64("NaT")),
        "resolve_due": np.where(accepted, extended, np.datetime64("NaT")),
        "extension_approved_at": np.where(accepted, ext_at, np.datetime64("NaT")),
        "resolved_at": np.where(accepted, resolved, np.datetime64("NaT")),
        "finding": np.where(accepted, finding, None),
        "solved": np.where(accepted, solved, None),
        "rating": np.where(accepted, rating, None),
        "visited_at": np.where(accepted, visited, np.datetime64("NaT")),
        "round": np.where(accepted & reopened, 2, 1),
        "reopened_at": np.where(accepted, reopened_at, np.datetime64("NaT")),
    })
    m = max(1, n // 20)
    pick = rng.integers(0, n, m)
    lights = pd.DataFrame({"ticket": numbers[pick], "unit": tickets["unit"].values[pick],
                           "light": rng.choice(np.array(["yellow", "red"], dtype=object), m, p=[.7, .3]),
                           "milestone": "resolve", "at": received[pick] + rng.integers(1, 20, m) * day})
    k = max(1, n // 100)
    pick = rng.integers(0, n, k)
    notices = pd.DataFrame({"kind": rng.choice(np.array(NOTICE_KINDS, dtype=object), k),
                            "number": [f"督〔{year}〕{i + 1}号" for i in range(k)],
                            "unit": tickets["unit"].values[pick], "ticket": numbers[pick],
                            "issued_at": received[pick] + rng.integers(3, 30, k) * day})
    r = max(1, n // 1000)
    pick = rng.integers(0, n, r)
    referrals = pd.DataFrame({"ticket": numbers[pick], "unit": tickets["unit"].values[pick],
                              "at": received[pick] + rng.integers(10, 40, r) * day})
    return tickets, lights, notices, referrals


def _ts(v):
    return None if v is None or pd.isna(v) else pd.Timestamp(v)


def naive_metrics(tickets, period, *, calendar, by="unit", satisfied_levels=("满意",), lights=None,
                  notices=None, referrals=None, as_of=None):
    """The same definitions written as one Python loop over rows: the baseline, and a cross-check in tests.

    Assumes the frame is already in contract form (no blank strings, dues carry a time of day)."""
    as_of = period.end if as_of is None else pd.Timestamp(as_of)
    start, end = period.start, period.end
    inp = lambda x: x is not None and start <= x < end  # noqa: E731
    known = lambda x: x if x is not None and x <= as_of else None  # noqa: E731
    acc = defaultdict(lambda: defaultdict(int))
    days = defaultdict(list)
    township_of = {}
    for row in tickets.to_dict("records"):
        row = {k: (None if not isinstance(v, (str, bool)) and pd.isna(v) else v) for k, v in row.items()}
        township_of.setdefault(row["number"], row["township"])
        received = _ts(row["received"])
        if received > as_of:
            continue
        key = DISTRICT if by == "district" else row[by]
        a = acc[key]
        ok = bool(row["accepted"])
        if inp(received):
            a["received"] += 1
            a["accepted" if ok else "not_accepted"] += 1
        if not ok:
            continue
        resolved = known(_ts(row.get("resolved_at")))
        contact = known(_ts(row.get("first_contact_at")))
        ext = known(_ts(row.get("extension_approved_at")))
        original = _ts(row.get("resolve_due_original")) or _ts(row.get("resolve_due"))
        due = original
        if ext is not None and _ts(row.get("resolve_due")) is not None and ext <= original:
            due = _ts(row["resolve_due"])
        visited = _ts(row.get("visited_at"))
        rating = row.get("rating") if (visited is None or visited <= as_of) else None
        visited = known(visited)
        if inp(resolved):
            a["closed"] += 1
            a["visit_coverage_rate_den"] += 1
            a["visit_coverage_rate_num"] += rating is not None
            days[key].append(float(calendar.count_working_days_array([received], [resolved])[0]))
            if row.get("finding") in TRUE_FINDINGS and row.get("solved") is not None:
                a["resolution_rate_den"] += 1
                a["resolution_rate_num"] += row["solved"] is True or row["solved"] == True  # noqa: E712
        if inp(due) and (resolved is not None or due < as_of):
            a["on_time_rate_den"] += 1
            a["on_time_rate_num"] += resolved is not None and resolved <= due
        cdue = _ts(row.get("contact_due"))
        if inp(cdue) and (contact is not None or cdue < as_of):
            a["first_contact_rate_den"] += 1
            a["first_contact_rate_num"] += contact is not None and contact <= cdue
        if rating is not None and inp(visited or resolved):
            a["satisfaction_rate_den"] += 1
            a["satisfaction_rate_num"] += rating in satisfied_levels
        reopened = _ts(row.get("reopened_at"))
        if int(row.get("round") or 1) >= 2 and (reopened is None or reopened <= as_of) and inp(reopened or resolved):
            a["reopened"] += 1

    def side(frame, time_col, counters):
        for row in ([] if frame is None else frame.to_dict("records")):
            at = _ts(row[time_col])
            if not inp(at) or at > as_of:
                continue
            key = (DISTRICT if by == "district" else row["unit"] if by == "unit"
                   else township_of.get(row["ticket"]))
            if key is None:
                continue
            for name, test in counters.items():
                acc[key][name] += bool(test(row))

    side(lights, "at", {"yellow_lights": lambda r: r["light"] == "yellow", "red_lights": lambda r: r["light"] == "red"})
    side(notices, "issued_at", {"notices": lambda r: True, **{k: (lambda r, k=k: r["kind"] == k) for k in NOTICE_KINDS}})
    side(referrals, "at", {"referrals": lambda r: True})
    for key, values in days.items():
        values.sort()
        n = len(values)
        mid = n // 2
        acc[key]["handling_days_median"] = values[mid] if n % 2 else (values[mid - 1] + values[mid]) / 2
        acc[key]["handling_days_p90"] = values[int(np.ceil(0.9 * n)) - 1]
    return {k: dict(v) for k, v in acc.items()}


def _best_of(k, fn):
    best = float("inf")
    for _ in range(k):
        t0 = time.perf_counter()
        result = fn()
        best = min(best, time.perf_counter() - t0)
    return best, result


def run():
    n = 100_000
    cal = WeekdayCalendar(["2026-01-01", "2026-05-01", "2026-10-01", "2026-10-02"])
    tickets, lights, notices, referrals = synth_ledger(n)
    month = Period.month(2026, 10)
    kw = dict(calendar=cal, satisfied_levels=("非常满意", "满意", "基本满意"), lights=lights, notices=notices,
              referrals=referrals)
    fast, table = _best_of(3, lambda: compute_metrics(tickets, month, by="unit", **kw))
    slow, reference = _best_of(1, lambda: naive_metrics(tickets, month, by="unit", **kw))
    agree = all(int(table.loc[u, c]) == reference[u].get(c, 0)
                for u in table.index for c in table.columns if not c.startswith("handling"))
    bulletin, tables = _best_of(3, lambda: compute_all(tickets, month, **kw))
    ranking_s, ranking = _best_of(3, lambda: rank_units(tables["unit"]))
    year_s, _ = _best_of(3, lambda: compute_all(tickets, Period.year(2026), **kw))
    print(f"tickets: {n:,}  units: {len(tables['unit'])}  townships: {len(tables['township'])}  (best of 3)")
    print(f"per-unit metrics for a month, pandas:        {fast:7.3f} s")
    print(f"per-unit metrics for a month, per-row loop:  {slow:7.3f} s  (baseline; {slow / fast:.0f}x slower)")
    print(f"same counts and rates from both: {agree}")
    print(f"unit + township + district tables, a month:  {bulletin:7.3f} s")
    print(f"unit + township + district tables, a year:   {year_s:7.3f} s")
    print(f"ranking of {len(ranking)} units:                   {ranking_s:7.3f} s  "
          f"(first: {ranking.index[0]}, score {ranking['score'].iloc[0]:.2f})")
