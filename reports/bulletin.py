"""The periodic bulletin (一月一通报): tables from domain.metrics, written as a print-ready xlsx and a PDF with charts."""
from __future__ import annotations

import threading
from contextlib import contextmanager
from copy import copy
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

import pandas as pd

from domain.metrics import (METRIC_BY_NAME, NOTICE_KINDS, Period, breakdown, compute_all, display_table,
                            prepare_tickets, trend_counts)
from domain.ranking import display_ranking, rank_units, weights_from_profile
from reports import similar
from reports.background import Background
from reports.frames import Frames

LIGHT_LABELS = {"yellow": "黄灯", "red": "红灯"}
STEPS = ("指标", "排名", "趋势", "类别", "亮灯与文书", "类案主题")


@dataclass
class Bulletin:
    """Every table of one period's bulletin, as people read them (Chinese headers)."""
    title: str
    period: Period
    as_of: pd.Timestamp
    metrics: dict[str, pd.DataFrame]            # compute_all: unit, township, district (raw numbers)
    ranking: pd.DataFrame                        # rank_units (raw)
    trend: pd.DataFrame                          # district received and closed per month (trend_counts)
    categories: pd.DataFrame                     # breakdown by 诉求类别
    lights: pd.DataFrame                         # lights in the period, one row each
    notices: pd.DataFrame                        # notices issued in the period
    themes: list = field(default_factory=list)   # similar.Theme, largest first
    targets: dict = field(default_factory=dict)  # profile.metrics.targets

    def tables(self) -> dict[str, pd.DataFrame]:
        """Sheet name -> table (index included as the first column), in bulletin order."""
        district = display_table(self.metrics["district"]).T
        district.index.name, district.columns = "指标", ["数值"]
        lit = self.metrics["unit"][["yellow_lights", "red_lights"]]
        lit = lit[lit.sum(axis=1) > 0].sort_values(["red_lights", "yellow_lights"], ascending=False, kind="mergesort")
        lit.columns = ["黄灯数", "红灯数"]
        lit.index.name = "承办单位"
        trend = self.trend[["received", "closed"]].rename(columns={"received": "受理诉求数", "closed": "办结数"})
        trend.index.name = "月份"
        cats = self.categories.rename(columns={"received": "受理诉求数(收到)", "accepted": "受理数"})
        cats.index.name = "诉求类别"
        themes = pd.DataFrame({"主题关键词": [t.label for t in self.themes], "件数": [t.count for t in self.themes],
                               "示例编号": ["、".join(t.examples) for t in self.themes]},
                              index=pd.RangeIndex(1, len(self.themes) + 1, name="序号"))
        return {"全区概况": district, "承办单位指标": display_table(self.metrics["unit"]),
                "镇街指标": display_table(self.metrics["township"]), "单位排名": display_ranking(self.ranking),
                "月度趋势": trend, "诉求类别": cats, "亮灯单位": lit, "亮灯明细": self.lights,
                "督办文书": self.notices, "类案主题": themes}


def _in_period(frame: pd.DataFrame, col: str, period: Period, as_of: pd.Timestamp) -> pd.DataFrame:
    """Rows of a side frame whose col falls in the period (and not after as_of), col as naive local time."""
    from reports.frames import _times
    at = _times(frame[col]) if len(frame) else pd.Series([], dtype="datetime64[ns]")
    keep = (period.contains(at) & (at <= as_of)).values
    out = frame[keep].copy()
    out[col] = at[keep].values
    return out.sort_values(col, kind="mergesort")


def trend_months(period: Period) -> list[Period]:
    """The trend axis: the period's months, or the twelve months ending with it when it is shorter."""
    months = period.months()
    if len(months) >= 12:
        return months
    return Period(period.end - pd.DateOffset(months=12), period.end).months()


