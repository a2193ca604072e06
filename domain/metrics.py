"""Metric definitions (按时办结率, 问题解决率, 满意率 …) for a period, per unit, township or district; pandas in, pandas out."""
from __future__ import annotations

import math
import re
import warnings
from dataclasses import dataclass
from typing import Callable, Iterable, Mapping

import numpy as np
import pandas as pd

DISTRICT = "全区"
TRUE_FINDINGS = ("属实", "部分属实")
NOTICE_KINDS = ("reminder_letter", "supervision_form", "rectification_notice", "interview_notice")
GROUPINGS = ("unit", "township", "district")

REQUIRED_COLUMNS = ("number", "township", "unit", "received", "accepted")
OPTIONAL_COLUMNS = (
    "category", "problem_type", "excluded_reason", "contact_due", "first_contact_at",
    "resolve_due_original", "resolve_due", "extension_approved_at", "resolved_at", "finding", "solved",
    "rating", "visited_at", "round", "reopened_at", "archived",
)
_TIME_COLUMNS = ("received", "contact_due", "first_contact_at", "resolve_due_original", "resolve_due",
                 "extension_approved_at", "resolved_at", "visited_at", "reopened_at")
_DUE_COLUMNS = ("contact_due", "resolve_due_original", "resolve_due")
_LOCAL_TZ = "Asia/Shanghai"


class MetricsInputError(ValueError):
    """An input frame breaks the contract; the message is Chinese first, English after."""

    def __init__(self, zh: str, en: str):
        super().__init__(f"{zh}({en})")
        self.zh, self.en = zh, en


@dataclass(frozen=True)
class Rate:
    """A rate kept as numerator/denominator; 0/0 has no value and renders as "— (0/0)"."""
    numerator: int
    denominator: int

    @property
    def value(self) -> float | None:
        return self.numerator / self.denominator if self.denominator else None

    @property
    def percent(self) -> float | None:
        return 100.0 * self.numerator / self.denominator if self.denominator else None

    def __str__(self) -> str:
        shown = "—" if self.percent is None else f"{self.percent:.1f}%"
        return f"{shown} ({self.numerator}/{self.denominator})"


@dataclass(frozen=True)
class MetricDef:
    """One metric: its column name, its Chinese label, its kind and the period basis that places a ticket."""
    name: str
    label: str
    kind: str        # "count" | "rate" | "days"
    basis: str       # which moment puts a ticket in the period


METRICS: tuple[MetricDef, ...] = (
    MetricDef("received", "受理诉求数(收到)", "count", "received"),
    MetricDef("accepted", "受理数", "count", "received"),
    MetricDef("not_accepted", "不予受理数", "count", "received"),
    MetricDef("closed", "办结数", "count", "resolved_at"),
    MetricDef("on_time_rate", "按时办结率", "rate", "effective resolve due"),
    MetricDef("first_contact_rate", "首次联系及时率", "rate", "contact_due"),
    MetricDef("resolution_rate", "问题解决率", "rate", "resolved_at"),
    MetricDef("satisfaction_rate", "满意率", "rate", "visited_at"),
    MetricDef("visit_coverage_rate", "回访率", "rate", "resolved_at"),
    MetricDef("reopened", "重新办理数", "count", "reopened_at"),
    MetricDef("yellow_lights", "黄灯数", "count", "light at"),
    MetricDef("red_lights", "红灯数", "count", "light at"),
    MetricDef("notices", "督办文书数", "count", "issued_at"),
    MetricDef("reminder_letter", "提醒敦促函", "count", "issued_at"),
    MetricDef("supervision_form", "督办单", "count", "issued_at"),
    MetricDef("rectification_notice", "整改通知书", "count", "issued_at"),
    MetricDef("interview_notice", "约谈通知书", "count", "issued_at"),
    MetricDef("referrals", "移送纪检监察数", "count", "referral at"),
    MetricDef("handling_days_median", "办理用时中位数(工作日)", "days", "resolved_at"),
    MetricDef("handling_days_p90", "办理用时90分位(工作日)", "days", "resolved_at"),
)
METRIC_BY_NAME = {m.name: m for m in METRICS}
RATE_NAMES = tuple(m.name for m in METRICS if m.kind == "rate")
COUNT_NAMES = tuple(m.name for m in METRICS if m.kind == "count")
GROUP_LABELS = {"unit": "承办单位", "township": "镇街", "district": "区域"}


