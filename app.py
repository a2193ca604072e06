"""Flask application factory: each resource (settings and store, security, accounts, dashboard, intake,
progress lookup, webhook, API) is set up by its own init_app; nothing is read at import time."""
from flask import Flask, jsonify, render_template


def create_app(config=None):
    """Build the web app; `config` is a mapping overriding the defaults: JIESU (a config.Config) or
    JIESU_CONFIG_PATH, STORE, CLOCK, LEDGER_OPENER, WEBHOOK_SECRET, SESSION_COOKIE_SECURE, … (docs/web.md)."""
    from web import api, auth, context, dashboard, hooks, intake, metrics_page, security, tickets, track

    app = Flask(__name__, template_folder="templates")
    app.config.from_mapping(security.DEFAULTS)
    if config:
        app.config.from_mapping(config)
    context.init_app(app)
    security.init_app(app)
    auth.init_app(app)
    dashboard.init_app(app)
    intake.init_app(app)
    track.init_app(app)
    hooks.init_app(app)
    api.init_app(app)
    metrics_page.init_app(app)
    app.jinja_env.filters["flag_label"] = lambda kind: tickets.FLAG_LABELS.get(kind, kind)
    # Instants are kept in UTC; people read them in the district's wall-clock time.
    app.jinja_env.filters["local"] = lambda dt: dt.astimezone(context.res().cfg.tz).strftime("%Y-%m-%d %H:%M") if dt else ""

    @app.get("/healthz")
    def healthz():
        from importlib.metadata import version
        last = None
        try:
            cycle = context.res().store.last_cycle()
            last = cycle.finished_at.isoformat() if cycle and cycle.finished_at else None
        except Exception as exc:  # the check must answer even when the store is down
            return jsonify(status="degraded", version=version("jiesu"), last_cycle=None, error=str(exc)[:200]), 503
        return jsonify(status="ok", version=version("jiesu"), last_cycle=last)

    for code in (400, 403, 404, 405, 413, 429, 500):
        app.register_error_handler(code, _error_page)
    return app


def _error_page(exc):
    from werkzeug.exceptions import HTTPException
    code = exc.code if isinstance(exc, HTTPException) else 500
    description = getattr(exc, "description", None) if code != 500 else None
    titles = {400: "请求有误", 403: "无权操作", 404: "没有找到", 405: "不支持的请求方式", 413: "上传内容过大",
              429: "请求过于频繁", 500: "服务器出错"}
    return render_template("web/error.html", code=code, title=titles.get(code, "出错了"),
                           description=description), code