@contextmanager
def _no_full_collections():
    """Young garbage collections only while a bulletin is made: its imports (matplotlib,
    WeasyPrint) and jieba's words grow the heap so that Python ran ~8 full collections, each walking every
    object (~1 s in all). Young cycles are still collected; older garbage waits for the next full
    collection after the bulletin (peak memory ~7% higher). The thresholds are restored afterwards."""
    import gc
    with _gc_lock:  # bulletins built at once in two threads (web pages): the last one out restores
        if not _gc_saved:
            _gc_saved.append(gc.get_threshold())
            gc.set_threshold(_gc_saved[0][0], _gc_saved[0][1], 1_000_000_000)
        _gc_users[0] += 1
    try:
        yield
    finally:
        with _gc_lock:
            _gc_users[0] -= 1
            if not _gc_users[0]:
                gc.set_threshold(*_gc_saved.pop())


_gc_lock = threading.Lock()
_gc_saved: list[tuple[int, ...]] = []   # the thresholds before the first bulletin still being made
_gc_users = [0]                         # bulletins being made now


def build(frames: Frames, period: Period, *, profile, calendar, as_of=None, units=None,
          themes: bool = True, progress: Callable[[str], None] | None = None,
          before_themes: Callable[[Bulletin], None] | None = None) -> Bulletin:
    """Computes every table of the bulletin for period; progress(step) is called after each of STEPS;
    before_themes(bulletin) when every table but the themes is there (to start on the charts meanwhile)."""
    with _no_full_collections():
        return _build(frames, period, profile=profile, calendar=calendar, as_of=as_of, units=units,
                      themes=themes, progress=progress, before_themes=before_themes)


def _build(frames: Frames, period: Period, *, profile, calendar, as_of, units, themes, progress,
           before_themes) -> Bulletin:
    done = progress or (lambda step: None)
    as_of = period.end if as_of is None else pd.Timestamp(as_of)
    t = prepare_tickets(frames.tickets)
    common = dict(calendar=calendar, satisfied_levels=profile.satisfied_levels, lights=frames.lights,
                  notices=frames.notices, referrals=frames.referrals, prepared=True)
    tables = compute_all(t, period, as_of=as_of, groups=units, **common)
    done(STEPS[0])
    ranking = rank_units(tables["unit"], weights_from_profile(profile))
    done(STEPS[1])
    monthly = trend_counts(t, trend_months(period), prepared=True)
    done(STEPS[2])
    # breakdown prepares its input again (row by row); only the period's rows can count, so only they go in.
    cats = breakdown(t[period.contains(t["received"])], period, "category")
    done(STEPS[3])
    labels = dict(profile.milestone_labels)
    lit = _in_period(frames.lights, "at", period, as_of)
    lights = pd.DataFrame({"诉求编号": lit["ticket"].values, "承办单位": lit["unit"].values,
                           "灯色": [LIGHT_LABELS.get(v, v) for v in lit["light"]],
                           "环节": [labels.get(m, m) for m in lit["milestone"]],
                           "亮灯时间": lit["at"].dt.strftime("%Y-%m-%d %H:%M").values})
    issued = _in_period(frames.notices, "issued_at", period, as_of)
    kind_label = {k: METRIC_BY_NAME[k].label for k in NOTICE_KINDS}
    notices = pd.DataFrame({"文书编号": issued["number"].values,
                            "文书类型": [kind_label.get(k, k) for k in issued["kind"]],
                            "承办单位": issued["unit"].values, "诉求编号": issued["ticket"].values,
                            "发出时间": issued["issued_at"].dt.strftime("%Y-%m-%d %H:%M").values})
    done(STEPS[4])
    title = f"{profile.name}企业诉求“接诉即办”工作通报({period.label})"
    b = Bulletin(title, period, as_of, tables, ranking, monthly, cats, lights, notices, [],
                 dict(profile.metrics.targets))
    if before_themes:
        before_themes(b)
    if themes and "text" in t.columns:
        received = t[period.contains(t["received"]) & t["accepted"]]
        b.themes = similar.themes(received["text"].fillna("").tolist(), received["number"].tolist(), top=20)
    done(STEPS[5])
    return b


