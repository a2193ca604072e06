"""The ledger read path: grid_from_values' fast path against the plain per-cell one, read_many, and the local
Sheets server answering reads without rendering cells that need none."""
import datetime as dt

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from connector.base import LedgerError, Row, _data_rows, grid_from_values
from connector.sheets_server import Model, cells
from connector.sheets_server.a1 import Bounds
from connector.sheets_server.values_api import _trim, value_range

# Cells as either backend may hand them over: text (blank, whitespace-only, padded), numbers, booleans,
# dates and times (xlsx), None; bool and int mixed in so the fast path meets rows it must refuse.
TEXT = st.sampled_from(["", " ", "\u3000", "\t\n", "投诉", " 张三 ", "0", "False", "=1+1"]) | st.text(max_size=6)
CELL = (TEXT | st.integers(-10**6, 10**6) | st.booleans() | st.none()
        | st.floats(allow_nan=False, allow_infinity=False) | st.sampled_from([1.0, -0.0, 3.5, 1e16])
        | st.datetimes(min_value=dt.datetime(1990, 1, 1), max_value=dt.datetime(2040, 1, 1))
        | st.dates(min_value=dt.date(1990, 1, 1), max_value=dt.date(2040, 1, 1)) | st.times())
ROWS = st.lists(st.lists(CELL, max_size=9) | st.lists(TEXT, max_size=9), max_size=12)


@settings(max_examples=200, deadline=None)
@given(width=st.integers(1, 7), rows=ROWS)
def test_fast_rows_equal_plain_rows(width, rows):
    values = [["h"] * width] + rows
    fast, plain = _data_rows(values, width), _data_rows(values, width, fast=False)
    assert fast == plain
    # Equal grids, equal cells down to their types (1 == 1.0 == True would hide a lost normalisation).
    assert [[type(v) for v in r.values] for r in fast] == [[type(v) for v in r.values] for r in plain]


def test_fast_path_cuts_pads_and_drops_blank_rows():
    grid = grid_from_values("台账", [["编号", "企业", "备注"],
                                     ["A1", "甲公司", "x", "beyond the header"],
                                     ["", " ", "\u3000"],      # whitespace only: blank
                                     [],                        # trailing cells trimmed away entirely
                                     ["A2"],                    # short row padded
                                     ["", "", 7],               # a number is never blank
                                     ["", False]])
    assert grid.rows == [Row(2, ("A1", "甲公司", "x")), Row(5, ("A2", "", "")), Row(6, ("", "", 7)),
                         Row(7, ("", False, ""))]


def test_digest_follows_the_cells():
    values = [["编号", "企业"], ["A1", "甲公司"], ["A2", "乙公司"]]
    base = grid_from_values("台账", values).digest()
    assert grid_from_values("台账", [r[:] for r in values]).digest() == base
    assert grid_from_values("台账", [["编号", "企业"], ["A1", "甲公司"], ["A2", "乙公司 "]]).digest() != base
    assert grid_from_values("台账", [["编号", "企业"], ["A1", "甲公司"], [], ["A2", "乙公司"]]).digest() != base
    assert grid_from_values("台账", [["编号", "企业"], ["A1", "甲公司"], ["A2", 1]]).digest() != \
        grid_from_values("台账", [["编号", "企业"], ["A1", "甲公司"], ["A2", "1"]]).digest()


def test_header_problems_still_refused():
    with pytest.raises(LedgerError, match="没有表头"):
        grid_from_values("台账", [[" ", ""], ["A1"]])
    with pytest.raises(LedgerError, match="表头重复"):
        grid_from_values("台账", [["编号", "编号"], ["A1", "A2"]])


# -- read_many: several ledgers at once -------------------------------------------------------------
def _spreadsheets(server, n, rows=30):
    """n spreadsheets shaped like township ledgers (a 台账 with rows, the first with a 承办单位 too)."""
    keys = []
    for t in range(n):
        sheets = {"台账": [["记录标识", "所属镇街", "诉求企业", "办理轮次"]]
                  + [[f"R{t:02d}{i:04d}", f"镇街{t:02d}", f"企业{i}", "" if i % 3 else "1"] for i in range(rows)]}
        if t == 0:
            sheets["承办单位"] = [["单位名称"], ["区住建局"]]
        keys.append(server.model.create(f"镇街{t:02d}", sheets).id)
    return keys


