"""The bulletin's cheaper paths keep what it prints: fixed table columns sized to their text."""
from reports.bulletin import HtmlTable, column_widths


def test_column_widths_follow_each_columns_widest_text():
    headers = ["序号", "主题关键词"]
    rows = [["1", "路灯、维修"], ["12", "供水管、抢修、园区、生产"]]
    # widest texts: 序号 (2 CJK = 4) and the 12-character keywords (24), each plus 2 for the padding
    assert column_widths(headers, rows) == (round(100 * 6 / 32, 2), round(100 * 26 / 32, 2))
    assert column_widths(["a", "b"], []) == (50.0, 50.0)   # an empty table: the headers decide
    assert HtmlTable(headers, rows).widths == ()          # the metrics page keeps automatic layout


def test_quick_exit_still_finalizes_garbage_left_at_exit(tmp_path):
    # The exit hook freezes the heap after one collection: cyclic garbage alive at exit still has its
    # finalizer run (a file written by it is complete), and the process exits cleanly.
    import subprocess
    import sys
    marker = tmp_path / "finalized.txt"
    code = f"""
import gc
from reports import bulletin
bulletin._quick_exit_once()
bulletin._quick_exit_once()                     # registered once
class Node:
    def __del__(self):
        with open({str(marker)!r}, "a") as f:
            f.write("done\\n")
a, b = Node(), Node()
a.other, b.other = b, a                          # a cycle: only the garbage collector frees it
del a, b
gc.disable()                                     # nothing collects it before exit but the hook
"""
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    assert marker.read_text() == "done\ndone\n"


def test_no_full_collections_while_making_a_bulletin_then_thresholds_back():
    import gc

    import pytest

    from reports import bulletin
    before = gc.get_threshold()
    with bulletin._no_full_collections():
        inside = gc.get_threshold()
    assert inside[:2] == before[:2] and inside[2] >= 10**9
    assert gc.get_threshold() == before
    with pytest.raises(ZeroDivisionError), bulletin._no_full_collections():
        1 / 0
    assert gc.get_threshold() == before
    # two bulletins at once (two web requests), leaving in either order: the last one out restores
    first, second = bulletin._no_full_collections(), bulletin._no_full_collections()
    first.__enter__()
    second.__enter__()
    first.__exit__(None, None, None)
    assert gc.get_threshold()[2] >= 10**9
    second.__exit__(None, None, None)
    assert gc.get_threshold() == before


def test_categories_from_the_periods_rows_are_breakdowns_of_the_whole_ledger():
    from bench.bench_bulletin import synth_frames
    from bench.bench_metrics import WeekdayCalendar
    from domain.metrics import Period, breakdown
    from profiles import load
    from reports import bulletin
    frames = synth_frames(3000, seed=4)
    for when in ("2026-03", "2026Q2"):
        period = Period.parse(when)
        b = bulletin.build(frames, period, profile=load("gangnan"), calendar=WeekdayCalendar(), themes=False)
        want = breakdown(frames.tickets, period, "category")
        assert len(want) > 1 and b.categories.equals(want)


def test_xlsx_body_cells_keep_border_alignment_and_date_formats(tmp_path):
    import datetime as dt

    import openpyxl

    from bench.bench_bulletin import synth_frames
    from bench.bench_metrics import WeekdayCalendar
    from domain.metrics import Period
    from profiles import load
    from reports import bulletin
    b = bulletin.build(synth_frames(2000, seed=6), Period.parse("2026-03"), profile=load("gangnan"),
                       calendar=WeekdayCalendar())
    b.lights = b.lights.head(3).copy()
    b.lights["亮灯时间"] = [dt.datetime(2026, 3, d, 9, 30) for d in (2, 3, 4)]  # real dates, not text
    wb = openpyxl.load_workbook(bulletin.write_xlsx(b, tmp_path / "b.xlsx"))
    body = 0
    for ws in wb:
        for row in ws.iter_rows(min_row=4):
            for c in row:
                if c.value is None:
                    continue
                body += 1
                assert c.border.left.style == "thin" and c.border.bottom.color.rgb.endswith("808080"), c
                assert c.alignment.vertical == "top"
                assert bool(c.alignment.wrap_text) == (bulletin._width(c.value) > 40), c
    assert body > 500
    dates = [r[4] for r in wb["亮灯明细"].iter_rows(min_row=4, values_only=False)]
    assert [c.value for c in dates] == [dt.datetime(2026, 3, d, 9, 30) for d in (2, 3, 4)]
    assert all(c.is_date and c.number_format != "General" for c in dates)