# --- xlsx ----------------------------------------------------------------------------------------------------

def _width(value) -> int:
    text = str(value)
    return sum(2 if ord(c) > 0x2E80 else 1 for c in text)


def write_xlsx(bulletin: Bulletin, path) -> Path:
    """One sheet per table: a title, the period and as-of line, bold bordered headers repeated on every
    printed page, widths to fit, A4 landscape scaled to the page width."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
    from openpyxl.utils import get_column_letter

    thin = Side(style="thin", color="808080")
    border = Border(left=thin, right=thin, top=thin, bottom=thin)
    head_fill = PatternFill("solid", fgColor="D9E1F2")
    # One style object per variant, shared by every cell: openpyxl hashes each new one into its style table.
    top, top_wrap = Alignment(vertical="top", wrap_text=False), Alignment(vertical="top", wrap_text=True)
    body_styles = {}  # wrapped? -> the style array of a body cell with the border and that alignment
    wb = Workbook()
    wb.remove(wb.active)
    for name, table in bulletin.tables().items():
        ws = wb.create_sheet(name)
        frame = table.reset_index() if table.index.name else table
        ncol = max(1, len(frame.columns))
        ws.cell(1, 1, f"{bulletin.title} — {name}").font = Font(bold=True, size=14)
        ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=ncol)
        ws.cell(2, 1, f"统计期间:{bulletin.period.label};数据截至 {bulletin.as_of:%Y-%m-%d %H:%M}").font = Font(size=9)
        ws.merge_cells(start_row=2, start_column=1, end_row=2, end_column=ncol)
        widths = [_width(c) for c in frame.columns]
        for j, col in enumerate(frame.columns, 1):
            c = ws.cell(3, j, str(col))
            c.font, c.fill, c.border = Font(bold=True), head_fill, border
            c.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
        for i, row in enumerate(frame.itertuples(index=False), 4):
            for j, v in enumerate(row, 1):
                v = None if v is None or (isinstance(v, float) and pd.isna(v)) else v
                v = v.item() if hasattr(v, "item") else v
                c = ws.cell(i, j, v)
                w = _width(v)
                styled = body_styles.get(w > 40)
                if styled is not None and not c.has_style:
                    # The style ids of a cell already styled alike: assigning style objects hashes them
                    # anew for every cell (half of the sheet's time); a date's number format is kept.
                    c._style = copy(styled)
                else:
                    c.border = border
                    c.alignment = top_wrap if w > 40 else top
                    if c.number_format == "General":
                        body_styles[w > 40] = c._style
                widths[j - 1] = max(widths[j - 1], min(w, 60))
        if frame.empty:
            ws.cell(4, 1, "本期无")
        for j, w in enumerate(widths, 1):
            ws.column_dimensions[get_column_letter(j)].width = max(8, w + 2)
        ws.freeze_panes = "B4"
        ws.print_title_rows = "3:3"
        ws.page_setup.orientation = "landscape"
        ws.page_setup.paperSize = ws.PAPERSIZE_A4
        ws.page_setup.fitToWidth, ws.page_setup.fitToHeight = 1, 0
        ws.sheet_properties.pageSetUpPr.fitToPage = True
        ws.print_options.horizontalCentered = True
        ws.oddFooter.center.text = "第 &P 页,共 &N 页"
    path = Path(path)
    wb.save(path)
    return path


# --- PDF and HTML ---------------------------------------------------------------------------------------------

TEMPLATE_DIR = Path(__file__).resolve().parent.parent / "templates"
COMPACT_UNIT_COLUMNS = ("received", "closed", "on_time_rate", "first_contact_rate", "resolution_rate",
                        "satisfaction_rate", "visit_coverage_rate", "yellow_lights", "red_lights", "notices")


CHART_NAMES = ("trend", "rates", "lights", "categories")


def figure(bulletin: Bulletin, name: str):
    """One of the bulletin's charts (CHART_NAMES) as a matplotlib figure; KeyError for another name."""
    from reports import charts
    units = bulletin.metrics["unit"]
    draw = {"trend": lambda: charts.trend_chart(bulletin.trend),
            "rates": lambda: charts.rates_chart(units, bulletin.targets),
            "lights": lambda: charts.lights_chart(units),
            "categories": lambda: charts.categories_chart(bulletin.categories)}
    return draw[name]()


