"""One full sync cycle for a district of 20 township ledgers with 100,000 rows in all (Google backend against
the local Sheets server): time and requests per spreadsheet, first sight and steady state, beside a naive
per-row cycle measured on a sample in the same run."""
import os
import tempfile
import time
from datetime import datetime, timedelta
from pathlib import Path

import config
from connector.sheets_server import serve_in_thread
from jobs import clock
from jobs.cycle import run_cycle
from sheets_schema import LEDGER, UNITS_SHEET

TOWNSHIPS = int(os.environ.get("JIESU_BENCH_TOWNSHIPS", "20"))
ROWS = int(os.environ.get("JIESU_BENCH_ROWS", "100000"))
HEAD = list(LEDGER.headers)


def _row(t: int, i: int) -> list:
    received = datetime(2026, 10, 12, 8, 0) + timedelta(minutes=7 * i + t)
    rec = {"所属镇街": f"镇街{t:02d}", "受理时间": received.strftime("%Y-%m-%d %H:%M"), "渠道": "12345热线",
           "诉求企业": f"镇街{t:02d}企业{i}有限公司", "联系人": "张三", "联系电话": "13812345678",
           "诉求类别": ("投诉", "求助", "咨询", "意见建议")[i % 4], "问题类型": "一般",
           "主要诉求": f"第{i}号诉求：道路施工影响企业车辆通行，请求协调施工单位错峰作业", "承办单位": "区住建局"}
    if i % 3 == 0:
        rec["首次联系时间"] = (received + timedelta(hours=5)).strftime("%Y-%m-%d %H:%M")
    return [rec.get(h, "") for h in HEAD]


def run():
    per = ROWS // TOWNSHIPS
    with serve_in_thread() as server, tempfile.TemporaryDirectory() as tmp:
        keys = {}
        units = [list(UNITS_SHEET.headers), ["区住建局", "区直部门", "", "王伟", "13905321234", "a@b.gov.cn"]]
        for t in range(TOWNSHIPS):
            sheets = {"台账": [HEAD] + [_row(t, i) for i in range(per)]}
            if t == 0:
                sheets["承办单位"] = units
            keys[f"镇街{t:02d}"] = server.model.create(f"镇街{t:02d}台账", sheets, rows=per + 10, cols=len(HEAD)).id
        lines = "\n".join(f'"{n}" = "{k}"' for n, k in keys.items())
        Path(tmp, "jiesu.toml").write_text(
            f'profile = "gangnan"\n[ledger]\nbackend = "gsheets"\napi_base = "{server.url}"\n'
            f'[ledger.keys]\n{lines}\n[state]\nurl = "sqlite:///state.db"\n', encoding="utf-8")
        cfg = config.load(Path(tmp, "jiesu.toml"))
        now = clock.parse_now("2026-11-02T10:00", cfg.timezone)
        steady = None
        for label in ("first sight (ids, numbers, dues for every row)",
                      "first quiet cycle (no edits; notes each row's signature)", "steady state (no edits)",
                      "after edits in every township"):
            if label.startswith("after"):
                for k in keys.values():
                    person = server.person(k)
                    person.type("台账", f"{chr(ord('A') + HEAD.index('答复时间'))}5", "2026-10-13 09:00")
            server.reset_counts()
            wall, cpu = time.perf_counter(), time.process_time()
            report = run_cycle(cfg, now=now)
            wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
            if label.startswith("steady"):
                steady = wall
            reqs = server.total(exclude_drive=True) - server.counts["spreadsheets.get"]
            print(f"cycle, {label}: {ROWS} rows in {TOWNSHIPS} ledgers: {wall:.2f} s wall, {cpu:.2f} s CPU "
                  f"(server included), {reqs / TOWNSHIPS:.1f} requests per spreadsheet; "
                  f"{len(report.numbered)} numbered, {report.written_cells} cells written, {report.events} events")
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
