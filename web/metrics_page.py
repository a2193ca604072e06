"""The dashboard's metrics page: the bulletin's tables and charts for a chosen period, from the store."""
from __future__ import annotations

import threading
import time

import pandas as pd
from flask import Blueprint, Response, abort, render_template, request

bp = Blueprint("metrics_page", __name__, url_prefix="/metrics")
CACHE_SECONDS = 60          # the sync cycle runs every few minutes; a page reload need not recompute
_cache: dict = {}
_lock = threading.Lock()


def _resources():
    """(config, store, clock) shared by the web package."""
    from web.context import res
    r = res()
    return r.cfg, r.store, r.now


def _period_and_as_of(text: str | None):
    """The chosen period (default: this month) and the moment its figures are taken (now, if inside it)."""
    from domain.metrics import MetricsInputError, Period
    cfg, store, clock = _resources()
    now = pd.Timestamp(clock().astimezone(cfg.tz).replace(tzinfo=None))
    try:
        period = Period.parse(text) if text else Period.month(now.year, now.month)
    except MetricsInputError as exc:
        abort(400, description=exc.zh)
    if now < period.start:
        abort(400, description=f"统计期间“{period.label}”尚未开始")
    return period, min(now, period.end)


def _bulletin(period, as_of, themes: bool):
    key = (period.start, period.end, as_of.floor("min"), themes)
    with _lock:
        hit = _cache.get(key)
        if hit and time.monotonic() - hit[1] < CACHE_SECONDS:
            return hit[0]
    from reports import bulletin, service
    from reports.frames import frames_from_store
    cfg, store, _ = _resources()
    _, profile, cal = service.context(cfg, store)
    b = bulletin.build(frames_from_store(store), period, profile=profile, calendar=cal, as_of=as_of,
                       themes=themes)
    with _lock:
        _cache.clear()  # one entry is enough: the page and its four charts ask for the same period
        _cache[key] = (b, time.monotonic())
    return b


@bp.get("/")
def index():
    """指标 page: ?period=2026-10 | 2026Q3 | 2026H2 | 2026 (default: this month so far); &themes=1 adds 类案主题."""
    from reports.bulletin import CHART_NAMES, HtmlTable, html_tables
    text = request.args.get("period", "").strip() or None
    period, as_of = _period_and_as_of(text)
    themes = request.args.get("themes") == "1"
    b = _bulletin(period, as_of, themes)
    tables = html_tables(b)
    tables["承办单位指标"] = HtmlTable(*_full(b))
    return render_template("web/metrics.html", base="web/base.html", b=b, tables=tables,
                           period_text=text or f"{period.start:%Y-%m}", as_of=f"{as_of:%Y-%m-%d %H:%M}",
                           themes=themes, charts=CHART_NAMES)


def _full(b):
    """Every metric per unit (the page scrolls sideways; the PDF keeps a compact subset)."""
    from domain.metrics import display_table
    frame = display_table(b.metrics["unit"]).reset_index()
    return [str(c) for c in frame.columns], [[str(v) for v in row] for row in frame.itertuples(index=False)]


@bp.get("/chart/<name>.png")
def chart(name):
    """One of the bulletin's charts as PNG, drawn by the same code as the PDF."""
    from reports.bulletin import CHART_NAMES, figure
    from reports.charts import png
    if name not in CHART_NAMES:
        abort(404)
    period, as_of = _period_and_as_of(request.args.get("period", "").strip() or None)
    data = png(figure(_bulletin(period, as_of, request.args.get("themes") == "1"), name))
    return Response(data, mimetype="image/png", headers={"Cache-Control": "private, max-age=60"})


def init_app(app) -> None:
    app.register_blueprint(bp)
