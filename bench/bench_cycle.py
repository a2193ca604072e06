"""One full sync cycle for a district of 20 township ledgers with 100,000 rows in all (Google backend against
the local Sheets server, run in its own process as Google's machines would be): time, CPU and requests per
spreadsheet, first sight and steady state; the read path on its own (sequential and read_many, with and
without a Google-like round trip); beside a naive per-row cycle measured on a sample in the same run."""
import os
import tempfile
import time
from datetime import datetime, timedelta
from pathlib import Path

import config
from connector import ledger_for, read_many
from connector.sheets_server.process import ServerProcess
from jobs import clock
from jobs.cycle import run_cycle
from sheets_schema import (CALENDAR_SHEET, DISPATCH_SHEET, KNOWLEDGE_SHEET, LEDGER, SUPERVISION_SHEET,
                           UNITS_SHEET)

TOWNSHIPS = int(os.environ.get("JIESU_BENCH_TOWNSHIPS", "20"))
ROWS = int(os.environ.get("JIESU_BENCH_ROWS", "100000"))
HEAD = list(LEDGER.headers)
# What the cycle's read_all asks of every ledger: its 台账 plus the district sheets it may hold.
OPTIONAL = (UNITS_SHEET.name, DISPATCH_SHEET.name, CALENDAR_SHEET.name, KNOWLEDGE_SHEET.name,
            SUPERVISION_SHEET.name)
ROUND_TRIP = 0.25  # seconds: a batchGet at Google waits 200-500 ms on the network
# (what the cycle meets, minutes after the first cycle at 2026-11-02 10:00, townships where a cell was typed)
SCENARIOS = (("first sight (every row new: identities, numbers, dues)", 0, 0),
             ("next cycle, nothing typed (the sheets as the first cycle's write left them)", 5, 0),
             ("steady state, nothing typed", 10, 0),
             ("one cell typed in one township", 15, 1),
             ("one cell typed in every township", 20, TOWNSHIPS),
             ("first cycle after midnight, nothing typed (due-soon and overdue move with time)", 14 * 60 + 1, 0))


def _row(t: int, i: int) -> list:
    received = datetime(2026, 10, 12, 8, 0) + timedelta(minutes=7 * i + t)
    rec = {"所属镇街": f"镇街{t:02d}", "受理时间": received.strftime("%Y-%m-%d %H:%M"), "渠道": "12345热线",
           "诉求企业": f"镇街{t:02d}企业{i}有限公司", "联系人": "张三", "联系电话": "13812345678",
           "诉求类别": ("投诉", "求助", "咨询", "意见建议")[i % 4], "问题类型": "一般",
           "主要诉求": f"第{i}号诉求：道路施工影响企业车辆通行，请求协调施工单位错峰作业", "承办单位": "区住建局"}
    if i % 3 == 0:
        rec["首次联系时间"] = (received + timedelta(hours=5)).strftime("%Y-%m-%d %H:%M")
    return [rec.get(h, "") for h in HEAD]


def build_district(model, townships: int, per: int) -> dict[str, str]:
    """Runs in the server process: one spreadsheet per township; returns {township: spreadsheet key}."""
    keys = {}
    units = [list(UNITS_SHEET.headers), ["区住建局", "区直部门", "", "王伟", "13905321234", "a@b.gov.cn"]]
    for t in range(townships):
        sheets = {"台账": [HEAD] + [_row(t, i) for i in range(per)]}
        if t == 0:
            sheets["承办单位"] = units
        keys[f"镇街{t:02d}"] = model.create(f"镇街{t:02d}台账", sheets, rows=per + 10, cols=len(HEAD)).id
    return keys


def _timed(fn):
    wall, cpu = time.perf_counter(), time.process_time()
    out = fn()
    return out, time.perf_counter() - wall, time.process_time() - cpu


def _read_path(cfg, server) -> None:
    """Read every township ledger as the cycle does (fresh Ledger objects, so metadata is fetched too)."""
    def jobs():
        return [(ledger_for(cfg.ledger, s), [s.worksheet or LEDGER.name], OPTIONAL) for s in cfg.ledger.sources()]

    for round_trip in (0.0, ROUND_TRIP):
        server.latency = round_trip
        where = f"with a {round_trip * 1000:.0f} ms round trip" if round_trip else "local server, no round trip"
        figures = []
        for label, workers in (("sequential", 1), ("read_many(workers=4)", 4), ("workers=8", 8)):
            server.reset_counts()
            snaps, wall, cpu = _timed(lambda: read_many(jobs(), workers=workers))
            figures.append(f"{label} {wall:.2f} s wall, {cpu:.2f} s CPU")
        print(f"read path, {where}: {TOWNSHIPS} ledgers ({server.total()} requests): " + "; ".join(figures))
    server.latency = 0.0
    grids = [g for snap in snaps for g in snap.grids.values()]
    _, wall, _ = _timed(lambda: [g.digest() for g in grids])
    print(f"  Grid.digest() of every worksheet read: {wall:.2f} s for {sum(len(g.rows) for g in grids)} rows")


def run():
    per = ROWS // TOWNSHIPS
    with ServerProcess(build_district, (TOWNSHIPS, per)) as server, tempfile.TemporaryDirectory() as tmp:
        keys = server.built
        lines = "\n".join(f'"{n}" = "{k}"' for n, k in keys.items())
        Path(tmp, "jiesu.toml").write_text(
            f'profile = "gangnan"\n[ledger]\nbackend = "gsheets"\napi_base = "{server.url}"\n'
            f'[ledger.keys]\n{lines}\n[state]\nurl = "sqlite:///state.db"\n', encoding="utf-8")
        cfg = config.load(Path(tmp, "jiesu.toml"))
        start = clock.parse_now("2026-11-02T10:00", cfg.timezone)
        column = chr(ord("A") + HEAD.index("答复时间"))
        steady = None
        for label, minutes, typed in SCENARIOS:
            for i, k in enumerate(list(keys.values())[:typed]):
                server.person(k).type("台账", f"{column}{5 + minutes // 5}", "2026-10-13 09:00")
            server.reset_counts()
            served = server.cpu()
            report, wall, cpu = _timed(lambda: run_cycle(cfg, now=start + timedelta(minutes=minutes)))
            served = server.cpu() - served
            if label.startswith("steady"):
                steady = wall
            counts = server.counts
            meta = counts["spreadsheets.get"]
            reqs = server.total(exclude_drive=True) - meta
            print(f"cycle, {label}: {ROWS} rows in {TOWNSHIPS} ledgers: {wall:.2f} s wall, {cpu:.2f} s CPU "
                  f"(server process: {served:.2f} s CPU), {reqs / TOWNSHIPS:.1f} requests per spreadsheet "
                  f"(+{meta / TOWNSHIPS:.1f} metadata); {len(report.numbered)} numbered, "
                  f"{report.written_cells} cells written, {report.events} events")
        _read_path(cfg, server)
        # Naive baseline, same run: a cycle that reads and writes each row with its own requests.
        ws = server.client().open_by_key(keys["镇街00"]).worksheet("台账")
        sample = 50
        wall = time.perf_counter()
        for r in range(2, sample + 2):
            ws.row_values(r)
            ws.update_cell(r, HEAD.index("督办状态") + 1, "正常")
        naive = (time.perf_counter() - wall) / sample * ROWS
        print(f"  naive per-row cycle (2 requests a row, timed on {sample} rows, extrapolated): {naive:.0f} s "
              f"and {2 * ROWS} requests; ratio to the steady-state cycle ≈ {naive / max(steady, 1e-9):.0f}x")
