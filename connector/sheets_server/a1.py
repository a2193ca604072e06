"""A1 notation: parse Google range strings into grid bounds and format them back the way Google answers."""
from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from typing import NamedTuple

MAX_COLUMNS = 18278  # ZZZ, Google's widest sheet

_ENDPOINT = re.compile(r"^\$?([A-Za-z]{0,3})\$?(\d*)$")
_PLAIN_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")
_LOOKS_LIKE_REF = re.compile(r"^([A-Za-z]{1,3}\d+|R\d*C\d*)$", re.IGNORECASE)
# The shape almost every client request has: "'Title'!A1" or "Title!A1:B2" (parsed without the general path).
_COMMON = re.compile(r"^(?:'((?:[^']|'')+)'|([^'!:]+))!\$?([A-Z]{1,3})\$?([1-9]\d*)(?::\$?([A-Z]{1,3})\$?([1-9]\d*))?$")


class RangeError(ValueError):
    """A range string that Google would answer with 'Unable to parse range'."""


class Bounds(NamedTuple):
    """0-based, end-exclusive grid bounds; None on an end means 'to the edge of the grid'."""

    row0: int = 0
    col0: int = 0
    row1: int | None = None
    col1: int | None = None

    def clamp(self, rows: int, cols: int) -> "Bounds":
        r1 = rows if self.row1 is None else min(self.row1, rows)
        c1 = cols if self.col1 is None else min(self.col1, cols)
        return Bounds(self.row0, self.col0, r1, c1)

    @property
    def single_cell(self) -> bool:
        return self.row1 == self.row0 + 1 and self.col1 == self.col0 + 1


@dataclass(frozen=True)
class ParsedRange:
    """A range as written: its sheet title (None = first sheet) and its bounds."""

    sheet: str | None
    bounds: Bounds
    whole_sheet: bool = False


def col_to_letters(index: int) -> str:
    """0 → A, 25 → Z, 26 → AA."""
    letters = ""
    n = index + 1
    while n:
        n, rem = divmod(n - 1, 26)
        letters = chr(65 + rem) + letters
    return letters


def letters_to_col(letters: str) -> int:
    """A → 0, AA → 26."""
    n = 0
    for ch in letters.upper():
        n = n * 26 + (ord(ch) - 64)
    return n - 1


def _endpoint(text: str, whole: str) -> tuple[int | None, int | None]:
    m = _ENDPOINT.match(text)
    if not m or not (m.group(1) or m.group(2)):
        raise RangeError(whole)
    col = letters_to_col(m.group(1)) if m.group(1) else None
    row = int(m.group(2)) - 1 if m.group(2) else None
    if row is not None and row < 0:
        raise RangeError(whole)
    return row, col


def parse_ref(ref: str) -> Bounds:
    """Parse the part after '!': A1, A1:B2, A:A, 1:1, A1:1, A5:B and friends."""
    whole = ref
    parts = ref.split(":")
    if len(parts) == 1:
        row, col = _endpoint(parts[0], whole)
        if row is None or col is None:
            raise RangeError(whole)
        return Bounds(row, col, row + 1, col + 1)
    if len(parts) != 2:
        raise RangeError(whole)
    (r0, c0), (r1, c1) = _endpoint(parts[0], whole), _endpoint(parts[1], whole)
    if r0 is not None and r1 is not None and r0 > r1:
        r0, r1 = r1, r0
    if c0 is not None and c1 is not None and c0 > c1:
        c0, c1 = c1, c0
    return Bounds(r0 or 0, c0 or 0, None if r1 is None else r1 + 1, None if c1 is None else c1 + 1)


def _is_ref(text: str) -> bool:
    try:
        parse_ref(text)
        return True
    except RangeError:
        return False


def parse_range(text: str) -> ParsedRange:
    """Split "'My sheet'!A1:B2", "Sheet1", "A1:B2" into sheet title and bounds."""
    text = text.strip()
    if not text:
        raise RangeError(text)
    m = _COMMON.match(text)
    if m:
        quoted, plain, c0, r0, c1, r1 = m.groups()
        name = quoted.replace("''", "'") if quoted is not None else plain
        row0, col0 = int(r0) - 1, letters_to_col(c0)
        if c1 is None:
            return ParsedRange(name, Bounds(row0, col0, row0 + 1, col0 + 1))
        row1, col1 = int(r1) - 1, letters_to_col(c1)
        return ParsedRange(name, Bounds(min(row0, row1), min(col0, col1), max(row0, row1) + 1, max(col0, col1) + 1))
    if text.startswith("'"):
        i, title = 1, []
        while i < len(text):
            ch = text[i]
            if ch == "'":
                if text[i + 1:i + 2] == "'":
                    title.append("'")
                    i += 2
                    continue
                break
            title.append(ch)
            i += 1
        else:
            raise RangeError(text)
        rest = text[i + 1:]
        name = "".join(title)
        if not rest:
            return ParsedRange(name, Bounds(), whole_sheet=True)
        if not rest.startswith("!") or len(rest) == 1:
            raise RangeError(text)
        return ParsedRange(name, parse_ref(rest[1:]))
    if "!" in text:
        name, ref = text.rsplit("!", 1)
        return ParsedRange(name, parse_ref(ref))
    if _is_ref(text):
        return ParsedRange(None, parse_ref(text))
    return ParsedRange(text, Bounds(), whole_sheet=True)


@lru_cache(maxsize=1024)
def quote_title(title: str) -> str:
    """Quote a sheet title only when Google does: anything but a plain name, or a name that reads as a cell."""
    if _PLAIN_NAME.match(title) and not _LOOKS_LIKE_REF.match(title):
        return title
    return "'" + title.replace("'", "''") + "'"


def format_bounds(b: Bounds) -> str:
    """Concrete bounds → "A1:D4", or "B2" for one cell."""
    start = f"{col_to_letters(b.col0)}{b.row0 + 1}"
    if b.single_cell:
        return start
    return f"{start}:{col_to_letters(b.col1 - 1)}{b.row1}"


def format_range(title: str, b: Bounds) -> str:
    return f"{quote_title(title)}!{format_bounds(b)}"
