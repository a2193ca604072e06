"""Whole-column checks: fast paths skip cells the per-cell rule would pass; the rest go through cells.check_cell."""
from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd

from sheets_schema import parse
from sheets_schema.cells import check_cell
from sheets_schema.columns import DATE, DATETIME, PHONE, TEXT, Column

_FORMULA = frozenset(parse.FORMULA_CHARS)
# Formats pandas parses in C; anything else (2026年3月5日, 2026.3.5, serials …) goes to the per-cell parser.
_FAST_FORMATS = ("%Y-%m-%d %H:%M:%S", "%Y-%m-%d %H:%M", "%Y-%m-%d", "%Y/%m/%d %H:%M:%S", "%Y/%m/%d %H:%M", "%Y/%m/%d")
_NAT = np.datetime64("NaT", "s")
PANDAS_MIN = 64  # below this many cells pandas' per-call overhead costs more than parsing one by one


def check_column(column: Column, values: list, profile=None, units=None) -> dict[int, list[tuple[str, str]]]:
    """{index: [(level, message)]} for the cells of one column that have a problem."""
    if column.kind in (DATETIME, DATE):
        return parse_time_column(column, values, profile)[2]
    candidates = _candidates(column, values)
    found, cache = {}, {}
    for i in candidates:
        raw = values[i]
        key = (raw.__class__, raw)
        try:
            result = cache[key]
        except KeyError:
            result = cache[key] = check_cell(column, raw, profile, units)
        except TypeError:  # an unhashable value from a foreign reader: check it uncached
            result = check_cell(column, raw, profile, units)
        if result:
            found[i] = result
    return found


def _candidates(column: Column, values: list):
    """Indices that may have a problem; never leaves out one the per-cell rule would flag."""
    if column.kind == TEXT:
        limit = column.max_length or 1 << 62
        required = column.required
        return [i for i, v in enumerate(values)
                if (v is None and required) or (v is not None and v.__class__ is not str) or (
                    v.__class__ is str and (len(v) > limit or v[:1] in _FORMULA or (required and not v.strip())))]
    if column.kind == PHONE:
        mobile = parse.MOBILE_RE.fullmatch
        return [i for i, v in enumerate(values)
                if not (v.__class__ is str and len(v) == 11 and v.isdigit() and mobile(v))
                and (column.required or v is not None)]
    if column.required:
        return range(len(values))
    return [i for i, v in enumerate(values) if v is not None]


def parse_time_column(column: Column, values: list, profile=None, pandas_min: int = PANDAS_MIN):
    """(datetime64[s] array with NaT where blank or wrong, has-time bool array, {index: [(level, message)]})."""
    n = len(values)
    out = np.full(n, _NAT)
    has_time = np.zeros(n, dtype=bool)
    found: dict[int, list] = {}
    dt_idx, dt_vals, str_idx, str_vals, slow = [], [], [], [], []
    if len(values) < pandas_min:
        slow = list(range(len(values)))
        values_iter = ()
    else:
        values_iter = enumerate(values)
    for i, v in values_iter:
        c = v.__class__
        if v is None:
            if column.required:
                slow.append(i)
        elif c is dt.datetime and parse.YEAR_MIN <= v.year <= parse.YEAR_MAX and v.tzinfo is None:
            dt_idx.append(i)
            dt_vals.append(v)
        elif c is str:
            str_idx.append(i)
            str_vals.append(v)
        else:
            slow.append(i)
    if dt_idx:
        stamps = pd.DatetimeIndex(dt_vals).floor("s")
        out[dt_idx] = stamps.values.astype("datetime64[s]")
        has_time[dt_idx] = np.asarray(stamps != stamps.normalize())
    if str_idx:
        idx = np.asarray(str_idx)
        remaining = pd.Series(str_vals, dtype=object)
        for fmt in _FAST_FORMATS:
            if remaining.empty:
                break
            parsed = pd.to_datetime(remaining, format=fmt, errors="coerce")
            ok = parsed.notna().to_numpy() & (parsed.dt.year >= parse.YEAR_MIN).to_numpy() \
                & (parsed.dt.year <= parse.YEAR_MAX).to_numpy()
            if ok.any():
                pos = idx[remaining.index.to_numpy()[ok]]
                out[pos] = parsed[ok].to_numpy().astype("datetime64[s]")
                has_time[pos] = "%H" in fmt
            remaining = remaining[~ok]
        slow.extend(idx[remaining.index.to_numpy()].tolist())
    cache = {}
    for i in slow:
        raw = values[i]
        if parse.is_blank(raw):
            if column.required:
                found[i] = check_cell(column, raw, profile)
            continue
        key = (raw.__class__, raw)
        if key not in cache:
            try:
                cache[key] = parse.parse_datetime(raw), None
            except parse.CellError as exc:
                cache[key] = None, exc.message
        parsed, message = cache[key]
        if message:
            found[i] = [("error", message)]
        else:
            out[i] = np.datetime64(parsed[0], "s")
            has_time[i] = parsed[1] and column.kind == DATETIME
    return out, has_time, found
