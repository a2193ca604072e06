"""The text the service writes into a row's 校验结果 cell, from that row's problems."""
from __future__ import annotations

OK_TEXT = "✔ 校验通过"
MAX_LENGTH = 300
_MORE = " …（其余见校验报告）"


def row_summary(problems) -> str:
    """'✔ 校验通过', or errors (✘) then warnings (⚠) as "表头: 说明; …", cut to fit the cell."""
    if not problems:
        return OK_TEXT
    errors = [p for p in problems if p.level == "error"]
    warnings = [p for p in problems if p.level != "error"]
    parts = [f"{p.column}: {p.message}" for p in errors + warnings]
    head = f"✘ {len(errors)} 处错误" if errors else "⚠ 提示"
    if errors and warnings:
        head += f"，{len(warnings)} 条提示"
    text = head + "：" + "; ".join(parts)
    if len(text) > MAX_LENGTH:
        text = text[: MAX_LENGTH - len(_MORE)].rstrip("; ") + _MORE
    return text


def summaries(problems, sheet: str, rows: int) -> dict[int, str]:
    """{row number: summary} for rows 2..rows of one worksheet (rows = the sheet's last row number)."""
    by_row: dict[int, list] = {}
    for p in problems:
        if p.sheet == sheet:
            by_row.setdefault(p.row, []).append(p)
    return {r: row_summary(by_row.get(r, ())) for r in range(2, rows + 1)}


def blocking_rows(problems, sheet: str | None = None) -> set[int]:
    """Row numbers with at least one error: these rows get no number until fixed."""
    return {p.row for p in problems if p.level == "error" and (sheet is None or p.sheet == sheet)}