@dataclass(frozen=True)
class Period:
    """A half-open reporting period [start, end) of local dates, with the label people read."""
    start: pd.Timestamp
    end: pd.Timestamp
    label: str = ""

    def __post_init__(self):
        object.__setattr__(self, "start", pd.Timestamp(self.start))
        object.__setattr__(self, "end", pd.Timestamp(self.end))
        if not self.end > self.start:
            raise MetricsInputError("统计期间的结束时间须晚于开始时间", "period end must be after its start")
        if not self.label:
            object.__setattr__(self, "label", f"{self.start:%Y-%m-%d}至{self.end:%Y-%m-%d}")

    @classmethod
    def month(cls, year: int, month: int) -> "Period":
        start = pd.Timestamp(year, month, 1)
        return cls(start, start + pd.offsets.MonthBegin(1), f"{year}年{month}月")

    @classmethod
    def quarter(cls, year: int, quarter: int) -> "Period":
        start = pd.Timestamp(year, 3 * quarter - 2, 1)
        return cls(start, start + pd.offsets.MonthBegin(3), f"{year}年第{'一二三四'[quarter - 1]}季度")

    @classmethod
    def half(cls, year: int, half: int) -> "Period":
        start = pd.Timestamp(year, 6 * half - 5, 1)
        return cls(start, start + pd.offsets.MonthBegin(6), f"{year}年{'上下'[half - 1]}半年")

    @classmethod
    def year(cls, year: int) -> "Period":
        return cls(pd.Timestamp(year, 1, 1), pd.Timestamp(year + 1, 1, 1), f"{year}年")

    @classmethod
    def parse(cls, text: str) -> "Period":
        """Reads 2026-10, 2026Q3, 2026H2 or 2026."""
        s = str(text).strip().upper()
        if m := re.fullmatch(r"(\d{4})-(\d{1,2})", s):
            if 1 <= int(m[2]) <= 12:
                return cls.month(int(m[1]), int(m[2]))
        elif m := re.fullmatch(r"(\d{4})Q([1-4])", s):
            return cls.quarter(int(m[1]), int(m[2]))
        elif m := re.fullmatch(r"(\d{4})H([12])", s):
            return cls.half(int(m[1]), int(m[2]))
        elif re.fullmatch(r"\d{4}", s):
            return cls.year(int(s))
        raise MetricsInputError(f"无法识别的统计期间“{text}”,应写作 2026-10、2026Q3、2026H2 或 2026",
                                f"unknown period {text!r}; use 2026-10, 2026Q3, 2026H2 or 2026")

    def months(self) -> list["Period"]:
        """The calendar months inside this period, in order (the bulletin's trend axis)."""
        starts = pd.date_range(self.start, self.end, freq="MS", inclusive="left")
        return [Period.month(d.year, d.month) for d in starts]

    def contains(self, times: pd.Series) -> pd.Series:
        return (times >= self.start) & (times < self.end)


def working_day_counter(calendar) -> Callable[[np.ndarray, np.ndarray], np.ndarray]:
    """Accepts a calendar with count_working_days_array(starts, ends) (working days in (start, end], as
    domain.calendar.WorkCalendar) or such a callable itself."""
    fn = getattr(calendar, "count_working_days_array", calendar)
    if not callable(fn):
        raise MetricsInputError("工作日历须提供 count_working_days_array(开始, 结束)",
                                "calendar must have count_working_days_array(starts, ends) or be callable")
    return fn


def _to_local_naive(col: pd.Series, name: str) -> pd.Series:
    try:
        with warnings.catch_warnings():  # pandas warns when it falls back to per-cell parsing; that is fine here
            warnings.simplefilter("ignore", UserWarning)
            out = pd.to_datetime(col, errors="raise")
    except (ValueError, TypeError) as exc:
        raise MetricsInputError(f"列 {name} 含无法识别的时间", f"column {name} has an unreadable time: {exc}")
    if getattr(out.dt, "tz", None) is not None:
        out = out.dt.tz_convert(_LOCAL_TZ).dt.tz_localize(None)
    return out.astype("datetime64[ns]")


_BOOLS = {True: True, False: False, 1: True, 0: False, "是": True, "否": False,
          "1": True, "0": False,
          "true": True, "false": False, "True": True, "False": False}


