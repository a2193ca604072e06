"""Public progress lookup by number (or receipt code) plus the last four digits of the contact phone:
status, stage, deadlines and result, nothing personal, one answer for every kind of miss, rate-limited."""
from __future__ import annotations

import re

from flask import Blueprint, render_template, request

from web import security
from web.context import res
from web.intake import CODE_RE

bp = Blueprint("track", __name__)

MISSES_PER_ADDRESS = 10
WINDOW_SECONDS = 10 * 60
NOT_FOUND = "未找到与该编号和电话后四位相符的诉求，请核对后重试"
STAGE_PENDING = "已提交，等待登记编号"
STAGE_REGISTERED = "已登记编号，等待派单办理"
MILESTONES = {"contact": "首次联系", "reply": "答复", "resolve": "办结"}


def _last4(phones: str) -> set[str]:
    return {re.sub(r"\D", "", p)[-4:] for p in re.split(r"[、，,;；/\s]+", phones or "") if len(re.sub(r"\D", "", p)) >= 4}


def find(key: str, last4: str) -> dict | None:
    """The public view of a ticket or submission, or None (no such number, or the phone does not match)."""
    r = res()
    key = key.strip()
    sub = r.store.intake_by_source_key(f"web:{key.upper()}") if CODE_RE.match(key.upper()) else None
    if sub is not None:
        phones = sub.fields.get("联系电话", "")
        state = r.store.ticket_state_of(sub.ledger_id, sub.row_id) if sub.row_id else None
    else:
        state = r.store.ticket_state_by_number(key)
        phones = r.store.snapshot_of(state.ledger_id, state.row_id).get("联系电话", "") if state else ""
        if state is None:   # numbered as it was appended, not yet decided by a cycle
            sub = r.store.intake_by_number(key)
            phones = sub.fields.get("联系电话", "") if sub else ""
    if state is None and sub is None or last4 not in _last4(phones):
        return None
    if state is None:
        return {"number": sub.number, "code": sub.source_key[4:] if (sub.source_key or "").startswith("web:")
                else None, "stage": STAGE_REGISTERED if sub.number else STAGE_PENDING, "status": "",
                "category": sub.fields.get("诉求类别", ""), "dues": [], "result": None,
                "received": sub.received_at.astimezone(r.cfg.tz).strftime("%Y-%m-%d %H:%M")}
    s, cells = state.state, r.store.snapshot_of(state.ledger_id, state.row_id)
    explain = s.get("explain") or {}
    dues = [(MILESTONES.get(m, m), due.replace("T", " ")[:16], explain.get(m, ""))
            for m, due in (s.get("dues") or {}).items()]
    closed = cells.get("办结时间")
    result = {"closed": closed, "finding": cells.get("核查结论"), "text": cells.get("办理情况")} if closed else None
    return {"number": state.number, "code": key.upper() if sub else None, "stage": s.get("stage") or "",
            "status": state.status, "category": s.get("category") or cells.get("诉求类别", ""),
            "received": (s.get("received") or "").replace("T", " ")[:16], "dues": dues, "result": result}


@bp.route("/track", methods=["GET", "POST"])
def lookup():
    if request.method == "GET":
        return render_template("web/track.html", found=None, error=None, key=request.args.get("key", ""))
    key = (request.form.get("key") or "").strip()[:60]
    last4 = (request.form.get("last4") or "").strip()
    address = security.client_address()
    if security.limited("track", address, MISSES_PER_ADDRESS, WINDOW_SECONDS):
        return render_template("web/track.html", found=None, key=key,
                               error="查询过于频繁，请 10 分钟后再试"), 429
    if not key or not re.fullmatch(r"\d{4}", last4):
        return render_template("web/track.html", found=None, key=key,
                               error="请输入诉求编号（或回执码）和联系电话的后四位数字"), 400
    found = find(key, last4)
    security.note("track", address, found is not None)
    if found is None:
        return render_template("web/track.html", found=None, key=key, error=NOT_FOUND), 404
    return render_template("web/track.html", found=found, key=key, error=None)


def init_app(app) -> None:
    app.register_blueprint(bp)
