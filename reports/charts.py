"""The bulletin's charts (matplotlib, CJK font from fonts-noto-cjk), shared by the PDF and the metrics page."""
from __future__ import annotations

import io
from functools import lru_cache
from math import cos, radians, sin

import matplotlib
from matplotlib import font_manager
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.ticker import MaxNLocator

from domain.metrics import METRIC_BY_NAME, rate

CJK_FAMILIES = ("Noto Sans CJK SC", "Noto Sans CJK JP", "Noto Sans SC", "WenQuanYi Zen Hei", "Source Han Sans SC")
MAIN_RATES = ("on_time_rate", "first_contact_rate", "resolution_rate", "satisfaction_rate")


@lru_cache(maxsize=1)
def cjk_font() -> str:
    """The family name of an installed CJK font, registered with matplotlib; an error says how to install one."""
    for path in font_manager.findSystemFonts():
        if "NotoSansCJK" in path and "Regular" in path or "NotoSansSC" in path:
            font_manager.fontManager.addfont(path)
    names = {f.name for f in font_manager.fontManager.ttflist}
    for family in CJK_FAMILIES:
        if family in names:
            return family
    raise RuntimeError("找不到中文字体,请安装 fonts-noto-cjk(scripts/system-deps.sh) / "
                       "no CJK font found: install fonts-noto-cjk (scripts/system-deps.sh)")


def style() -> None:
    """CJK text, a minus sign the font has, and TrueType (Type 42) embedding so PDF text can be extracted."""
    matplotlib.rcParams.update({"font.family": cjk_font(), "axes.unicode_minus": False, "pdf.fonttype": 42,
                                "font.size": 10})


def _new_figure(size=(11.69, 8.27)) -> Figure:
    """A figure drawn by Agg, outside pyplot: no global figure list to import, keep or close (servers have
    no display anyway)."""
    style()
    fig = Figure(figsize=size)
    FigureCanvasAgg(fig)
    return fig


PAD = 0.12  # inches around the figure's content, about tight_layout's (1.08 font sizes)
GAP = 0.2   # inches between stacked panels whose shared x labels are shown only under the last one


def _extent(fig, text) -> tuple[float, float]:
    """(width, height) in inches of a Text as drawn, rotation included; (0, 0) when hidden or empty."""
    if not text.get_visible() or not text.get_text():
        return 0.0, 0.0
    renderer = fig.canvas.get_renderer()
    w, h, _ = renderer.get_text_width_height_descent(text.get_text(), text.get_fontproperties(), ismath=False)
    w, h = w / fig.dpi, h / fig.dpi
    a = radians(text.get_rotation())
    return w * abs(cos(a)) + h * abs(sin(a)), w * abs(sin(a)) + h * abs(cos(a))


_LEFT_OF_ANCHOR = {"right": 1.0, "center": 0.5, "left": 0.0}  # share of a label's width left of its tick


def _tick_space(axis) -> float:
    """Inches from the axes edge to the far side of the axis' tick labels' gap: tick length plus pad."""
    ticks = axis.get_major_ticks()
    return (ticks[0].get_tick_padding() + ticks[0].get_pad()) / 72 if ticks else 0


def _fit(fig, axes, suptitle=None) -> None:
    """Margins measured from the axes' own labels (tick labels, axis labels, titles) instead of
    tight_layout, which draws every tick of the figure once more just to find them (a third of the charts'
    time). axes are one column, top to bottom; only the last one's x tick labels are shown when shared;
    suptitle is the figure's title (fig.suptitle's Text) above them, if any."""
    width, height = fig.get_size_inches()
    left = 0.0
    for ax in axes:
        ticks = max((_extent(fig, t)[0] for t in ax.get_yticklabels()), default=0)
        label = _extent(fig, ax.yaxis.label)[0]
        left = max(left, ticks + _tick_space(ax.yaxis) + (label + ax.yaxis.labelpad / 72 if label else 0))
    last = axes[-1]
    lo, hi = last.get_xlim()
    xlabels = [(x, t, _extent(fig, t)) for x, t in zip(last.get_xticks(), last.get_xticklabels())]
    ticks = max((size[1] for _, _, size in xlabels), default=0)
    label = _extent(fig, last.xaxis.label)[1]
    bottom = ticks + _tick_space(last.xaxis) + (label + last.xaxis.labelpad / 72 if label else 0)
    title = _extent(fig, axes[0].title)[1]
    top = title + matplotlib.rcParams["axes.titlepad"] / 72 if title else 0.0
    if suptitle is not None:  # placed PAD-ish below the figure's top edge (its y=0.98)
        top = max(top, _extent(fig, suptitle)[1] + PAD)
    # Rotated x labels anchored at their tick stick out sideways (a long unit name under the first bar):
    # the margins grow until the outermost ones fit, as tight_layout's would.
    anchored = [((x - lo) / (hi - lo), size[0], _LEFT_OF_ANCHOR[t.get_horizontalalignment()])
                for x, t, size in xlabels if lo <= x <= hi and t.get_text()]
    right = 0.0
    for _ in range(2):  # a wider margin narrows the axes, which moves the labels: once more settles it
        span = width - left - right - 2 * PAD
        left = max([left] + [share * w - f * span for f, w, share in anchored])
        right = max([0.0] + [(1 - share) * w - (1 - f) * span for f, w, share in anchored])
    inner = height - bottom - top - 2 * PAD
    n = len(axes)
    hspace = GAP / ((inner - (n - 1) * GAP) / n) if n > 1 else 0
    fig.subplots_adjust(left=(left + PAD) / width, right=1 - (right + PAD) / width, bottom=(bottom + PAD) / height,
                        top=1 - (top + PAD) / height, hspace=hspace)


