"""The coordinators' dashboard: counts and flagged tickets first, one page per ticket with its actions,
the outbox and the local mailbox."""
from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, send_file, url_for

from web import actions, tickets
from web.auth import coordinator_required, current_user
from web.context import res

bp = Blueprint("dashboard", __name__)

MILESTONE_LABELS = {"contact": "首次联系", "reply": "答复", "resolve": "办结"}
SHOWN = 500   # rows in one page; the flagged come first, filters narrow the rest


@bp.get("/")
def index():
    r = res()
    mine = tickets.view(r.store, current_user())
    shown = tickets.apply_filters(mine.tickets, request.args)
    failed = [m for m in r.store.outbox_list("failed") if m.permanent] if current_user().is_coordinator else []
    flags = r.store.flags() if current_user().is_coordinator else []
    return render_template("web/dashboard.html", tickets=shown[:SHOWN], hidden=max(0, len(shown) - SHOWN),
                           counts=mine.counts,
                           choices=mine.choices, args=request.args, failed=failed, flags=flags,
                           last_cycle=r.store.last_cycle(), filters=tickets.FILTERS)


def _ticket_or_404(ledger_id: str, row_id: str) -> tickets.Ticket:
    t = tickets.get(res().store, current_user(), ledger_id, row_id)
    if t is None:
        # The same answer for "no such ticket" and "not yours", so a unit cannot probe others' tickets.
        abort(404, description="没有找到该诉求，或您无权查看")
    return t


def _labels(profile) -> dict:
    return {**MILESTONE_LABELS, **dict(getattr(profile, "milestone_labels", {}) or {})}


@bp.get("/tickets/<ledger_id>/<row_id>")
def ticket(ledger_id, row_id, errors=None, form=None, status=200):
    r = res()
    t = _ticket_or_404(ledger_id, row_id)
    events = r.store.events(ledger_id=ledger_id, row_id=row_id)
    notices = r.store.notices(ticket=t.number) if t.number else []
    mails = [m for m in r.store.outbox_list() if t.number and (t.number in m.subject or t.number in m.key)]
    decisions = r.store.decisions(ledger_id=ledger_id, row_id=row_id)
    return render_template("web/ticket.html", t=t, events=events, notices=notices, mails=mails,
                           decisions=decisions, labels=_labels(r.profile), errors=errors or {}, form=form or {},
                           action_labels=actions.ACTION_LABELS), status


@bp.post("/tickets/<ledger_id>/<row_id>/actions/<action>")
@coordinator_required
def act(ledger_id, row_id, action):
    from connector.base import LedgerError
    r = res()
    t = _ticket_or_404(ledger_id, row_id)
    if action not in actions.ACTION_LABELS:
        abort(404)
    try:
        outcome = actions.perform(r, current_user().name, action, request.form, t)
    except actions.ActionError as exc:
        return ticket(ledger_id, row_id, errors={f"{action}.{k}": v for k, v in exc.errors.items()},
                      form=request.form, status=422)
    except LedgerError as exc:
        return ticket(ledger_id, row_id, errors={f"{action}.action": f"台账暂时无法写入：{exc}"},
                      form=request.form, status=503)
    flash(outcome.message)
    return redirect(url_for("dashboard.ticket", ledger_id=ledger_id, row_id=row_id))


@bp.post("/flags/resolve")
@coordinator_required
def resolve_flag():
    """A district-wide matter a coordinator has dealt with leaves the list; whatever still holds (a unit still
    without an e-mail address, a calendar still missing) is raised again by the next cycle or scan."""
    r = res()
    if r.store.resolve_flag(request.form.get("key", ""), r.now()):
        flash("已标记为已处理；如情况仍然存在，下次同步或督办扫描时会再次提示")
    return redirect(url_for("dashboard.index"))


@bp.get("/outbox/<int:item_id>/attachments/<int:index>")
def attachment(item_id, index):
    """A notice's PDF (or other attachment) as it was mailed; only for tickets the user may see."""
    import io
    r = res()
    item = r.store.outbox_get(item_id)
    if item is None or index >= len(item.attachments or []):
        abort(404)
    if not current_user().is_coordinator:
        mine = {t.number for t in tickets.load(r.store, current_user()) if t.number}
        if not any(n in item.subject or n in item.key for n in mine):
            abort(404)
    att = item.attachments[index]
    return send_file(io.BytesIO(att["data"] or b""), mimetype=att["content_type"], as_attachment=True,
                     download_name=att["filename"])


@bp.get("/mailbox")
@coordinator_required
def mailbox():
    """The embedded default's local mailbox (mail delivered to var/mailbox instead of an SMTP server)."""
    from mail import read_mailbox
    cfg = res().cfg
    entries = list(reversed(read_mailbox(cfg.mail.mailbox))) if cfg.mail.embedded else []
    return render_template("web/mailbox.html", entries=entries, embedded=cfg.mail.embedded,
                           outbox=res().store.outbox_list())


@bp.get("/mailbox/<name>")
@coordinator_required
def mail_message(name):
    from mail import read_mailbox
    entry = next((e for e in read_mailbox(res().cfg.mail.mailbox) if e.path.name == name), None)
    if entry is None:
        abort(404)
    body = entry.message.get_body(preferencelist=("plain", "html"))
    text = body.get_content() if body else ""
    files = [(p.get_filename(), p.get_content_type()) for p in entry.message.iter_attachments()]
    return render_template("web/mail_message.html", entry=entry, text=text, files=files)


def init_app(app) -> None:
    app.register_blueprint(bp)
