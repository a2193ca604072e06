"""Whole-column checks: fast paths skip cells the per-cell rule would pass; the rest go through cells.check_cell."""
from __future__ import annotations

import datetime as dt
import hashlib
import marshal
from collections import OrderedDict

import numpy as np
import pandas as pd

from sheets_schema import parse
from sheets_schema.cells import check_cell
from sheets_schema.columns import DATE, DATETIME, PHONE, TEXT, Column

_FORMULA = frozenset(parse.FORMULA_CHARS)
# Formats pandas parses in C; anything else (2026年3月5日, 2026.3.5, serials …) goes to the per-cell parser.
_FAST_FORMATS = {sep + str(colons): f"%Y{sep}%m{sep}%d" + ("", " %H:%M", " %H:%M:%S")[colons]
                 for sep in "-/" for colons in range(3)}  # keyed by the 5th character and the count of ':'

_NAT = np.datetime64("NaT", "s")
PANDAS_MIN = 64  # below this many cells pandas' per-call overhead costs more than parsing one by one


def check_column(column: Column, values: list, profile=None, units=None) -> dict[int, list[tuple[str, str]]]:
    """{index: [(level, message)]} for the cells of one column that have a problem."""
    if column.kind in (DATETIME, DATE):
        return parse_time_column(column, values, profile)[2]
    return _check_distinct(column, values, profile, units)


def _check_distinct(column: Column, values: list, profile, units) -> dict[int, list[tuple[str, str]]]:
    """Ledgers repeat themselves (options, names, phones): check each distinct value once, map back."""
    try:
        distinct = set(values)
    except TypeError:  # an unhashable value from a foreign reader: check every cell
        return {i: r for i, r in ((i, check_cell(column, v, profile, units)) for i, v in enumerate(values)) if r}
    texts = [v for v in distinct if v.__class__ is str or v is None]
    bad = {}
    for v in _candidates(column, texts) if column.kind in (TEXT, PHONE) else texts:
        result = check_cell(column, v, profile, units)
        if result:
            bad[v] = result
    if len(texts) == len(distinct):
        return {i: bad[v] for i, v in enumerate(values) if v in bad} if bad else {}
    # Numbers and dates among them (a phone typed as a number …): set() merges 1, 1.0 and True, so these
    # are keyed by their class as well.
    odd = {}
    found = {}
    for i, v in enumerate(values):
        if v.__class__ is str or v is None:
            if v in bad:
                found[i] = bad[v]
            continue
        key = (v.__class__, v)
        if key not in odd:
            odd[key] = check_cell(column, v, profile, units)
        if odd[key]:
            found[i] = odd[key]
    return found


def _candidates(column: Column, distinct: list) -> list:
    """The distinct text values that may have a problem; never leaves out one the per-cell rule would flag."""
    if column.kind == TEXT:
        limit = column.max_length or 1 << 62
        required = column.required
        return [v for v in distinct
                if (v is None and required) or (v is not None and v.__class__ is not str) or (
                    v.__class__ is str and (len(v) > limit or v[:1] in _FORMULA or (required and not v.strip())))]
    mobile = parse.MOBILE_RE.fullmatch
    return [v for v in distinct if not (v.__class__ is str and len(v) == 11 and v.isdigit() and mobile(v))
            and (column.required or v is not None)]


# The sync job validates the same ledgers every few minutes and an edit changes a cell or two: a time column
# validation has seen unchanged is not parsed again. Keyed by the column, the profile and a hash of every
# value with its type (marshal tells 1, 1.0 and True apart); the most recently used kept.
_SEEN: OrderedDict = OrderedDict()
SEEN_MAX = 256


def parse_time_column(column: Column, values: list, profile=None, pandas_min: int = PANDAS_MIN, *,
                      remember: bool = False):
    """(datetime64[s] array with NaT where blank or wrong, has-time bool array, {index: [(level, message)]}).
    With `remember`, a column seen before with the same values is answered from memory."""
    if not remember:
        return _parse_time_column(column, values, profile, pandas_min)
    try:
        key = (column, id(profile), hashlib.blake2b(marshal.dumps(values, 2), digest_size=16).digest())
    except ValueError:   # a value marshal cannot write (from a foreign reader)
        return _parse_time_column(column, values, profile, pandas_min)
    hit = _SEEN.get(key)
    if hit is None or hit[0] is not profile:
        hit = _SEEN[key] = (profile, _parse_time_column(column, values, profile, pandas_min))
        if len(_SEEN) > SEEN_MAX:
            _SEEN.popitem(last=False)
    else:
        _SEEN.move_to_end(key)
    out, has_time, found = hit[1]
    return out.copy(), has_time.copy(), {i: list(items) for i, items in found.items()}


def _parse_time_column(column: Column, values: list, profile, pandas_min: int):
    n = len(values)
    out = np.full(n, _NAT)
    has_time = np.zeros(n, dtype=bool)
    found: dict[int, list] = {}
    if n < pandas_min:
        slow, str_idx, str_vals = list(range(n)), [], []
    else:
        arr = np.empty(n, dtype=object)
        arr[:] = values
        types = np.fromiter(map(type, values), dtype=object, count=n)
        is_dt = types == dt.datetime
        is_str = types == str
        is_none = types == type(None)
        slow_mask = ~(is_dt | is_str | is_none)
        if column.required:
            slow_mask |= is_none
        if is_dt.any():
            dt_idx = np.flatnonzero(is_dt)
            try:
                stamps = (pd.DatetimeIndex(arr[dt_idx]) + pd.Timedelta(milliseconds=500)).floor("s")  # as parse does
                aware = stamps.tz is not None
            except (TypeError, ValueError):  # mixed time zones, or years pandas cannot hold: one by one
                aware = True
            if aware:
                slow_mask[dt_idx] = True
            else:
                in_range = np.asarray((stamps.year >= parse.YEAR_MIN) & (stamps.year <= parse.YEAR_MAX))
                good = dt_idx[in_range]
                out[good] = stamps.values[in_range].astype("datetime64[s]")
                has_time[good] = np.asarray(stamps != stamps.normalize())[in_range]
                slow_mask[dt_idx[~in_range]] = True
        slow = np.flatnonzero(slow_mask).tolist()
        str_idx = np.flatnonzero(is_str)
        str_vals = arr[str_idx]
    if len(str_idx):
        idx = np.asarray(str_idx)
        texts = pd.Series(str_vals, dtype=object)
        # Route each text to the one format its shape suggests, so each goes through pandas at most once.
        shape = np.array([t[4:5] + str(t.count(":")) for t in str_vals], dtype=object)
        left = np.ones(len(texts), dtype=bool)
        for key, group in texts.groupby(shape, sort=False):
            fmt = _FAST_FORMATS.get(key)
            if fmt is None:
                continue
            parsed = pd.to_datetime(group, format=fmt, errors="coerce")
            ok = parsed.notna().to_numpy() & (parsed.dt.year >= parse.YEAR_MIN).to_numpy() \
                & (parsed.dt.year <= parse.YEAR_MAX).to_numpy()
            if ok.any():
                where = group.index.to_numpy()[ok]
                pos = idx[where]
                out[pos] = parsed[ok].to_numpy().astype("datetime64[s]")
                has_time[pos] = "%H" in fmt
                left[where] = False
        slow.extend(idx[left].tolist())
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