def _as_bool(col: pd.Series, name: str) -> pd.Series:
    """True/False/None from bools, 0/1 or 是/否; anything else is an input error."""
    col = _text(col) if col.dtype == object or pd.api.types.is_string_dtype(col) else col.astype(object)
    seen = {}
    for v in pd.unique(col.to_numpy(dtype=object)):
        if v is None or v is pd.NA or (isinstance(v, float) and math.isnan(v)):
            continue
        try:
            seen[v] = _BOOLS[v]
        except (KeyError, TypeError):
            raise MetricsInputError(f"列 {name} 的值“{v}”不是 是/否", f"column {name}: {v!r} is not a boolean")
    return col.map(seen).astype(object).where(col.notna(), None)


def _text(col: pd.Series) -> pd.Series:
    """Strings stripped; blank cells become missing (None)."""
    codes, uniques = pd.factorize(col.astype(object), use_na_sentinel=True)
    # Strip each distinct value once: units, townships and ratings repeat across 100,000 rows.
    cleaned = [str(u).strip() for u in uniques]
    table = np.array([v if v else None for v in cleaned] + [None], dtype=object)
    return pd.Series(table[codes], index=col.index, dtype=object)


def prepare_tickets(tickets: pd.DataFrame) -> pd.DataFrame:
    """Checks the tickets frame against the contract and adds the period-independent derived columns."""
    missing = [c for c in REQUIRED_COLUMNS if c not in tickets.columns]
    if "accepted" in missing and "excluded_reason" in tickets.columns:
        missing.remove("accepted")
    if missing:
        raise MetricsInputError("诉求数据缺少列:" + "、".join(missing), "tickets frame lacks: " + ", ".join(missing))
    t = tickets.copy()
    for c in OPTIONAL_COLUMNS:
        if c not in t.columns:
            t[c] = None
    for c in _TIME_COLUMNS:
        t[c] = _to_local_naive(t[c], c)
    if t["received"].isna().any():
        rows = ", ".join(map(str, t.loc[t["received"].isna(), "number"].head(5)))
        raise MetricsInputError(f"以下诉求缺少受理时间:{rows}", f"tickets without a received time: {rows}")
    for c in _DUE_COLUMNS:
        # A ledger cell holding only a date means "by the end of that day".
        midnight = t[c].notna() & (t[c] == t[c].dt.normalize())
        t.loc[midnight, c] = t.loc[midnight, c] + pd.Timedelta(days=1) - pd.Timedelta(microseconds=1)
    t["excluded_reason"] = _text(t["excluded_reason"])
    if "accepted" not in tickets.columns:
        t["accepted"] = None
    # A blank 受理 cell is read from the exclusion column: no reason recorded means accepted.
    accepted = _as_bool(t["accepted"], "accepted")
    t["accepted"] = accepted.where(accepted.notna(), t["excluded_reason"].isna()).astype(bool)
    t["solved"] = _as_bool(t["solved"], "solved")
    for c in ("number", "township", "unit", "finding", "rating", "category", "problem_type"):
        t[c] = _text(t[c])
    t["round"] = pd.to_numeric(t["round"], errors="coerce").fillna(1).astype(int)
    return t


def _known_at(t: pd.DataFrame, as_of: pd.Timestamp) -> pd.DataFrame:
    """The ledger as it stood at as_of: anything recorded later has not happened yet."""
    t = t.copy()
    t.loc[t["reopened_at"] > as_of, "round"] = 1
    for c in ("first_contact_at", "extension_approved_at", "resolved_at", "reopened_at"):
        t.loc[t[c] > as_of, c] = pd.NaT
    late_visit = t["visited_at"] > as_of
    t.loc[late_visit, ["visited_at", "rating"]] = [pd.NaT, None]
    return t


def _effective_due(t: pd.DataFrame) -> pd.Series:
    """The resolve due the ticket is judged by: extended only if approved no later than the original due."""
    original = t["resolve_due_original"].fillna(t["resolve_due"])
    extended = (t["extension_approved_at"].notna() & t["resolve_due"].notna()
                & (t["extension_approved_at"] <= original))
    return t["resolve_due"].where(extended, original)


