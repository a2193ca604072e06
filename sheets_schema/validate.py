"""Validation of whole worksheets at once: per-cell problems with the row number and header of each."""
from __future__ import annotations

import gc
from dataclasses import dataclass, replace
from operator import itemgetter

import numpy as np

from sheets_schema import parse, screening
from sheets_schema.columns import DATE, DATETIME, SERVICE, Column, Sheet, header_key
from sheets_schema.fast import check_column, parse_time_column
from sheets_schema.worksheets import CALENDAR_SHEET, DISPATCH_SHEET, LEDGER, UNITS_SHEET, sheet_for_title

ERROR, WARNING = "error", "warning"


@dataclass(frozen=True)
class Problem:
    """One problem in one cell: `row` is the spreadsheet row number (header = 1), `column` the header text."""
    sheet: str
    row: int
    column: str
    value: object
    level: str
    message: str

    def to_dict(self) -> dict:
        """JSON-ready: the value as the person sees it."""
        value = None if self.value is None else parse.display(self.value)
        return {"sheet": self.sheet, "row": self.row, "column": self.column, "value": value,
                "level": self.level, "message": self.message}


class SchemaError(Exception):
    """The workbook cannot be validated at all (no ledger sheet, required headers missing)."""

    def __init__(self, message_zh: str, message_en: str):
        super().__init__(f"{message_zh} / {message_en}")
        self.message_zh, self.message_en = message_zh, message_en


class MissingHeaders(SchemaError):
    """Required headers are absent; `missing` maps each worksheet title to the missing header names."""

    def __init__(self, missing: dict[str, tuple[str, ...]], header_lower: tuple[str, ...] = ()):
        self.missing = missing
        zh = "；".join(f"工作表“{t}”缺少必需的表头：{'、'.join(h)}" + (
            "（表头似乎在第 2 行：表头必须在第 1 行，请删除上面的标题行）" if t in header_lower else "")
            for t, h in missing.items())
        en = "; ".join(f"worksheet {t!r} lacks required headers: {', '.join(h)}" + (
            " (they seem to be on row 2: headers must be on row 1; delete the title row above)"
            if t in header_lower else "") for t, h in missing.items())
        super().__init__(zh, en)


def locate(sheet: Sheet, header_row) -> tuple[dict[str, int], list[tuple[int, str]]]:
    """({header: column index}, [(index, text) of repeated headers]); columns of the person's own are ignored."""
    index, repeats = {}, []
    for i, cell in enumerate(header_row or ()):
        column = sheet.find(cell)
        if column is None:
            continue
        if column.header in index:
            repeats.append((i, str(cell)))
        else:
            index[column.header] = i
    return index, repeats


def profile_required(sheet: Sheet, profile) -> frozenset:
    """Ledger headers a district also requires, from its profile's extra["required_columns"]
    (e.g. shanting: 问题类型, since its limits follow the problem type)."""
    extra = getattr(profile, "extra", None)
    if sheet.name != LEDGER.name or not isinstance(extra, dict):
        return frozenset()
    return frozenset(sheet.column(h).header for h in extra.get("required_columns", ()) if sheet.find(h))


def required_columns(sheet: Sheet, profile=None) -> tuple[Column, ...]:
    """The sheet's columns, with those the profile also requires marked required."""
    extra = profile_required(sheet, profile)
    return tuple(replace(c, required=True) if c.header in extra and not c.required else c for c in sheet.columns)


def missing_headers(sheet: Sheet, index: dict[str, int], profile=None) -> tuple[str, ...]:
    return tuple(c.header for c in required_columns(sheet, profile) if c.required and c.header not in index)


def validate_workbook(workbook: dict[str, list[list]], profile=None) -> list[Problem]:
    """Every problem in every recognised worksheet; raises SchemaError when the ledger cannot be checked."""
    # With millions of cell objects alive, each of our small allocations would trigger the cyclic
    # collector to rescan the whole workbook; validation makes no cycles, so pause it meanwhile.
    paused = gc.isenabled()
    gc.disable()
    try:
        return _validate_workbook(workbook, profile)
    finally:
        if paused:
            gc.enable()