def figures(bulletin: Bulletin) -> dict[str, object]:
    """The bulletin's charts as matplotlib figures, by name (PDF pages and the metrics page's PNGs)."""
    return {name: figure(bulletin, name) for name in CHART_NAMES}


def chart_pngs(bulletin: Bulletin, dpi: int = 110, compress_level: int = 6) -> dict[str, bytes]:
    """Each chart as PNG bytes."""
    from reports import charts
    return {name: charts.png(fig, dpi, compress_level) for name, fig in figures(bulletin).items()}


@dataclass(frozen=True)
class HtmlTable:
    """A table as the templates print it: header texts and rows of display strings; widths (percent of the
    table, one per column) when the page lays it out with fixed column widths (the PDF), else empty."""
    headers: list
    rows: list
    widths: tuple = ()


def column_widths(headers, rows) -> tuple[float, ...]:
    """Each column's share of the table width (percent) in proportion to its widest text (CJK counts 2)
    plus the cell padding: what automatic table layout gives a full-width table, without measuring every
    cell twice (WeasyPrint's render of a monthly bulletin: 1.55 s -> 1.3 s here)."""
    widest = [_width(h) for h in headers]
    for row in rows:
        for j, v in enumerate(row):
            w = _width(v)
            if w > widest[j]:
                widest[j] = w
    need = [w + 2 for w in widest]  # ~1.5 mm padding each side, about one Latin character
    total = sum(need) or 1
    return tuple(round(100 * w / total, 2) for w in need)


def html_tables(bulletin: Bulletin, widths: bool = False) -> dict[str, HtmlTable]:
    """The tables for HTML (PDF and dashboard); 承办单位指标 keeps the columns that fit a landscape page;
    widths=True adds each column's width for a fixed table layout (the PDF)."""
    tables = bulletin.tables()
    labels = {m.name: m.label for m in METRIC_BY_NAME.values()}
    tables["承办单位指标"] = tables["承办单位指标"][[labels[c] for c in COMPACT_UNIT_COLUMNS]]
    out = {}
    for name, t in tables.items():
        frame = t.reset_index() if t.index.name else t
        headers = [str(c) for c in frame.columns]
        rows = [["" if v is None or (isinstance(v, float) and pd.isna(v)) else str(v) for v in row]
                for row in frame.itertuples(index=False)]
        out[name] = HtmlTable(headers, rows, column_widths(headers, rows) if widths else ())
    return out


def _jinja():
    import jinja2
    return jinja2.Environment(loader=jinja2.FileSystemLoader(str(TEMPLATE_DIR)), autoescape=True)


def pdf_chart_pngs(bulletin: Bulletin) -> dict[str, bytes]:
    """The charts as the PDF embeds them. Pixels are what count: WeasyPrint decodes and re-encodes each
    image, so a lightly compressed PNG gives the same PDF in less time."""
    return chart_pngs(bulletin, compress_level=1)


def bulletin_html(bulletin: Bulletin, pngs: dict[str, bytes] | None = None) -> str:
    """The whole bulletin as one HTML page (what the PDF prints), charts inline as PNG data URIs."""
    import base64
    pngs = pdf_chart_pngs(bulletin) if pngs is None else pngs
    charts = {k: "data:image/png;base64," + base64.b64encode(v).decode() for k, v in pngs.items()}
    return _jinja().get_template("reports/bulletin.html.j2").render(
        title=bulletin.title, period=bulletin.period.label, as_of=f"{bulletin.as_of:%Y-%m-%d %H:%M}",
        tables=html_tables(bulletin, widths=True), charts=charts)


