"""One cell against its column: the authoritative per-cell rule every fast path must agree with."""
from __future__ import annotations

from sheets_schema import parse
from sheets_schema.columns import (
    CREDIT_CODE, DATE, DATETIME, EMAIL, ENUM, INTEGER, PHONE, TEXT, UNITS, Column,
)
from sheets_schema.parse import CellError

ERROR, WARNING = "error", "warning"


def parse_cell(column: Column, raw, profile=None):
    """The typed value of a non-blank cell (datetime, date, str, int, tuple of phones/units); CellError if wrong."""
    kind = column.kind
    if kind == DATETIME:
        return parse.parse_datetime(raw)[0]
    if kind == DATE:
        return parse.parse_date(raw)
    if kind == PHONE:
        return parse.parse_phones(raw)
    if kind == CREDIT_CODE:
        return parse.parse_credit_code(raw)
    if kind == ENUM:
        return parse.parse_enum(raw, column.allowed(profile))
    if kind == INTEGER:
        return parse.parse_int(raw, column.min_value, column.max_value)
    if kind == EMAIL:
        return parse.parse_email(raw)
    if kind == UNITS:
        return parse.split_units(raw)
    return raw if isinstance(raw, str) else parse.display(raw)


def check_cell(column: Column, raw, profile=None, units=None) -> list[tuple[str, str]]:
    """Every (level, message) for one cell; `units` is the set of known unit names, if the workbook has them."""
    if parse.is_blank(raw):
        return [(ERROR, f"{column.header}为必填项，请填写")] if column.required else []
    found = []
    try:
        value = parse_cell(column, raw, profile)
    except CellError as exc:
        level = WARNING if (column.kind == ENUM and not column.strict) else ERROR
        message = exc.message
        if parse.is_formula_like(raw) and "公式" not in message:
            message += "（以“" + raw[0] + "”开头的内容不会被当作公式计算）"
        return [(level, message)]
    if column.kind == TEXT and column.max_length and len(raw.strip() if isinstance(raw, str) else value) > column.max_length:
        length = len(raw.strip() if isinstance(raw, str) else value)
        found.append((ERROR, f"{column.header}最多 {column.max_length} 字，现有 {length} 字，请精简"))
    if column.kind == UNITS:
        found.extend(_check_units(column, value, units))
    if parse.is_formula_like(raw) and column.kind in (TEXT, UNITS):
        found.append((WARNING, parse.formula_note(raw)))
    return found


def _check_units(column: Column, names: tuple[str, ...], units) -> list[tuple[str, str]]:
    found = []
    if column.single and len(names) > 1:
        found.append((ERROR, f"{column.header}只填一个牵头单位，现有 {len(names)} 个；其余请填到“配合单位”"))
    if units:
        for name in names:
            if name not in units:
                guess = parse.suggest(name, sorted(units))
                hint = f"您是不是要填“{guess}”？" if guess else "请先在“承办单位”表中登记，或改用表中的名称。"
                found.append((ERROR, f"“{name}”不在“承办单位”表中。{hint}"))
    return found
