"""Cell values: what RAW and USER_ENTERED input become, and how each value renders on the way out."""
from __future__ import annotations

import ast
import datetime as dt
import operator
import re
from dataclasses import dataclass

from connector.sheets_server.a1 import letters_to_col

MAX_CELL_CHARS = 50_000
_EPOCH = dt.datetime(1899, 12, 30)  # Sheets' serial day 0
_NUMBER = re.compile(r"^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$")
_PERCENT = re.compile(r"^[+-]?(\d+\.?\d*|\.\d+)%$")
_DATE = re.compile(r"^(\d{4})[-/](\d{1,2})[-/](\d{1,2})(?:[ T](\d{1,2}):(\d{2})(?::(\d{2}))?)?$")


class CellTooLong(ValueError):
    """More than 50,000 characters in one cell (Google's limit)."""


@dataclass(frozen=True)
class Formula:
    """A formula as typed (with its leading '=')."""

    text: str


@dataclass(frozen=True)
class DateValue:
    """A date or date-time typed by a person: a serial number shown the way it was typed."""

    serial: float
    shown: str


def _check_length(text: str) -> str:
    if len(text) > MAX_CELL_CHARS:
        raise CellTooLong(text[:20])
    return text


def from_raw(value):
    """RAW input: strings stay strings (even '=1+1' or '007'); '' empties the cell."""
    if type(value) is str:  # the common case, kept fast for 100,000-row ledgers
        if len(value) > MAX_CELL_CHARS:
            raise CellTooLong(value[:20])
        return value or None
    if value is None:
        return None
    if isinstance(value, (bool, int, float)):
        return value
    return _check_length(str(value))


def from_user_entered(value):
    """USER_ENTERED input: parsed as if typed into the Sheets UI (formulas, numbers, booleans, dates)."""
    if not isinstance(value, str):
        return from_raw(value)
    text = _check_length(value)
    if text == "":
        return None
    if text.startswith("'"):
        return text[1:] or None
    if text.startswith("=") and len(text) > 1:
        return Formula(text)
    stripped = text.strip()
    if _NUMBER.match(stripped):
        number = float(stripped)
        return int(number) if number.is_integer() and abs(number) < 1e15 else number
    if _PERCENT.match(stripped):
        return float(stripped[:-1]) / 100
    if stripped.upper() in ("TRUE", "FALSE"):
        return stripped.upper() == "TRUE"
    m = _DATE.match(stripped)
    if m:
        try:
            y, mo, d = int(m.group(1)), int(m.group(2)), int(m.group(3))
            h, mi, s = (int(g) if g else 0 for g in m.group(4, 5, 6))
            moment = dt.datetime(y, mo, d, h, mi, s)
        except ValueError:
            return text
        serial = (moment - _EPOCH).total_seconds() / 86400
        return DateValue(int(serial) if serial.is_integer() else serial, stripped)
    return text


def format_number(x) -> str:
    """Google's automatic number format, near enough: integers whole, others to 15 significant digits."""
    if isinstance(x, int):
        return str(x)
    if x.is_integer() and abs(x) < 1e15:
        return str(int(x))
    text = format(x, ".15g")
    if "e" in text:
        mantissa, exp = text.split("e")
        text = f"{mantissa}E{'+' if int(exp) >= 0 else '-'}{abs(int(exp)):02d}"
    return text


def _number_out(x):
    return int(x) if isinstance(x, float) and x.is_integer() and abs(x) < 1e15 else x


def render(value, option: str, date_option: str, evaluate):
    """One stored value as Google returns it for a valueRenderOption (None stays None: an empty cell)."""
    if value is None:
        return None
    if isinstance(value, Formula):
        if option == "FORMULA":
            return value.text
        value = evaluate(value)
    if isinstance(value, DateValue):
        if option == "FORMATTED_VALUE" or date_option == "FORMATTED_STRING":
            return value.shown
        return _number_out(value.serial)
    if isinstance(value, bool):
        return ("TRUE" if value else "FALSE") if option == "FORMATTED_VALUE" else value
    if isinstance(value, (int, float)):
        return format_number(value) if option == "FORMATTED_VALUE" else _number_out(value)
    return value


def sort_key(value, evaluate):
    """Order within a sort: numbers (and dates) before text before booleans, text case-insensitively."""
    if isinstance(value, Formula):
        value = evaluate(value)
    if isinstance(value, DateValue):
        return (0, value.serial)
    if isinstance(value, bool):
        return (2, value)
    if isinstance(value, (int, float)):
        return (0, value)
    return (1, str(value).casefold())


# Formulas: arithmetic on numbers and same-sheet cell references is enough for a local stand-in.
_OPS = {ast.Add: operator.add, ast.Sub: operator.sub, ast.Mult: operator.mul, ast.Div: operator.truediv,
        ast.Pow: operator.pow}
_REF = re.compile(r"^\$?([A-Z]{1,3})\$?(\d+)$")


class FormulaError(Exception):
    """Evaluating a formula failed; the message is the Sheets error code shown in the cell."""


def evaluate_formula(text: str, lookup, depth: int = 0):
    """Evaluate '=…' with + - * / ^, parentheses and cell references; lookup(row, col) gives a cell's value."""
    if depth > 50:
        raise FormulaError("#REF!")
    try:
        tree = ast.parse(text[1:].replace("^", "**"), mode="eval")
    except SyntaxError:
        raise FormulaError("#ERROR!") from None

    def number(v):
        if isinstance(v, Formula):
            v = evaluate_formula(v.text, lookup, depth + 1)
        if isinstance(v, DateValue):
            return v.serial
        if v is None:
            return 0
        if isinstance(v, (int, float)):
            return v
        raise FormulaError("#VALUE!")

    def walk(node):
        if isinstance(node, ast.Expression):
            return walk(node.body)
        if isinstance(node, ast.Constant) and isinstance(node.value, (int, float)):
            return node.value
        if isinstance(node, ast.BinOp) and type(node.op) in _OPS:
            left, right = walk(node.left), walk(node.right)
            if isinstance(node.op, ast.Div) and right == 0:
                raise FormulaError("#DIV/0!")
            return _OPS[type(node.op)](left, right)
        if isinstance(node, ast.UnaryOp) and isinstance(node.op, (ast.USub, ast.UAdd)):
            v = walk(node.operand)
            return -v if isinstance(node.op, ast.USub) else v
        if isinstance(node, ast.Call):
            raise FormulaError("#NAME?")  # no functions here
        if isinstance(node, ast.Name):
            m = _REF.match(node.id.upper())
            if not m:
                raise FormulaError("#NAME?")
            return number(lookup(int(m.group(2)) - 1, letters_to_col(m.group(1))))
        raise FormulaError("#ERROR!")

    result = walk(tree)
    return int(result) if isinstance(result, float) and result.is_integer() and abs(result) < 1e15 else result
