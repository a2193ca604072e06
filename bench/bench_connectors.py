"""Connector cost of one full read-and-write-back cycle on a 100,000-row ledger, beside naive per-row writing."""
import os
import tempfile
import time
from pathlib import Path

from connector.base import CellWrite
from connector.setup import builtin_spec

ROWS = int(os.environ.get("JIESU_BENCH_ROWS", "100000"))
NAIVE_ROWS = 200
SPEC = builtin_spec()
SERVICE = SPEC.service_headers
HEAD = SPEC.sheet("台账").headers()


def _record(i: int) -> dict:
    return {"受理时间": "2026-03-05 09:30", "渠道": "12345热线", "诉求企业": f"枣阳市企业{i}有限公司", "联系人": "张三",
            "联系电话": "13812345678", "诉求类别": "投诉", "问题类型": "一般",
            "主要诉求": "道路施工影响企业车辆通行,请求协调施工单位错峰作业", "承办单位": "住建局",
            "签收时间": "2026-03-05 10:00", "诉求编号": f"〔2026〕第{i:06d}号"}


def _rows(n: int) -> list[list]:
    return [HEAD] + [[_record(i).get(h, "") for h in HEAD] for i in range(n)]


def _writes(grid) -> list[CellWrite]:
    return [CellWrite(grid.ref(r, SERVICE), {"督办状态": "黄灯", "应办结时限": "2026-03-20 17:00", "办理轮次": 1})
            for r in grid.rows]


def bench_gsheets(n: int):
    from connector.gsheets import GSheetsLedger
    from connector.http import open_client
    from connector.sheets_server import serve_in_thread

    with serve_in_thread() as server:
        key = server.model.create("台账", {"台账": _rows(n), "督办记录": [["诉求编号", "内容", "记录标识"]]}).id
        led = GSheetsLedger(open_client(api_base=server.url), key, SERVICE)
        led.read(["台账"])  # cold start: metadata fetched once and cached
        server.reset_counts()
        wall, cpu = time.perf_counter(), time.thread_time()  # this thread only: the server runs in others
        grid = led.read(["台账"])["台账"]
        res = led.write(_writes(grid))
        cpu, wall = time.thread_time() - cpu, time.perf_counter() - wall
        assert len(res.landed) == n, res.missed[:3]
        requests = server.total()
        print(f"gsheets {n} rows: one read-and-write-back cycle = {requests} HTTP requests "
              f"({dict(server.counts)}), client CPU {cpu:.2f} s, wall {wall:.2f} s")
        # Naive baseline, same run: one values.update per row (what gspread's update_acell-style code does).
        ws = server.client().open_by_key(key).worksheet("台账")
        col = HEAD.index("督办状态") + 1
        server.reset_counts()
        wall, cpu = time.perf_counter(), time.thread_time()
        for row in range(2, NAIVE_ROWS + 2):
            ws.update_cell(row, col, "黄灯")
        cpu, wall = time.thread_time() - cpu, time.perf_counter() - wall
        per = server.total() / NAIVE_ROWS
        print(f"  naive per-row writes: {server.total()} requests for {NAIVE_ROWS} rows ({wall:.2f} s, CPU "
              f"{cpu:.2f} s) → {per * n:,.0f} requests for {n} rows, {per * n / 60 / 60:,.1f} hours at 60/min")


def bench_xlsx(n: int):
    import openpyxl
    from connector.xlsx import XlsxLedger

    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "台账.xlsx"
        wb = openpyxl.Workbook(write_only=True)
        ws = wb.create_sheet("台账")
        for line in _rows(n):
            ws.append(line)
        wb.save(path)
        led = XlsxLedger(path, SERVICE)
        t0 = time.perf_counter()
        grid = led.read(["台账"])["台账"]  # as generated: inline strings, the slow case for openpyxl
        t1 = time.perf_counter()
        res = led.write(_writes(grid))
        t2 = time.perf_counter()
        assert len(res.landed) == n
        grid = led.read(["台账"])["台账"]  # as saved by a spreadsheet program: shared strings
        t3 = time.perf_counter()
        print(f"xlsx {n} rows ({path.stat().st_size / 1e6:.1f} MB): read {t3 - t2:.1f} s (shared strings; "
              f"{t1 - t0:.1f} s with inline strings) + write back {t2 - t1:.1f} s = cycle {t3 - t2 + t2 - t1:.1f} s")
        # Naive baseline, same run: load and save the workbook once per written row (timed for one row).
        t0 = time.perf_counter()
        for i in range(1):
            wb = openpyxl.load_workbook(path)
            wb["台账"].cell(2 + i, HEAD.index("督办状态") + 1).value = "红灯"
            wb.save(path)
        per = time.perf_counter() - t0
        print(f"  naive load-and-save per row: {per:.1f} s a row → {per * n / 3600:,.0f} hours for {n} rows")


def run():
    bench_gsheets(ROWS)
    bench_xlsx(ROWS)


if __name__ == "__main__":
    run()
