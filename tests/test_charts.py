"""The bulletin's charts keep every label on the figure: margins are measured from the labels themselves."""
import pytest
from matplotlib.text import Text

from bench.bench_metrics import WeekdayCalendar, synth_ledger
from domain.metrics import Period
from profiles import load
from reports import bulletin
from reports.frames import Frames

LONG = "区住房和城乡建设局物业管理科"  # a unit name as long as real ones get


@pytest.fixture(scope="module")
def long_names_bulletin():
    tickets, lights, notices, referrals = synth_ledger(3000, units=40)
    names = {u: f"{LONG}{i:02d}" if i % 3 == 0 else u for i, u in enumerate(sorted(tickets["unit"].unique()))}
    tickets["unit"] = tickets["unit"].map(names)
    lights["unit"] = lights["unit"].map(names).fillna(lights["unit"])
    notices["unit"] = notices["unit"].map(names).fillna(notices["unit"])
    tickets["category"] = tickets["category"].where(tickets.index % 7 != 0, "企业经营环境与营商政策咨询")
    frames = Frames(tickets, lights, notices, referrals)
    return bulletin.build(frames, Period.parse("2026-10"), profile=load("gangnan"), calendar=WeekdayCalendar(),
                          themes=False)


@pytest.mark.parametrize("name", bulletin.CHART_NAMES)
def test_every_label_is_inside_the_figure_and_margins_are_not_wasted(long_names_bulletin, name):
    fig = bulletin.figure(long_names_bulletin, name)
    fig.canvas.draw()
    renderer = fig.canvas.get_renderer()
    page = fig.bbox
    boxes = [t.get_window_extent(renderer) for t in fig.findobj(Text) if t.get_visible() and t.get_text()]
    assert boxes
    for box in boxes:  # one pixel of rounding allowed
        assert box.x0 >= page.x0 - 1 and box.x1 <= page.x1 + 1, (name, box)
        assert box.y0 >= page.y0 - 1 and box.y1 <= page.y1 + 1, (name, box)
    # Tight as tight_layout: the outermost labels sit within about two pads of the left, bottom and top
    # edges (the long unit names and category labels included).
    slack = 3 * 0.12 * fig.dpi
    assert min(b.x0 for b in boxes) - page.x0 <= slack, name
    assert min(b.y0 for b in boxes) - page.y0 <= slack, name
    assert page.y1 - max(b.y1 for b in boxes) <= slack, name


def test_stacked_rate_panels_do_not_overlap(long_names_bulletin):
    fig = bulletin.figure(long_names_bulletin, "rates")
    fig.canvas.draw()
    renderer = fig.canvas.get_renderer()
    axes = fig.get_axes()
    assert len(axes) == 4
    for upper, lower in zip(axes, axes[1:]):
        assert upper.get_window_extent(renderer).y0 > lower.get_tightbbox(renderer).y1, "panels overlap"


def test_count_axes_have_whole_numbers(long_names_bulletin):
    for name, axis in (("trend", "y"), ("lights", "y"), ("categories", "x")):
        ax = bulletin.figure(long_names_bulletin, name).get_axes()[0]
        ticks = ax.get_yticks() if axis == "y" else ax.get_xticks()
        assert all(float(t).is_integer() for t in ticks), (name, ticks)
