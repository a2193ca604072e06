"""The public intake form: an enterprise's request, checked with the ledger's own rules, stored at once
(the next cycle appends it to the ledger), answered with a receipt code."""
from __future__ import annotations

import re
import secrets
import threading

from flask import Blueprint, current_app, redirect, render_template, request, url_for

from sheets_schema import LEDGER, check_cell
from web import security
from web.context import res

bp = Blueprint("intake", __name__)

# form field → ledger header; the order is the form's.
FIELDS = (("enterprise", "诉求企业"), ("credit_code", "统一社会信用代码"), ("address", "企业地址"),
          ("contact", "联系人"), ("phone", "联系电话"), ("category", "诉求类别"), ("township", "所属镇街"),
          ("matter", "主要诉求"))
ATTACHMENT_TYPES = {"pdf", "jpg", "jpeg", "png", "doc", "docx", "xls", "xlsx", "txt"}
MAX_ATTACHMENTS = 5
# No 0/O/1/I/L: a receipt code is read aloud on the phone and typed back.
_CODE_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
CODE_RE = re.compile(r"^WS[23456789A-HJKMNP-Z]{10}$")
# Submissions from this process's threads queue here rather than in SQLite's busy handler, whose growing
# sleeps (up to 100 ms) would otherwise make the slowest 1% of requests wait for nothing.
_WRITE_LOCK = threading.Lock()
LIMITER = "jiesu.intake_limiter"    # app.extensions key of this app's per-address submission counter


def new_code() -> str:
    return "WS" + "".join(secrets.choice(_CODE_ALPHABET) for _ in range(10))


def check(form, profile) -> tuple[dict, dict]:
    """({header: text} to store, {field: Chinese error}) using the 台账 columns' own rules."""
    fields, errors = {}, {}
    for name, header in FIELDS:
        raw = (form.get(name) or "").strip()
        column = LEDGER.column(header)
        problems = [m for level, m in check_cell(column, raw, profile) if level == "error"]
        if problems:
            errors[name] = "；".join(problems)
        elif raw:
            fields[header] = raw
    return fields, errors


def _attachments(files, errors) -> list:
    chosen = [f for f in files.getlist("attachments") if f and f.filename]
    if len(chosen) > MAX_ATTACHMENTS:
        errors["attachments"] = f"最多上传 {MAX_ATTACHMENTS} 个附件"
    for f in chosen:
        ext = f.filename.rsplit(".", 1)[-1].lower() if "." in f.filename else ""
        if ext not in ATTACHMENT_TYPES:
            errors["attachments"] = f"附件“{f.filename}”的类型不支持，可上传：{'、'.join(sorted(ATTACHMENT_TYPES))}"
    return chosen


def _save_attachments(code: str, chosen) -> list[str]:
    folder = res().cfg.var_dir / "intake" / code
    folder.mkdir(parents=True, exist_ok=True)
    names = []
    for i, f in enumerate(chosen, 1):
        # Our own file names: the enterprise's name of a file is data, never a path.
        name = f"{i}.{f.filename.rsplit('.', 1)[-1].lower()}"
        f.save(folder / name)
        names.append(name)
    return names


def _townships() -> list[str]:
    sources = res().cfg.ledger.sources()
    return [s.name for s in sources] if len(sources) > 1 else []


@bp.route("/intake", methods=["GET", "POST"])
def form():
    r = res()
    values, errors = {}, {}
    if request.method == "POST":
        values = {name: request.form.get(name, "") for name, _ in FIELDS}
        fields, errors = check(request.form, r.profile)
        if fields.get("所属镇街") and _townships() and fields["所属镇街"] not in _townships():
            errors["township"] = "请选择列表中的镇街"
        chosen = _attachments(request.files, errors)
        limit = current_app.config.get("INTAKE_LIMIT")
        if not errors and limit and not current_app.extensions[LIMITER].hit(
                security.client_address(), *limit):
            return render_template("web/intake.html", fields=FIELDS, values=values, categories=r.profile.categories,
                                   townships=_townships(),
                                   errors={"form": "提交过于频繁，请稍后再试；如有急事请拨打 12345"}), 429
        if not errors:
            code = new_code()
            saved = _save_attachments(code, chosen) if chosen else []
            note = f"网上申报，回执码 {code}" + (f"，附件 {len(saved)} 个" if saved else "")
            fields.update({"渠道": "政府网站", "备注": note})
            with _WRITE_LOCK:
                r.store.intake_add(fields, r.now(), source_key=f"web:{code}")
            return redirect(url_for("intake.receipt", code=code), code=303)
    return render_template("web/intake.html", fields=FIELDS, values=values, errors=errors,
                           categories=r.profile.categories, townships=_townships()), (422 if errors else 200)


@bp.get("/intake/receipt/<code>")
def receipt(code):
    r = res()
    sub = r.store.intake_by_source_key(f"web:{code}") if CODE_RE.match(code) else None
    if sub is None:
        return render_template("web/receipt.html", code=None), 404
    number = r.store.number_of(sub.ledger_id, sub.row_id) if sub.row_id else None
    return render_template("web/receipt.html", code=code, number=number,
                           received=sub.received_at.astimezone(r.cfg.tz).strftime("%Y-%m-%d %H:%M"))


def init_app(app) -> None:
    app.extensions[LIMITER] = security.MemoryLimiter()
    app.register_blueprint(bp)
