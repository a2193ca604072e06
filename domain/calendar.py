"""Chinese working-day calendar: official holiday data plus an override table, scalar and vectorised."""
from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from functools import lru_cache
from typing import Iterable, Mapping

import numpy as np

REST, WORK = "休", "班"
WEEKDAYS_ZH = ("周一", "周二", "周三", "周四", "周五", "周六", "周日")

# chinese_calendar names its days in English; people read Chinese.
_HOLIDAY_ZH = {
    "New Year's Day": "元旦", "Spring Festival": "春节", "Tomb-sweeping Day": "清明节",
    "Labour Day": "劳动节", "Dragon Boat Festival": "端午节", "Mid-autumn Festival": "中秋节",
    "National Day": "国庆节", "Anti-Fascist 70th Day": "抗战胜利70周年纪念日",
}
# What a clerk may type in the 类型 column; normalised to 休 / 班.
_KIND_ALIASES = {"休": REST, "休息": REST, "休息日": REST, "放假": REST, "rest": REST,
                 "班": WORK, "上班": WORK, "工作日": WORK, "调休上班": WORK, "work": WORK}
_HEADERS = {"date": "date", "日期": "date", "kind": "kind", "类型": "kind", "name": "name", "名称": "name"}


class UnknownYearError(ValueError):
    """A computation reached a year the calendar has no holiday data for; never guessed from weekdays."""

    def __init__(self, year: int):
        self.year = year
        self.zh = f"日历缺少{year}年节假日安排,请在工作日历中录入国务院{year}年放假通知"
        self.en = f"calendar has no holiday data for {year}; add that year's State Council notice as overrides"
        super().__init__(f"{self.zh} / {self.en}")


class OverrideError(ValueError):
    """A row of the override table (CSV or the 工作日历 sheet) is malformed; names the row and the problem."""

    def __init__(self, where: str, zh: str, en: str):
        self.where, self.zh, self.en = where, f"{where}: {zh}", f"{where}: {en}"
        super().__init__(f"{self.zh} / {self.en}")


@dataclass(frozen=True)
class Override:
    """One day of a holiday notice: `kind` 休 (rest day) or 班 (working day); overrides official data."""
    date: date
    kind: str
    name: str = ""

    def __post_init__(self):
        if self.kind not in (REST, WORK):
            raise ValueError(f"类型应为 休 或 班 / kind must be 休 or 班, got {self.kind!r}")


def _parse_date(value, where: str) -> date:
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    text = str(value or "").strip()
    for sep in ("-", "/", "."):
        parts = text.split(sep)
        if len(parts) == 3 and all(p.strip().isdigit() for p in parts):
            try:
                return date(*(int(p) for p in parts))
            except ValueError:
                break
    raise OverrideError(where, f"日期 {text!r} 无法识别,应为 YYYY-MM-DD",
                        f"date {text!r} not understood, expected YYYY-MM-DD")


def parse_override_rows(rows: Iterable[Mapping], source: str = "工作日历") -> tuple[Override, ...]:
    """Turn mappings with keys date/kind/name (or 日期/类型/名称) into Overrides; blank rows are skipped."""
    seen: dict[date, tuple[str, str]] = {}
    out = []
    for i, raw in enumerate(rows, start=2):  # row 1 is the header, as a clerk counts
        row = {_HEADERS.get(str(k).strip(), str(k).strip()): v for k, v in raw.items() if k is not None}
        if all(v in (None, "") or str(v).strip() == "" for v in row.values()):
            continue
        where = f"{source} 第{i}行"
        if "date" not in row or "kind" not in row:
            raise OverrideError(where, "缺少 日期 或 类型 列", "missing date or kind column")
        d = _parse_date(row["date"], where)
        kind_text = str(row.get("kind") or "").strip()
        kind = _KIND_ALIASES.get(kind_text.lower(), _KIND_ALIASES.get(kind_text))
        if kind is None:
            raise OverrideError(where, f"类型 {kind_text!r} 无效,应为 休 或 班",
                                f"kind {kind_text!r} invalid, expected 休 (rest) or 班 (work)")
        name = str(row.get("name") or "").strip()
        if d in seen and seen[d][0] != kind:
            raise OverrideError(where, f"{d} 与第{seen[d][1]}行矛盾(同一天既休又班)",
                                f"{d} contradicts row {seen[d][1]} (both rest and work)")
        seen[d] = (kind, str(i))
        out.append(Override(d, kind, name))
    return tuple(out)


def parse_overrides(text: str, source: str = "overrides.csv") -> tuple[Override, ...]:
    """Parse the CSV override table (header `date,kind,name` or `日期,类型,名称`) into Overrides."""
    text = text.lstrip("\ufeff")  # Excel writes a BOM on CSV export
    reader = csv.DictReader(io.StringIO(text))
    fields = [(f or "").strip() for f in (reader.fieldnames or [])]
    if not fields:
        return ()
    if "date" not in {_HEADERS.get(f) for f in fields} or "kind" not in {_HEADERS.get(f) for f in fields}:
        raise OverrideError(f"{source} 第1行", f"表头应为 date,kind,name 或 日期,类型,名称,实为 {','.join(fields)}",
                            f"header must be date,kind,name (or 日期,类型,名称), got {','.join(fields)}")
    return parse_override_rows(reader, source)