def write_pdf(bulletin: Bulletin, path, charts: Background | None = None) -> Path:
    """Summary, charts (trend, rates against targets, lights, categories), then the lists: ranking, unit
    metrics, units with lights, notices issued, recurring themes (each light only in the xlsx); A4 landscape
    (WeasyPrint). charts: pdf_chart_pngs(bulletin) already under way (produce), else they are drawn here."""
    from weasyprint import HTML  # its import (~0.7 s) overlaps the charts when they are under way
    # Drawing the charts finds the CJK font: a clear error instead of a PDF of empty boxes.
    pngs = charts.result() if charts is not None else pdf_chart_pngs(bulletin)
    path = Path(path)
    HTML(string=bulletin_html(bulletin, pngs), base_url=str(TEMPLATE_DIR)).write_pdf(path)
    return path


def file_stem(period: Period) -> str:
    """通报_2026-10, 通报_2026Q3 …: the files' name for a period."""
    months = len(period.months())
    s = period.start
    key = {1: f"{s:%Y-%m}", 3: f"{s.year}Q{(s.month - 1) // 3 + 1}", 6: f"{s.year}H{(s.month - 1) // 6 + 1}",
           12: f"{s.year}"}.get(months, f"{s:%Y%m%d}-{period.end:%Y%m%d}")
    return f"通报_{key}"


_exit_hooked = False


def _quick_exit_once() -> None:
    """At interpreter exit, one garbage collection then gc.freeze(): a process that made a bulletin holds
    millions of pandas, matplotlib, WeasyPrint and jieba objects, and Python's own final collections walk
    them all (0.6–1 s after `jiesu report` is done). Garbage that exists at exit is still collected, its
    finalizers run; only what module teardown leaves in cycles is not (the OS frees it). Registered once;
    a long-running scheduler pays nothing until it exits."""
    global _exit_hooked
    if _exit_hooked:
        return
    import atexit
    import gc

    def collect_then_freeze():
        gc.collect()
        gc.freeze()
    atexit.register(collect_then_freeze)
    _exit_hooked = True


def write_files(b: Bulletin, out_dir, progress: Callable[[str], None] | None = None,
                charts: Background | None = None) -> tuple[Path, Path]:
    """Writes 通报_<period>.xlsx and .pdf into out_dir (created if missing); returns both paths. charts:
    the PDF's chart PNGs already under way (produce)."""
    _quick_exit_once()
    with _no_full_collections():
        return _write_files(b, out_dir, progress, charts)


def _write_files(b: Bulletin, out_dir, progress, charts) -> tuple[Path, Path]:
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    stem = file_stem(b.period)
    xlsx = write_xlsx(b, out / f"{stem}.xlsx")
    if progress:
        progress("xlsx")
    pdf = write_pdf(b, out / f"{stem}.pdf", charts)
    if progress:
        progress("pdf")
    return xlsx, pdf


def produce(frames: Frames, period: Period, out_dir, *, profile, calendar, as_of=None,
            progress: Callable[[str], None] | None = None) -> tuple[Path, Path]:
    """Builds the bulletin and writes its xlsx and PDF into out_dir; returns both paths. The charts are drawn
    in a forked child (reports.background) while this process finds the themes, writes the xlsx and loads
    WeasyPrint: about 2 s of a fresh `jiesu report` on the second core. A process with other threads
    draws them itself, as before."""
    charts: list[Background] = []
    b = build(frames, period, profile=profile, calendar=calendar, as_of=as_of, progress=progress,
              before_themes=lambda tables: charts.append(Background(pdf_chart_pngs, tables)))
    return write_files(b, out_dir, progress, charts[0])