def _gsheets(server, key, client=None):
    from connector.gsheets import GSheetsLedger
    from connector.http import open_client
    return GSheetsLedger(client or open_client(api_base=server.url), key)


JOB_SHEETS, JOB_OPTIONAL = ["台账"], ("承办单位", "工作日历")


def test_read_many_equals_the_plain_loop_with_one_client_shared_by_every_thread():
    from connector import read_many
    from connector.http import open_client
    from connector.sheets_server import serve_in_thread
    with serve_in_thread(latency=0.02) as server:
        keys = _spreadsheets(server, 10)
        plain = [_gsheets(server, k).read(JOB_SHEETS, JOB_OPTIONAL) for k in keys]
        shared = open_client(api_base=server.url)  # as `jiesu` commands share one client between ledgers
        jobs = [(_gsheets(server, k, shared), JOB_SHEETS, JOB_OPTIONAL) for k in keys]
        server.reset_counts()
        got = read_many(jobs, workers=5)
        assert got == plain
        assert [sorted(s.grids) for s in got[:2]] == [["台账", "承办单位"], ["台账"]]
        assert server.peak_in_flight > 1  # the reads did overlap
        # every request went out once and was counted once, from whichever thread sent it
        assert shared.http_client.request_count == server.total() == 20, dict(server.counts)
        server.reset_counts()
        assert read_many(jobs, workers=1) == plain  # the plain loop (metadata now cached)
        assert server.peak_in_flight == 1 and server.total() == 10


def test_read_many_raises_the_first_error_in_job_order_after_every_read(sheets_server, tmp_path):
    from connector import read_many
    from connector.base import LedgerError
    keys = _spreadsheets(sheets_server, 3)
    no_sheet = (_gsheets(sheets_server, keys[1]), ["督办记录"], ())
    no_spreadsheet = (_gsheets(sheets_server, "1" + "x" * 43), ["台账"], ())
    last = (_gsheets(sheets_server, keys[2]), ["台账"], ())
    for jobs, message in (([no_sheet, no_spreadsheet, last], "缺少工作表「督办记录」"),
                          ([no_spreadsheet, no_sheet, last], "找不到 Google 表格")):
        sheets_server.reset_counts()
        with pytest.raises(LedgerError, match=message):
            read_many(jobs, workers=3)
        assert any(keys[2] in r.path and r.kind == "values.batchGet" for r in sheets_server.log)  # still read


def test_read_many_reads_xlsx_ledgers_in_threads(tmp_path):
    from connector import open_ledger, read_many
    from connector.base import LedgerError
    from ledgers import make_workbook, request
    paths = [make_workbook(tmp_path / f"{t}.xlsx", [request(诉求企业=f"企业{t}-{i}") for i in range(t + 2)])
             for t in range(3)]
    jobs = [(open_ledger("xlsx", path=p), ["台账"], ("承办单位", "派单目录")) for p in paths]
    plain = [led.read(s, o) for led, s, o in jobs]
    assert read_many(jobs, workers=3) == plain
    assert [len(s["台账"].rows) for s in plain] == [2, 3, 4]
    missing = (open_ledger("xlsx", path=tmp_path / "无此文件.xlsx"), ["台账"], ())
    with pytest.raises(LedgerError, match="找不到文件"):
        read_many(jobs[:1] + [missing] + jobs[1:], workers=2)
    assert read_many([], workers=4) == []
    # with `then`, each snapshot comes with what `then` made of it in the reading thread, in job order
    for workers in (1, 3):
        got = read_many(jobs, workers=workers, then=lambda i, snap: (i, snap["台账"].digest()))
        assert [snap for snap, _ in got] == plain
        assert [extra for _, extra in got] == [(i, snap["台账"].digest()) for i, snap in enumerate(plain)]


