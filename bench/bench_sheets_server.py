"""The local Sheets server under a ledger-sized load: batched calls beside one call per row or cell."""
import time

ROWS = 20_000
WRITES = 500


def _timed(fn):
    wall, cpu = time.perf_counter(), time.process_time()
    fn()
    return time.perf_counter() - wall, time.process_time() - cpu


def run():
    from connector.sheets_server import serve_in_thread

    with serve_in_thread() as server:
        header = ["编号", "企业", "联系电话", "承办单位"] + [f"列{i}" for i in range(21)]
        data = [header] + [[f"〔2026〕第{r:05d}号", f"企业{r}", "13800138000", "住建局"] + [""] * 20 + ["黄灯"]
                           for r in range(ROWS)]
        ss = server.model.create("bench", {"台账": data})
        spreadsheet = server.client(timeout=300).open_by_key(ss.id)

        def read_batched():
            spreadsheet.values_batch_get(["'台账'"])

        def read_naive():
            for start in range(1, ROWS + 2, 100):
                spreadsheet.values_get(f"'台账'!A{start}:Y{start + 99}")

        targets = [f"'台账'!Y{2 + i * (ROWS // WRITES)}" for i in range(WRITES)]

        def write_batched():
            spreadsheet.values_batch_update({"valueInputOption": "RAW",
                                             "data": [{"range": t, "values": [["红灯"]]} for t in targets]})

        def write_naive():
            for t in targets:
                spreadsheet.values_update(t, params={"valueInputOption": "RAW"}, body={"values": [["红灯"]]})

        print(f"{ROWS} rows x {len(header)} columns, {WRITES} scattered cell writes "
              "(CPU includes the server thread: same process)")
        for label, fn in (("read: one values:batchGet", read_batched),
                          ("read: values.get per 100 rows (naive)", read_naive),
                          (f"write: one values:batchUpdate of {WRITES} ranges", write_batched),
                          ("write: one values.update per cell (naive)", write_naive)):
            server.reset_counts()
            wall, cpu = _timed(fn)
            print(f"  {label:48s} {server.total():5d} requests  {wall:7.3f} s wall  {cpu:7.3f} s CPU")