class WorkCalendar:
    """Which days are working days. A day works if it is a listed working day, or a Monday-Friday not
    listed as a rest day; any day in a year outside `known_years` raises UnknownYearError."""

    def __init__(self, known_years: Iterable[int], rest_days: Mapping[date, str] = (),
                 work_days: Mapping[date, str] = ()):
        self.known_years = tuple(sorted(set(known_years)))
        self._known = frozenset(self.known_years)
        self._rest = dict(rest_days)
        self._work = dict(work_days)
        self._arrays = None

    # -- construction -------------------------------------------------------------------------
    @classmethod
    def official(cls, overrides: Iterable[Override] = ()) -> "WorkCalendar":
        """The chinese_calendar package's data (State Council notices), then `overrides`, which win."""
        overrides = tuple(overrides)
        base = _official()
        return base.with_overrides(overrides) if overrides else base

    def with_overrides(self, overrides: Iterable[Override]) -> "WorkCalendar":
        """A new calendar with `overrides` applied; a year with any override row becomes known."""
        rest, work, years = dict(self._rest), dict(self._work), set(self.known_years)
        for o in overrides:
            years.add(o.date.year)
            if o.kind == REST:
                work.pop(o.date, None)
                rest[o.date] = o.name
            else:
                rest.pop(o.date, None)
                work[o.date] = o.name
        return WorkCalendar(years, rest, work)

    # -- scalar -------------------------------------------------------------------------------
    def _check(self, d: date) -> None:
        if d.year not in self._known:
            raise UnknownYearError(d.year)

    def is_working_day(self, d: date) -> bool:
        """True on working days, including make-up working days (调休) on weekends."""
        d = _as_date(d)
        self._check(d)
        if d in self._work:
            return True
        return d.weekday() < 5 and d not in self._rest

    def add_working_days(self, start_date: date, n: int) -> date:
        """The Nth working day counted from the day AFTER `start_date` (n=0 gives start_date itself)."""
        d = _as_date(start_date)
        if n < 0:
            raise ValueError("n must be >= 0")
        self._check(d)
        while n:
            d += timedelta(days=1)
            if self.is_working_day(d):
                n -= 1
        return d

    def count_working_days(self, start_date: date, end_date: date) -> int:
        """Working days in (start_date, end_date]; 0 when end_date <= start_date."""
        a, b = _as_date(start_date), _as_date(end_date)
        self._check(a)
        self._check(b)
        count = 0
        while a < b:
            a += timedelta(days=1)
            count += self.is_working_day(a)
        return count

    def add_calendar_days(self, start_date: date, n: int) -> date:
        """An "N 日" period (Civil Code arts. 201, 203): day N after start; a rest day moves to the next working day."""
        d = _as_date(start_date)
        for year in range(d.year, (d + timedelta(days=n)).year + 1):
            if year not in self._known:
                raise UnknownYearError(year)
        d += timedelta(days=n)
        while not self.is_working_day(d):
            d += timedelta(days=1)
        return d

    def day_name(self, d: date) -> str:
        """The holiday (or make-up day) name recorded for `d`, or ''."""
        d = _as_date(d)
        return self._rest.get(d) or self._work.get(d) or ""

    def describe(self, d: date) -> str:
        """E.g. '2026-10-10 周六 调休上班' or '2026-10-03 周六 国庆节': what a clerk needs to see."""
        d = _as_date(d)
        text = f"{d.isoformat()} {WEEKDAYS_ZH[d.weekday()]}"
        if d.year not in self._known:
            return text
        if d in self._work and d.weekday() >= 5:
            return text + " 调休上班"
        if d in self._rest and (self._rest[d] or d.weekday() < 5):
            return text + " " + (self._rest[d] or "休息日")
        return text

    # -- vectorised ---------------------------------------------------------------------------
    def _build(self):
        """Day-indexed arrays over the known span: working flag, known flag, working-day positions."""
        if self._arrays is None:
            first, last = self.known_years[0], self.known_years[-1]
            base = np.datetime64(f"{first:04d}-01-01", "D")
            days = np.arange(base, np.datetime64(f"{last + 1:04d}-01-01", "D"))
            years = days.astype("datetime64[Y]").astype(int) + 1970
            known = np.isin(years, self.known_years)
            weekday = (days.astype(np.int64) + 3) % 7  # 1970-01-01 was a Thursday (3)
            working = weekday < 5
            offsets = lambda ds: np.array([(d - date(first, 1, 1)).days for d in ds
                                           if first <= d.year <= last], dtype=np.int64)
            working[offsets(self._rest)] = False
            working[offsets(self._work)] = True
            working &= known
            cum = np.cumsum(working)          # working days in [0, i]
            unknown_cum = np.cumsum(~known)   # unknown days in [0, i]
            self._arrays = (base, working, known, cum, np.flatnonzero(working), unknown_cum)
        return self._arrays

    def _index(self, dates) -> np.ndarray:
        base, working, *_ = self._build()
        idx = (_as_day_array(dates) - base).astype(np.int64)
        bad = (idx < 0) | (idx >= len(working))
        if bad.any():
            raise UnknownYearError(int(_as_day_array(dates)[bad].min().astype("datetime64[Y]").astype(int) + 1970))
        return idx

    def _raise_unknown_between(self, lo: np.ndarray, hi: np.ndarray) -> None:
        """Raise for the earliest unknown year any [lo, hi] index range touches (hi may be past the end)."""
        base, working, known, *_ = self._build()
        unknown_cum = self._arrays[5]
        end = np.minimum(hi, len(working) - 1)
        touched = (unknown_cum[end] - unknown_cum[lo] + ~known[lo]) > 0
        if touched.any():
            first_unknown = np.flatnonzero(~known)
            pos = np.searchsorted(first_unknown, lo[touched]).min()
            day = base + first_unknown[pos]
        elif (hi >= len(working)).any():
            day = base + len(working)
        else:
            return
        raise UnknownYearError(int(day.astype("datetime64[Y]").astype(int) + 1970))

    def is_working_day_array(self, dates) -> np.ndarray:
        """Vectorised is_working_day over an array/Series of dates."""
        base, working, known, *_ = self._build()
        idx = self._index(dates)
        if not known[idx].all():
            self._raise_unknown_between(idx[~known[idx]], idx[~known[idx]])
        return working[idx]

    def add_working_days_array(self, start_dates, n) -> np.ndarray:
        """Vectorised add_working_days: datetime64[D] array; `n` a scalar or an array of the same length."""
        base, working, known, cum, positions, _ = self._build()
        idx = self._index(start_dates)
        n = np.broadcast_to(np.asarray(n, dtype=np.int64), idx.shape)
        if (n < 0).any():
            raise ValueError("n must be >= 0")
        k = cum[idx] + n - 1  # position of the target in the list of working days
        over = k >= len(positions)
        target = np.where(n == 0, idx, positions[np.clip(k, 0, len(positions) - 1)])
        target = np.where(over, len(working), target)
        self._raise_unknown_between(idx, target)
        return base + target

    def count_working_days_array(self, start_dates, end_dates) -> np.ndarray:
        """Vectorised count_working_days: working days in (start, end], 0 when end <= start."""
        _, _, _, cum, _, _ = self._build()
        a, b = self._index(start_dates), self._index(end_dates)
        b = np.maximum(a, b)
        self._raise_unknown_between(a, b)
        return cum[b] - cum[a]

    def add_calendar_days_array(self, start_dates, n) -> np.ndarray:
        """Vectorised add_calendar_days (art. 203 roll-forward to the next working day)."""
        base, working, known, cum, positions, _ = self._build()
        idx = self._index(start_dates)
        end = idx + np.broadcast_to(np.asarray(n, dtype=np.int64), idx.shape)
        inside = end < len(working)
        clipped = np.minimum(end, len(working) - 1)
        # the first working day on or after `end` is the k-th, k = working days strictly before `end`
        k = np.where(inside, cum[clipped] - working[clipped], 0)
        target = np.where(k < len(positions), positions[np.clip(k, 0, len(positions) - 1)], len(working))
        target = np.where(inside, target, end)
        self._raise_unknown_between(idx, np.maximum(target, end))
        return base + target


@lru_cache(maxsize=1)
def _official() -> WorkCalendar:
    """The package data, read once; calendars are never mutated, so sharing it is safe."""
    from chinese_calendar import constants

    rest = {d: _HOLIDAY_ZH.get(n, n) for d, n in constants.holidays.items()}
    work = {d: _HOLIDAY_ZH.get(n, n) for d, n in constants.workdays.items()}
    return WorkCalendar({d.year for d in rest} | {d.year for d in work}, rest, work)


def _as_date(d) -> date:
    if isinstance(d, datetime):
        return d.date()
    if isinstance(d, date):
        return d
    if isinstance(d, np.datetime64):
        return d.astype("datetime64[D]").astype(object)
    raise TypeError(f"expected a date, got {type(d).__name__}")


def _as_day_array(dates) -> np.ndarray:
    if hasattr(dates, "to_numpy"):  # pandas Series / Index
        dates = dates.to_numpy()
    arr = np.asarray(dates)
    if arr.dtype == object:
        arr = np.array([_as_date(x) for x in arr.ravel()], dtype="datetime64[D]").reshape(arr.shape)
    return arr.astype("datetime64[D]")
