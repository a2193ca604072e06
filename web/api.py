"""The JSON API (`/api/…`, documented in docs/api.openapi.yaml): the dashboard's data for other tools,
behind the same login and the same visibility rules."""
from __future__ import annotations

from flask import Blueprint, abort, jsonify, request

from web import tickets
from web.auth import current_user
from web.context import res

bp = Blueprint("api", __name__, url_prefix="/api")


def _iso(dt):
    return dt.isoformat() if dt else None


@bp.get("/summary")
def summary():
    c = tickets.view(res().store, current_user()).counts
    last = res().store.last_cycle()
    return jsonify(total=c["total"], flagged=c["flagged"], by_status=dict(c["status"]), by_light=dict(c["light"]),
                   last_cycle=_iso(last.finished_at) if last else None)


@bp.get("/tickets")
def ticket_list():
    shown = tickets.apply_filters(tickets.load(res().store, current_user()), request.args)
    try:
        limit = min(max(int(request.args.get("limit", 500)), 1), 5000)
        offset = max(int(request.args.get("offset", 0)), 0)
    except ValueError:
        return jsonify(error="limit/offset 应为整数 / limit and offset must be integers"), 400
    return jsonify(total=len(shown), tickets=[tickets.as_json(t) for t in shown[offset:offset + limit]])


@bp.get("/tickets/<ledger_id>/<row_id>")
def ticket_detail(ledger_id, row_id):
    r = res()
    t = tickets.get(r.store, current_user(), ledger_id, row_id)
    if t is None:
        abort(404)
    out = tickets.as_json(t, full=True)
    out["events"] = [dict(column=e.column, old=e.old_value, new=e.new_value, at=_iso(e.seen_at), actor=e.actor)
                     for e in r.store.events(ledger_id=ledger_id, row_id=row_id)]
    out["notices"] = [dict(kind=n.kind, number=n.number, issued_at=_iso(n.issued_at))
                      for n in (r.store.notices(ticket=t.number) if t.number else [])]
    return jsonify(out)


@bp.errorhandler(404)
def not_found(_exc):
    return jsonify(error="没有找到，或无权查看 / not found"), 404


def init_app(app) -> None:
    app.register_blueprint(bp)
