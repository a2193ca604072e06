"""Accounts and sessions: log in and out, who is logged in, and the login wall around every other page."""
from __future__ import annotations

from dataclasses import dataclass
from functools import wraps

from flask import Blueprint, abort, flash, g, redirect, render_template, request, session, url_for
from werkzeug.security import check_password_hash, generate_password_hash

from web import security
from web.context import res

bp = Blueprint("auth", __name__)

ROLE_LABELS = {"coordinator": "协调机构", "township": "镇街受理人员", "unit": "承办单位"}
# Pages anyone may open: the public intake form and progress lookup, the health check, the signed webhook.
PUBLIC = {"auth.login", "intake.form", "intake.receipt", "track.lookup", "hooks.sheets", "healthz", "static"}
LOGIN_FAILURES_PER_NAME = 5
LOGIN_FAILURES_PER_ADDRESS = 20
LOGIN_WINDOW_SECONDS = 15 * 60
_DUMMY: list[str] = []


def _dummy_hash() -> str:
    # Checked when the name does not exist, so a wrong name costs as long as a wrong password.
    if not _DUMMY:
        _DUMMY.append(generate_password_hash("not-a-password"))
    return _DUMMY[0]


@dataclass(frozen=True)
class Viewer:
    """The logged-in account, as the pages need it."""
    name: str
    role: str
    unit: str | None
    township: str | None

    @property
    def is_coordinator(self) -> bool:
        return self.role == "coordinator"

    @property
    def label(self) -> str:
        scope = self.unit or self.township
        return f"{self.name}（{ROLE_LABELS.get(self.role, self.role)}{'：' + scope if scope else ''}）"


def hash_password(password: str) -> str:
    return generate_password_hash(password)


def current_user() -> Viewer | None:
    if "viewer" not in g:
        g.viewer = None
        name = session.get("user")
        if name:
            rec = res().store.user_get(name)
            if rec and rec.active:
                g.viewer = Viewer(rec.name, rec.role, rec.unit, rec.township)
    return g.viewer


def _login_wall():
    if request.endpoint in PUBLIC or request.endpoint is None:
        return None
    if current_user() is None:
        if request.path.startswith("/api/"):
            return {"error": "需要登录 / login required"}, 401
        return redirect(url_for("auth.login", next=request.full_path if request.query_string else request.path))
    return None


def coordinator_required(view):
    """Only a coordinator may do this (the actions that write coordinator-owned cells)."""
    @wraps(view)
    def wrapped(*args, **kwargs):
        user = current_user()
        if user is None or not user.is_coordinator:
            abort(403, description="只有协调机构可以进行此操作")
        return view(*args, **kwargs)
    return wrapped


def _safe_next(target: str | None) -> str:
    # Only same-site paths: an open redirect would let a phishing link bounce through our login page.
    if target and target.startswith("/") and not target.startswith("//") and "\\" not in target:
        return target
    return url_for("dashboard.index")


@bp.route("/login", methods=["GET", "POST"])
def login():
    error = None
    if request.method == "POST":
        name = request.form.get("name", "").strip()
        password = request.form.get("password", "")
        address = security.client_address()
        if (security.limited("login", f"name:{name}", LOGIN_FAILURES_PER_NAME, LOGIN_WINDOW_SECONDS)
                or security.limited("login", f"addr:{address}", LOGIN_FAILURES_PER_ADDRESS, LOGIN_WINDOW_SECONDS)):
            return render_template("web/login.html", error="登录失败次数过多，请 15 分钟后再试", name=name), 429
        rec = res().store.user_get(name) if name else None
        ok = check_password_hash(rec.password_hash if rec else _dummy_hash(), password) and bool(rec and rec.active)
        security.note("login", f"name:{name}", ok)
        security.note("login", f"addr:{address}", ok)
        if ok:
            session.clear()
            session["user"] = rec.name
            session.permanent = True
            return redirect(_safe_next(request.args.get("next")))
        error = "用户名或密码错误"
        return render_template("web/login.html", error=error, name=name), 401
    return render_template("web/login.html", error=error, name="")


@bp.post("/logout")
def logout():
    session.clear()
    flash("已退出登录")
    return redirect(url_for("auth.login"))


def init_app(app) -> None:
    app.register_blueprint(bp)
    app.before_request(_login_wall)
    app.jinja_env.globals["current_user"] = current_user