def _validate_workbook(workbook, profile):
    # Service-owned worksheets (督办记录) are written by the service itself: nothing there for people to fix.
    titles = {title: sheet for title, sheet in ((t, sheet_for_title(t)) for t in workbook)
              if sheet is None or sheet.owner != SERVICE}
    for title, sheet in titles.items():
        # 台账填写说明 and the like: a title that only begins with 台账 and has none of its headers.
        rows = workbook[title]
        if sheet is not None and header_key(title) != sheet.name and not any(
                locate(sheet, r)[0] for r in rows[:2]):
            titles[title] = None
    if not any(sheet is LEDGER for sheet in titles.values()):
        raise SchemaError(f"工作簿中没有“{LEDGER.name}”工作表（现有：{'、'.join(workbook) or '无'}）",
                          f"the workbook has no {LEDGER.name!r} worksheet (found: {', '.join(workbook) or 'none'})")
    missing = {}
    for title, sheet in titles.items():
        if sheet is not None:
            index, _ = locate(sheet, _header(workbook[title]))
            if missing_headers(sheet, index, profile):
                missing[title] = missing_headers(sheet, index, profile)
    if missing:
        # A title row above the headers is a common layout; say so rather than only listing headers.
        lower = tuple(t for t in missing if len(workbook[t]) > 1
                      and not missing_headers(titles[t], locate(titles[t], workbook[t][1])[0], profile))
        raise MissingHeaders(missing, lower)
    units = set()
    for title, sheet in titles.items():
        if sheet is UNITS_SHEET:
            units |= unit_names(workbook[title])
    problems = []
    for title, sheet in titles.items():
        if sheet is not None:
            problems.extend(validate_sheet(sheet, workbook[title], title=title, profile=profile,
                                           units=units or None))
    return problems


def unit_names(rows: list[list]) -> set[str]:
    """The handling units named in a 承办单位 worksheet (normalised)."""
    index, _ = locate(UNITS_SHEET, _header(rows))
    i = index.get("单位名称")
    if i is None:
        return set()
    return {parse.normalize(r[i]) for r in rows[1:] if i < len(r) and not parse.is_blank(r[i])}


def _header(rows):
    return rows[0] if rows else ()


class Columns(dict):
    """{column index: the body's values in that column}, each column read only when first asked for."""

    def __init__(self, rows: list[list], width: int):
        super().__init__()
        body = rows[1:]
        if body and min(map(len, body)) < width:  # short rows read as None
            body = [r if len(r) >= width else list(r) + [None] * (width - len(r)) for r in body]
        self.body = body

    def __missing__(self, position: int) -> list:
        column = self[position] = list(map(itemgetter(position), self.body))
        return column


def validate_sheet(sheet: Sheet, rows: list[list], *, title: str | None = None, profile=None,
                   units=None) -> list[Problem]:
    """All problems of one worksheet (header first); service-owned columns are not checked: the service
    wrote them. Blank rows are skipped. Raises MissingHeaders when a required header is absent."""
    title = title or sheet.name
    index, repeats = locate(sheet, _header(rows))
    if missing_headers(sheet, index, profile):
        raise MissingHeaders({title: missing_headers(sheet, index, profile)})
    problems = [Problem(title, 1, text, text, WARNING, f"表头“{text}”重复出现，只使用第一个“{text}”列，这一列不会被读取")
                for _, text in repeats]
    if len(rows) < 2:
        return problems
    cols = Columns(rows, max(index.values()) + 1)
    checked = [c for c in required_columns(sheet, profile) if c.header in index and c.owner != SERVICE]
    positions = [index[c.header] for c in checked]
    cell_problems: dict[tuple[int, int], list] = {}

    def add(i, header, level, message):
        cell_problems.setdefault((int(i), index[header]), []).append((header, level, message))

    times = {}
    for column in checked:
        values = cols[index[column.header]]
        if column.kind in (DATETIME, DATE):
            stamps, has_time, found = parse_time_column(column, values, profile, remember=True)
            times[column.header] = (stamps, has_time)
        else:
            found = check_column(column, values, profile, units)
        for i, items in found.items():
            for level, message in items:
                add(i, column.header, level, message)
    for order in sheet.orders:
        if order.earlier in times and order.later in times:
            for i in _out_of_order(*times[order.earlier], *times[order.later]):
                add(i, order.later, order.level,
                    f"{order.later}早于{order.earlier}（{parse.display(cols[index[order.later]][i])} 在 "
                    f"{parse.display(cols[index[order.earlier]][i])} 之前），请核对时间")
    if sheet is LEDGER:
        _screen(cols, index, times, profile, add)
    elif sheet is DISPATCH_SHEET:
        _dispatch_rows(cols, index, add)
    elif sheet is CALENDAR_SHEET:
        _calendar_repeats(cols, index, times, add)
    live = {}  # a row is a request only if something is typed in a non-service column
    for (i, ci), items in cell_problems.items():
        if i not in live:
            live[i] = any(not parse.is_blank(cols[p][i]) for p in positions)
        if live[i]:
            raw = cols[ci][i]
            problems.extend(Problem(title, i + 2, header, raw, level, message) for header, level, message in items)
    order_of = {c.header: n for n, c in enumerate(sheet.columns)}
    problems.sort(key=lambda p: (p.row, order_of.get(p.column, -1), p.level != ERROR))
    return problems


