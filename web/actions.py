"""Coordinators' actions on a ticket: each writes coordinator-owned cells to the ledger through the
connector and records the change, with its actor, in the store's event log."""
from __future__ import annotations

from dataclasses import dataclass

from sheets_schema import LEDGER, check_cell, parse_cell

from web.context import Resources
from web.tickets import Ticket

ACTION_LABELS = {"redispatch": "重新派单", "approve_extension": "批准延期", "refuse_extension": "不同意延期",
                 "referral": "确认移送纪检监察", "interview": "发出约谈通知书", "close": "审核后办结归档"}


class ActionError(ValueError):
    """The action cannot be done: `errors` maps a form field to its Chinese message."""

    def __init__(self, errors: dict[str, str]):
        super().__init__("; ".join(f"{k}: {v}" for k, v in errors.items()))
        self.errors = errors


@dataclass(frozen=True)
class Outcome:
    """What an action did: the cells written (header → text) and a line for the page."""
    cells: dict
    message: str


def _checked(header: str, raw: str, profile, errors: dict, field: str, *, required: bool = False):
    """The cell text for `header` after the schema's own checks (the same rules as the sheet)."""
    raw = (raw or "").strip()
    if not raw:
        if required:
            errors[field] = f"请填写{header}"
        return ""
    column = LEDGER.column(header)
    problems = [m for level, m in check_cell(column, raw, profile) if level == "error"]
    if problems:
        errors[field] = "；".join(problems)
        return ""
    return raw


def plan(action: str, form, ticket: Ticket, profile) -> dict:
    """The coordinator-owned cells this action writes ({} for a decision the scan carries out)."""
    errors: dict[str, str] = {}
    if action == "redispatch":
        unit = _checked("承办单位", form.get("unit"), profile, errors, "unit", required=True)
        co = _checked("配合单位", form.get("co_units"), profile, errors, "co_units")
        if unit and unit == ticket.unit and co == "、".join(ticket.co_units):
            errors["unit"] = "承办单位未改变"
        cells = {"承办单位": unit, "配合单位": co}
    elif action == "approve_extension":
        days = _checked("延期天数", form.get("days"), profile, errors, "days", required=True)
        if not ticket.cells.get("延期申请"):
            errors["days"] = "承办单位尚未提出延期申请（延期申请为空）"
        cells = {"延期批准": "同意", "延期天数": parse_cell(LEDGER.column("延期天数"), days) if days else ""}
    elif action == "refuse_extension":
        cells = {"延期批准": "不同意"}
    elif action == "referral":
        text = _checked("移送纪检监察情况", form.get("text"), profile, errors, "text", required=True)
        cells = {"移送纪检监察情况": text}
    elif action == "interview":
        _checked("备注", form.get("reason"), profile, errors, "reason", required=True)
        cells = {}
    elif action == "close":
        if form.get("confirm") != "yes":
            errors["confirm"] = "请勾选“已审核办理结果”后再办结归档"
        cells = {"是否办结归档": "是"}
    else:
        raise ActionError({"action": f"未知的操作 {action}"})
    if errors:
        raise ActionError(errors)
    return cells


def perform(r: Resources, actor: str, action: str, form, ticket: Ticket) -> Outcome:
    """Check, write the ledger (coordinator-owned cells only), then record the events; raises ActionError
    for bad input and connector.base.LedgerError when the ledger cannot be written (nothing recorded)."""
    from connector.base import CellWrite, RowRef

    cells = plan(action, form, ticket, r.profile)
    now = r.now()
    label = ACTION_LABELS[action]
    who = f"web:{actor}"
    if action == "interview":
        reason = form.get("reason", "").strip()
        r.store.decision_add("interview_notice", ticket.ledger_id, ticket.row_id, {"reason": reason}, actor, now,
                             number=ticket.number, unit=ticket.unit)
        r.store.event_add(ticket.ledger_id, ticket.row_id, "约谈通知书", None, f"决定发出：{reason}", now,
                          actor=who, number=ticket.number)
        return Outcome({}, f"{label}：已记录，督办扫描将发出约谈通知书")
    ledger = r.open_ledger(ticket.ledger_id)
    ref = RowRef(r.sheet_title(ticket.ledger_id), ticket.row_id, 0, "")
    result = ledger.write([CellWrite(ref, cells)], owner="coordinator")
    if result.missed:
        raise ActionError({"action": "未能写入台账：" + "；".join(m.reason for m in result.missed)})
    text = {h: str(v) for h, v in cells.items()}
    r.store.record_rows(ticket.ledger_id, {ticket.row_id: {**ticket.cells, **text}}, now, actor=who,
                        numbers={ticket.row_id: ticket.number} if ticket.number else None)
    shown = "，".join(f"{h}={v}" for h, v in text.items() if v)
    return Outcome(text, f"{label}：已写入台账（{shown}）")