def _indicators(t: pd.DataFrame, period: Period, as_of: pd.Timestamp, satisfied: Iterable[str]) -> pd.DataFrame:
    """One 0/1 column per counted quantity, one row per ticket; summing them by group gives the metrics."""
    inp = period.contains
    acc = t["accepted"]
    rec = inp(t["received"])
    resolved = t["resolved_at"]
    closed = acc & inp(resolved)
    due = _effective_due(t)
    on_time_den = acc & inp(due) & (resolved.notna() | (due < as_of))
    contact_den = acc & inp(t["contact_due"]) & (t["first_contact_at"].notna() | (t["contact_due"] < as_of))
    resolution_den = closed & t["finding"].isin(TRUE_FINDINGS) & t["solved"].notna()
    rated = t["rating"].notna()
    visit_time = t["visited_at"].fillna(resolved)
    satisfaction_den = acc & rated & inp(visit_time)
    reopen_time = t["reopened_at"].fillna(resolved)
    ind = pd.DataFrame({
        "received": rec,
        "accepted": rec & acc,
        "not_accepted": rec & ~acc,
        "closed": closed,
        "on_time_rate_num": on_time_den & (resolved <= due),
        "on_time_rate_den": on_time_den,
        "first_contact_rate_num": contact_den & (t["first_contact_at"] <= t["contact_due"]),
        "first_contact_rate_den": contact_den,
        "resolution_rate_num": resolution_den & (t["solved"] == True),  # noqa: E712  (object column)
        "resolution_rate_den": resolution_den,
        "satisfaction_rate_num": satisfaction_den & t["rating"].isin(tuple(satisfied)),
        "satisfaction_rate_den": satisfaction_den,
        "visit_coverage_rate_num": closed & rated,
        "visit_coverage_rate_den": closed,
        "reopened": acc & (t["round"] >= 2) & inp(reopen_time),
    }, index=t.index)
    return ind.astype(np.int64)


def _nearest_rank(values: pd.Series, keys: pd.Series, q: float) -> pd.Series:
    """Per group, the smallest value with at least q of the group at or below it (nearest-rank percentile)."""
    df = pd.DataFrame({"k": keys.values, "v": values.values})
    # A ticket without the grouping's key (closed on the spot, never dispatched to a unit) is in no group,
    # as in groupby; left in, its NaN group size would break the rank arithmetic.
    df = df[df["k"].notna()].sort_values(["k", "v"], kind="mergesort")
    n = df.groupby("k")["v"].transform("size")
    pos = df.groupby("k").cumcount()
    target = np.ceil(q * n).astype(int) - 1
    picked = df[pos.values == target.values]
    return picked.set_index("k")["v"]


def _keys(frame_key: str, by: str, frame: pd.DataFrame, t: pd.DataFrame, district_label: str) -> pd.Series:
    """The group each row of a side frame (lights, notices, referrals) belongs to."""
    if by == "district":
        return pd.Series(district_label, index=frame.index)
    if by == "unit":
        return _text(frame["unit"])
    tickets = _text(frame[frame_key])
    known = t.loc[t["number"].isin(tickets.dropna().unique()), ["number", "township"]]
    return tickets.map(known.drop_duplicates("number").set_index("number")["township"])


def _event_counts(frame, time_col, columns, by, t, period, as_of, district_label) -> pd.DataFrame:
    """Counts of side-frame rows in the period; columns maps a column name to a row mask builder."""
    if frame is None or len(frame) == 0:
        return pd.DataFrame(columns=list(columns), dtype=np.int64)
    for c in ("unit", "ticket", time_col):
        if c not in frame.columns:
            raise MetricsInputError(f"数据缺少列 {c}", f"frame lacks column {c}")
    at = _to_local_naive(frame[time_col], time_col)
    frame = frame[(period.contains(at) & (at <= as_of)).values]
    if len(frame) == 0:
        return pd.DataFrame(columns=list(columns), dtype=np.int64)
    keys = _keys("ticket", by, frame, t, district_label)
    data = pd.DataFrame({name: np.asarray(build(frame), dtype=bool).astype(np.int64)
                         for name, build in columns.items()})
    return data.groupby(keys.values).sum()


def _light_is(colour: str):
    names = {"yellow": ("yellow", "黄灯", "黄"), "red": ("red", "红灯", "红")}[colour]
    return lambda f: _text(f["light"]).isin(names)


def _notice_is(kind: str):
    return lambda f: _text(f["kind"]) == kind


def _every_row(f):
    return np.ones(len(f), dtype=bool)