def _out_of_order(early, early_has_time, late, late_has_time) -> np.ndarray:
    """Indices where the later time is before the earlier one; a date without a time compares by day."""
    both = ~(np.isnat(early) | np.isnat(late))
    by_day = ~(early_has_time & late_has_time)
    e_day, l_day = early.astype("datetime64[D]"), late.astype("datetime64[D]")
    bad = both & np.where(by_day, l_day < e_day, late < early)
    return np.flatnonzero(bad)


def _open_rows(cols, index, n) -> np.ndarray:
    """Requests still open: not archived (是否办结归档 ≠ 是) and no 办结时间."""
    is_open = np.ones(n, dtype=bool)
    if "是否办结归档" in index:
        column = cols[index["是否办结归档"]]
        try:
            archived = {v for v in set(column) if v is not None and parse.enum_key(v) == "是"}
            is_open &= np.fromiter((v not in archived for v in column), dtype=bool, count=n)
        except TypeError:  # unhashable cell from a foreign reader
            is_open &= np.fromiter((v is None or parse.enum_key(v) != "是" for v in column), dtype=bool, count=n)
    if "办结时间" in index:
        is_open &= np.fromiter((v is None or (v.__class__ is str and not v.strip()) for v in cols[index["办结时间"]]),
                               dtype=bool, count=n)
    return is_open


def _screen(cols, index, times, profile, add) -> None:
    """疑似不予受理 and 疑似重复 warnings on the 主要诉求 cell of open requests."""
    if "主要诉求" not in index:
        return
    texts = cols[index["主要诉求"]]
    n = len(texts)
    is_open = _open_rows(cols, index, n)
    exclusions = getattr(profile, "exclusions", ()) or ()
    if exclusions:
        open_texts = [t if o else None for t, o in zip(texts, is_open)]
        for i, reasons in screening.match_exclusions(open_texts, exclusions).items():
            add(i, "主要诉求", WARNING, f"疑似不予受理：{'；'.join(reasons)}。请协调机构核定；确属不予受理的，"
                                       f"登记理由并告知企业，不要删除本行")
    if "诉求企业" not in index:
        return
    names = cols[index["诉求企业"]]
    codes = cols[index["统一社会信用代码"]] if "统一社会信用代码" in index else [None] * n
    accepted = times.get("受理时间", (np.full(n, np.datetime64("NaT", "s")), None))[0]
    open_idx = np.flatnonzero(is_open)
    # Acceptance order; rows without a valid 受理时间 keep their place at the end, in row order.
    keys = np.where(np.isnat(accepted[open_idx]), np.iinfo(np.int64).max, accepted[open_idx].astype(np.int64))
    order = open_idx[np.argsort(keys, kind="stable")].tolist()
    numbers = cols[index["诉求编号"]] if "诉求编号" in index else [None] * n
    for i, j in screening.find_duplicates(order, names, codes, texts).items():
        earlier = parse.display(numbers[j]) if not parse.is_blank(numbers[j]) else f"第 {j + 2} 行（尚未编号）"
        add(i, "主要诉求", WARNING, f"疑似重复：与 {earlier} 同一企业、诉求几乎相同且仍在办理中。"
                                   f"如确属重复，请协调机构合并办理")


def _dispatch_rows(cols, index, add) -> None:
    category = cols[index["诉求类别"]] if "诉求类别" in index else None
    keywords = cols[index["关键词"]] if "关键词" in index else None
    lead = cols[index["牵头单位"]]
    target = "诉求类别" if "诉求类别" in index else "牵头单位"
    for i in range(len(lead)):
        if (category is None or parse.is_blank(category[i])) and (keywords is None or parse.is_blank(keywords[i])):
            add(i, target, ERROR, "诉求类别和关键词至少填写一项，否则无法按此行派单")


def _calendar_repeats(cols, index, times, add) -> None:
    stamps = times.get("日期", (None,))[0]
    if stamps is None:
        return
    seen = {}
    for i, day in enumerate(stamps.astype("datetime64[D]").tolist()):
        if day is None:
            continue
        if day in seen:
            add(i, "日期", ERROR, f"日期 {day.isoformat()} 已在第 {seen[day] + 2} 行登记过，同一天只能登记一次")
        else:
            seen[day] = i