# -- the local Sheets server's values.get: rows that render as stored are passed through -----------------
STORED = (st.none() | st.sampled_from(["", "投诉", "007"]) | st.integers(-10**16, 10**16) | st.booleans()
          | st.floats(allow_nan=False, allow_infinity=False) | st.sampled_from([2.0, 1e15, 0.1])
          | st.sampled_from([cells.DateValue(46024, "2026-1-2"), cells.DateValue(46024.5, "2026-1-2 12:00")])
          | st.sampled_from([cells.Formula("=1+1"), cells.Formula("=A1*2"), cells.Formula("=B9/0")]))


@settings(max_examples=150, deadline=None)
@given(rows=st.lists(st.lists(STORED, max_size=6), max_size=8),
       render=st.sampled_from(["FORMATTED_VALUE", "UNFORMATTED_VALUE", "FORMULA"]),
       dates=st.sampled_from(["SERIAL_NUMBER", "FORMATTED_STRING"]))
def test_server_renders_like_the_per_cell_path(rows, render, dates):
    ss = Model().create("x", {"S": []}, rows=10, cols=8)
    sheet = ss.sheet("S")
    for r, row in enumerate(rows):
        for c, v in enumerate(row):
            sheet.set_cell(r, c, v)
    got = value_range(ss, "S", {"valueRenderOption": render, "dateTimeRenderOption": dates}).get("values", [])
    want = _trim([[cells.render(v, render, dates, sheet.evaluate) for v in row]
                  for row in sheet.block(Bounds(0, 0, 10, 8))])
    assert got == want
    assert [[type(v) for v in r] for r in got] == [[type(v) for v in r] for r in want]


# -- the server in a child process (the cycle bench's stand-in for Google's machines) ------------------
def build_two(model, rows):
    """Runs in the server process: two small ledgers; their ids go back to the parent."""
    return [model.create(f"镇街{t}", {"台账": [["记录标识", "诉求企业"]] + [[f"R{t}{i}", f"企业{i}"]
                                                                          for i in range(rows)]}).id
            for t in range(2)]


def refuse(model):
    raise ValueError("没有这种表")


def test_server_process_serves_what_its_setup_built_and_obeys_its_control_calls():
    from connector.sheets_server.process import RemoteError, ServerProcess
    with ServerProcess(build_two, (4,)) as server:
        keys = server.built
        led = _gsheets(server, keys[1])
        assert [r.values for r in led.read(["台账"])["台账"].rows][-1] == ("R13", "企业3")
        assert server.counts == {"spreadsheets.get": 1, "values.batchGet": 1}
        server.person(keys[1]).type("台账", "B5", "新企业")
        assert led.read(["台账"])["台账"].rows[-1].values == ("R13", "新企业")
        assert server.person(keys[1]).values("台账")[4] == ["R13", "新企业"]
        server.reset_counts()
        assert server.total() == 0 and server.cpu() > 0
        with pytest.raises(RemoteError, match="not found"):
            server.person("1nope").type("台账", "A1", "x")
        proc = server._proc
    assert proc.exitcode == 0
    with pytest.raises(RemoteError, match="没有这种表"):
        ServerProcess(refuse)


def test_one_paced_client_shared_by_threads_stays_under_the_quota(sheets_server):
    from connector import read_many
    from connector.http import open_client
    keys = _spreadsheets(sheets_server, 6, rows=3)
    sheets_server.quota.per_minute, sheets_server.quota.window = 8, 0.5
    try:
        shared = open_client(api_base=sheets_server.url, per_minute=4, window=0.5)
        got = read_many([(_gsheets(sheets_server, k, shared), ["台账"], ()) for k in keys], workers=4)
        assert [s["台账"].rows[-1].values[0] for s in got] == [f"R{t:02d}0002" for t in range(6)]
        assert sheets_server.quota.rejected == 0 and shared.http_client.retry_count == 0
        assert shared.http_client.request_count == 12
    finally:
        sheets_server.quota.per_minute = None