def _figure(title: str, size=(11.69, 8.27)):
    fig = _new_figure(size)
    ax = fig.subplots()
    ax.set_title(title, fontsize=14)
    return fig, ax


def trend_chart(trend, title: str = "受理与办结趋势(按月)"):
    """Received and closed per month as grouped bars."""
    fig, ax = _figure(title)
    x = range(len(trend))
    ax.bar([i - 0.2 for i in x], trend["received"], width=0.4, label="受理诉求数", color="#4472c4")
    ax.bar([i + 0.2 for i in x], trend["closed"], width=0.4, label="办结数", color="#70ad47")
    ax.set_xticks(list(x), [str(i) for i in trend.index], rotation=30, ha="right")
    ax.set_ylabel("件")
    ax.yaxis.set_major_locator(MaxNLocator(integer=True))  # counts: no 2.5 件
    ax.legend()
    ax.grid(axis="y", alpha=0.3)
    _fit(fig, [ax])
    return fig


def rates_chart(units, targets: dict, names=MAIN_RATES, title: str = "各承办单位指标完成情况"):
    """One panel per rate: each unit's percentage as a bar, the profile's target as a dashed line;
    a 0/0 rate is shown as "—", not as 0%."""
    fig = _new_figure()
    axes = fig.subplots(len(names), 1, sharex=True, squeeze=False)
    head = fig.suptitle(title, fontsize=14)
    labels = [str(u) for u in units.index]
    for ax, name in zip(axes[:, 0], names):
        values = [rate(r, name).percent for _, r in units.iterrows()]
        ax.bar(range(len(labels)), [v or 0 for v in values], color="#4472c4")
        for i, v in enumerate(values):
            if v is None:
                ax.text(i, 2, "—", ha="center", va="bottom", fontsize=8)
        target = targets.get(name)
        if target is not None:
            ax.axhline(100 * target, color="#c00000", linestyle="--", linewidth=1)
            ax.text(len(labels) - 0.5, 100 * target, f"目标 {100 * target:g}%", color="#c00000",
                    ha="right", va="bottom", fontsize=8)
        ax.set_ylim(0, 110)
        ax.set_ylabel(METRIC_BY_NAME[name].label + "(%)", fontsize=8)
        ax.grid(axis="y", alpha=0.3)
    axes[-1, 0].set_xticks(range(len(labels)), labels, rotation=45, ha="right", fontsize=7)
    _fit(fig, list(axes[:, 0]), head)
    return fig


def lights_chart(units, title: str = "各承办单位亮灯情况"):
    """Yellow and red lights per unit (units with none left out), stacked."""
    lit = units[(units["yellow_lights"] + units["red_lights"]) > 0]
    fig, ax = _figure(title)
    labels = [str(u) for u in lit.index]
    ax.bar(range(len(lit)), lit["yellow_lights"], color="#ffc000", label="黄灯")
    ax.bar(range(len(lit)), lit["red_lights"], bottom=lit["yellow_lights"], color="#c00000", label="红灯")
    ax.set_xticks(range(len(lit)), labels, rotation=45, ha="right")
    ax.set_ylabel("次")
    ax.yaxis.set_major_locator(MaxNLocator(integer=True))  # counts: no 2.5 次
    if len(lit):
        ax.legend()
    else:
        ax.text(0.5, 0.5, "本期无亮灯", transform=ax.transAxes, ha="center", fontsize=16)
    ax.grid(axis="y", alpha=0.3)
    _fit(fig, [ax])
    return fig


def categories_chart(categories, top: int = 10, title: str = "诉求类别(前十)"):
    """The most received categories as horizontal bars, most at the top."""
    head = categories.head(top).iloc[::-1]
    fig, ax = _figure(title)
    ax.barh([str(c) for c in head.index], head["received"], color="#4472c4")
    for i, v in enumerate(head["received"]):
        ax.text(v, i, f" {v}", va="center")
    if len(head) and head["received"].max() > 0:
        ax.set_xlim(0, head["received"].max() * 1.1)  # room for the count printed after the longest bar
    ax.set_xlabel("件")
    ax.xaxis.set_major_locator(MaxNLocator(integer=True))
    _fit(fig, [ax])
    return fig


def png(fig, dpi: int = 100, compress_level: int = 6) -> bytes:
    """The figure as PNG bytes; compress_level 1 is for PNGs that are decoded again at once (WeasyPrint
    re-encodes every image it embeds)."""
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=dpi, pil_kwargs={"compress_level": compress_level})
    return buf.getvalue()