def compute_metrics(tickets: pd.DataFrame, period: Period, *, calendar, by: str = "unit",
                    satisfied_levels: Iterable[str] = ("满意",), lights: pd.DataFrame | None = None,
                    notices: pd.DataFrame | None = None, referrals: pd.DataFrame | None = None,
                    as_of=None, groups: Iterable[str] | None = None,
                    district_label: str = DISTRICT, prepared: bool = False) -> pd.DataFrame:
    """Every metric for one period, one row per unit / township (or one district row).

    Counts are int columns; each rate R is two int columns R_num and R_den (use rate(row, R));
    handling_days_median / _p90 are floats (NaN when nothing closed). as_of (default: period end)
    hides anything recorded later, so a past period's figures do not move. prepared=True skips
    prepare_tickets when the caller already ran it (several periods or groupings from one ledger).
    """
    if by not in GROUPINGS:
        raise MetricsInputError(f"分组方式须为 {'/'.join(GROUPINGS)}", f"by must be one of {GROUPINGS}")
    counted = _Counted.of(tickets, period, calendar=calendar, satisfied_levels=satisfied_levels, as_of=as_of,
                          prepared=prepared)
    return counted.table(by, lights=lights, notices=notices, referrals=referrals, groups=groups,
                         district_label=district_label)


@dataclass(frozen=True)
class _Counted:
    """One period's per-ticket counts, worked out once and then summed by any grouping (compute_all's three
    tables share them)."""
    full: pd.DataFrame         # the prepared ledger
    known: pd.DataFrame        # tickets received by as_of, as they stood at as_of
    indicators: pd.DataFrame   # _indicators of known
    closed_days: pd.Series     # working days from received to closed, for tickets closed in the period
    period: Period
    as_of: pd.Timestamp

    @classmethod
    def of(cls, tickets, period: Period, *, calendar, satisfied_levels, as_of, prepared) -> "_Counted":
        as_of = period.end if as_of is None else pd.Timestamp(as_of)
        if as_of < period.start:
            raise MetricsInputError("截至时间早于统计期间开始", "as_of is before the period starts")
        full = tickets if prepared else prepare_tickets(tickets)
        t = _known_at(full.loc[full["received"] <= as_of, list(REQUIRED_COLUMNS + OPTIONAL_COLUMNS)], as_of)
        closed = t["accepted"] & period.contains(t["resolved_at"])
        wd = np.asarray(working_day_counter(calendar)(t.loc[closed, "received"].values,
                                                      t.loc[closed, "resolved_at"].values), dtype=float)
        return cls(full, t, _indicators(t, period, as_of, satisfied_levels), pd.Series(wd, index=t.index[closed]),
                   period, as_of)

    def table(self, by: str, *, lights, notices, referrals, groups, district_label) -> pd.DataFrame:
        """compute_metrics' table for one grouping."""
        t, period, as_of, full = self.known, self.period, self.as_of, self.full
        keys = pd.Series(district_label, index=t.index) if by == "district" else t[by]
        counted = self.indicators.groupby(keys.values).sum()
        days = self.closed_days
        ckeys = keys[days.index]
        handling = pd.DataFrame({
            "handling_days_median": days.groupby(ckeys.values).median(),
            "handling_days_p90": _nearest_rank(days, ckeys, 0.9),
        })

        lit = _event_counts(lights, "at", {"yellow_lights": _light_is("yellow"), "red_lights": _light_is("red")},
                            by, full, period, as_of, district_label)
        issued = _event_counts(notices, "issued_at",
                               {"notices": _every_row, **{k: _notice_is(k) for k in NOTICE_KINDS}},
                               by, full, period, as_of, district_label)
        referred = _event_counts(referrals, "at", {"referrals": _every_row}, by, full, period, as_of,
                                 district_label)

        out = pd.concat([counted, lit, issued, referred], axis=1)
        out = out[out.index.notna()]
        if by == "district":
            out = out.reindex([district_label])
        elif groups is not None:
            wanted = list(dict.fromkeys(groups))
            out = out.reindex(wanted + sorted(g for g in out.index if g not in set(wanted)))
        else:
            out = out.sort_index()
        out = out.fillna(0).astype(np.int64).join(handling)
        out.index.name = by
        ordered = (["received", "accepted", "not_accepted", "closed"]
                   + [f"{r}_{p}" for r in RATE_NAMES for p in ("num", "den")]
                   + ["reopened", "yellow_lights", "red_lights", "notices", *NOTICE_KINDS, "referrals",
                      "handling_days_median", "handling_days_p90"])
        return out[ordered]


def compute_all(tickets: pd.DataFrame, period: Period, *, calendar, satisfied_levels: Iterable[str] = ("满意",),
                lights: pd.DataFrame | None = None, notices: pd.DataFrame | None = None,
                referrals: pd.DataFrame | None = None, as_of=None, groups: Iterable[str] | None = None,
                district_label: str = DISTRICT, prepared: bool = False) -> dict[str, pd.DataFrame]:
    """The three tables a bulletin needs: per unit, per township and the district row (compute_metrics'
    for each; the per-ticket counts do not depend on the grouping, so they are worked out once)."""
    counted = _Counted.of(tickets, period, calendar=calendar, satisfied_levels=satisfied_levels, as_of=as_of,
                          prepared=prepared)
    return {by: counted.table(by, lights=lights, notices=notices, referrals=referrals, groups=groups,
                              district_label=district_label) for by in GROUPINGS}


def rate(row: Mapping, name: str) -> Rate:
    """The Rate named name from one row of a compute_metrics table."""
    if name not in RATE_NAMES:
        raise MetricsInputError(f"没有名为 {name} 的比率指标", f"no rate metric named {name}")
    return Rate(int(row[f"{name}_num"]), int(row[f"{name}_den"]))


def display_table(metrics: pd.DataFrame) -> pd.DataFrame:
    """Chinese headers, rates as "95.0% (19/20)", days to one decimal ("—" when none): what people read."""
    cols = {}
    for m in METRICS:
        if m.kind == "rate":
            cols[m.label] = [str(rate(r, m.name)) for _, r in metrics.iterrows()]
        elif m.kind == "days":
            cols[m.label] = ["—" if pd.isna(v) else f"{v:.1f}" for v in metrics[m.name]]
        else:
            cols[m.label] = metrics[m.name].tolist()
    out = pd.DataFrame(cols, index=metrics.index)
    out.index.name = GROUP_LABELS.get(metrics.index.name, metrics.index.name)
    return out


def trend(tickets: pd.DataFrame, periods: Iterable[Period], **kwargs) -> pd.DataFrame:
    """The district row of compute_metrics for each period (e.g. period.months()), indexed by label."""
    prepared = kwargs.pop("prepared", False)
    t = tickets if prepared else prepare_tickets(tickets)
    rows = [compute_metrics(t, p, by="district", prepared=True, **kwargs).iloc[0].rename(p.label)
            for p in periods]
    out = pd.DataFrame(rows)
    out.index.name = "period"
    return out


def trend_counts(tickets: pd.DataFrame, periods: Iterable[Period], *, prepared: bool = False) -> pd.DataFrame:
    """received and closed of trend()'s district rows (each period as of its own end), without computing
    every other metric for every period: what the bulletin's trend table and chart show."""
    t = tickets if prepared else prepare_tickets(tickets)
    received, resolved, accepted = t["received"], t["resolved_at"], t["accepted"]
    rows = {}
    for p in periods:
        known = received <= p.end      # as compute_metrics: nothing received after the period's end
        rows[p.label] = {"received": int((known & p.contains(received)).sum()),
                         "closed": int((known & accepted & p.contains(resolved)).sum())}
    out = pd.DataFrame.from_dict(rows, orient="index", columns=["received", "closed"]).astype(np.int64)
    out.index.name = "period"
    return out


def breakdown(tickets: pd.DataFrame, period: Period, column: str = "category") -> pd.DataFrame:
    """Tickets received in the period per value of column (类别 by default): received and accepted, most first."""
    t = prepare_tickets(tickets)
    if column not in t.columns:
        raise MetricsInputError(f"诉求数据没有列 {column}", f"tickets frame has no column {column}")
    t = t[period.contains(t["received"])]
    values = _text(t[column]).fillna("(未填)")
    out = pd.DataFrame({"received": 1, "accepted": t["accepted"].astype(np.int64)}, index=t.index)
    out = out.groupby(values.values).sum().sort_values(["received", "accepted"], ascending=False, kind="mergesort")
    out.index.name = column
    return out.astype(np.int64)
