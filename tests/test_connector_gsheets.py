"""What only the Google backend promises: 3 requests a cycle, RAW values, Google-side setup, quota behaviour."""
import pytest

from connector.base import ROW_ID_HEADER, CellWrite, LedgerError
from connector.gsheets import GSheetsLedger
from connector.http import open_client
from connector.setup import builtin_spec, column_letter
from connector.sheets_server import serve_in_thread

SPEC = builtin_spec()
SERVICE = SPEC.service_headers


@pytest.fixture(scope="module")
def server():
    with serve_in_thread() as s:
        yield s


def _ledger(server, key, **opts):
    opts.setdefault("base_delay", 0.01)
    return GSheetsLedger(open_client(api_base=server.url, **opts), key, SERVICE)


def _new(server, rows=0, **opts):
    key = server.client().create("台账").id
    led = _ledger(server, key, **opts)
    led.init(SPEC)
    if rows:
        led.append("台账", [{"诉求企业": f"企业{i}", "诉求类别": "投诉"} for i in range(rows)])
    return key, led


@pytest.mark.parametrize("rows", [20, 2000])
def test_a_read_and_write_back_cycle_is_three_requests_whatever_the_rows(server, rows):
    key, led = _new(server, rows)
    led.read(["台账"])  # the first read also fetches (and caches) the spreadsheet's metadata
    server.reset_counts()
    g = led.read(["台账", "承办单位", "派单目录"])["台账"]
    res = led.write([CellWrite(g.ref(r, SERVICE), {"督办状态": "黄灯", "应办结时限": "2026-03-20"})
                     for r in g.rows])
    assert len(res.landed) == rows
    assert server.total() == 3, dict(server.counts)
    assert dict(server.counts) == {"values.batchGet": 2, "values.batchUpdate": 1}
    server.reset_counts()
    led.write([CellWrite(g.ref(g.rows[0], SERVICE), {"督办状态": "红灯"})], {"督办记录": [{"诉求编号": "x"}]})
    assert dict(server.counts) == {"values.batchGet": 1, "values.batchUpdate": 1, "values.append": 1}


def test_values_are_written_raw_never_user_entered(server):
    key, led = _new(server, 1)
    g = led.read(["台账"])["台账"]
    led.write([CellWrite(g.ref(g.rows[0], SERVICE), {"校验结果": "=1+1", "督办情况": "007",
                                                     "应办结时限": "2026-03-05", "督办状态": "+86"})])
    person = server.person(key)
    head, row = person.values("台账")[0], person.values("台账")[1]
    seen = {h: row[head.index(h)] for h in ("校验结果", "督办情况", "应办结时限", "督办状态")}
    assert seen == {"校验结果": "=1+1", "督办情况": "007", "应办结时限": "2026-03-05", "督办状态": "+86"}


def test_init_sets_up_frozen_headers_dropdowns_protection_and_colours(server):
    key, led = _new(server)
    meta = led.metadata(refresh=True)
    sheets = {s["properties"]["title"]: s for s in meta["sheets"]}
    assert set(sheets) >= {s.title for s in SPEC.sheets}
    assert all(sheets[s.title]["properties"]["gridProperties"]["frozenRowCount"] == 1 for s in SPEC.sheets)
    ledger = sheets["台账"]
    head = server.person(key).values("台账")[0]
    protected = sorted(p["range"]["startColumnIndex"] for p in ledger["protectedRanges"])
    assert protected == sorted(head.index(h) for h in SPEC.sheet("台账").service_headers)
    assert all(p["warningOnly"] for p in ledger["protectedRanges"])
    formulas = [r["booleanRule"]["condition"]["values"][0]["userEnteredValue"] for r in ledger["conditionalFormats"]]
    assert [f.split('"')[1] for f in formulas] == ["红灯", "黄灯", "即将到期"]
    assert all(f"${column_letter(head.index('督办状态'))}2)" in f for f in formulas)
    sheet = server.model.get(key).sheet("台账")
    recorded = {kind for kind, _ in sheet.recorded}
    assert {"repeatCell", "updateDimensionProperties"} <= recorded
    hidden = [b for kind, b in sheet.recorded if kind == "updateDimensionProperties"]
    assert hidden[0]["range"]["startIndex"] == head.index(ROW_ID_HEADER)
    lists = {v["range"]["startColumnIndex"]: [x["userEnteredValue"] for x in v["rule"]["condition"]["values"]]
             for v in sheet.data_validations}
    assert lists[head.index("诉求类别")] == ["咨询", "求助", "投诉", "举报", "意见建议"]
    assert lists[head.index("问题类型")] == ["简单", "一般", "复杂"]
    rep = led.init(SPEC)  # a second run: nothing created, nothing doubled
    assert not rep.created_sheets and not rep.added_columns
    again = {s["properties"]["title"]: s for s in led.metadata(refresh=True)["sheets"]}["台账"]
    assert len(again["protectedRanges"]) == len(protected) and len(again["conditionalFormats"]) == 3


def test_an_unknown_spreadsheet_is_a_clear_permanent_error(server):
    led = _ledger(server, "1nosuchspreadsheet")
    with pytest.raises(LedgerError, match="找不到") as err:
        led.read(["台账"])
    assert err.value.permanent


def test_a_burst_stays_within_sixty_requests_a_minute(server):
    server.quota.per_minute, server.quota.window = 60, 60.0
    server.quota.reset()
    try:
        key, led = _new(server, 30)
        server.reset_counts()
        for cycle in range(12):  # twelve sync cycles in a burst, each marking every row and logging one letter
            g = led.read(["台账"])["台账"]
            led.write([CellWrite(g.ref(r, SERVICE), {"督办状态": f"黄灯{cycle}"}) for r in g.rows],
                      {"督办记录": [{"诉求编号": f"第{cycle}号"}]})
        assert server.quota.rejected == 0 and server.total() <= 60
    finally:
        server.quota.per_minute = None


def test_the_client_paces_itself_under_the_quota(server):
    server.quota.per_minute, server.quota.window = 10, 1.0
    server.quota.reset()
    rejected = server.quota.rejected
    try:
        key, led = _new(server, 5, per_minute=7, window=1.0)
        for cycle in range(6):
            g = led.read(["台账"])["台账"]
            led.write([CellWrite(g.ref(r, SERVICE), {"督办状态": f"黄灯{cycle}"}) for r in g.rows])
        assert server.quota.rejected == rejected
    finally:
        server.quota.per_minute = None


def test_recovers_from_429_without_losing_or_duplicating_a_write(server):
    key, led = _new(server, 3, base_delay=0.2, max_delay=1.0, attempts=10)
    server.quota.per_minute, server.quota.window = 3, 1.0
    server.quota.reset()
    rejected = server.quota.rejected
    try:
        for cycle in range(5):
            g = led.read(["台账"])["台账"]
            res = led.write([CellWrite(g.ref(r, SERVICE), {"督办状态": f"红灯{cycle}"}) for r in g.rows],
                            {"督办记录": [{"诉求编号": f"第{cycle}号", "内容": f"{n}"} for n in range(2)]})
            assert len(res.landed) == 3 and len(res.appended["督办记录"]) == 2
    finally:
        server.quota.per_minute = None
    assert server.quota.rejected > rejected  # the quota really bit
    person = server.person(key)
    rows = person.values("台账")
    status = rows[0].index("督办状态")
    assert [r[status] for r in rows[1:]] == ["红灯4"] * 3
    log = person.values("督办记录")
    num, text = log[0].index("诉求编号"), log[0].index("内容")
    assert sorted((r[num], r[text]) for r in log[1:]) == sorted((f"第{c}号", f"{n}") for c in range(5) for n in range(2))
    ids = [r[log[0].index(ROW_ID_HEADER)] for r in log[1:]]
    assert len(ids) == 10 and len(set(ids)) == 10


@pytest.mark.parametrize("applied", [True, False], ids=["applied-then-lost", "refused"])
def test_an_append_of_unknown_outcome_is_checked_not_repeated_blindly(applied):
    """A 503 on values:append may come after Google applied it: the backend looks for the rows' ids first."""
    import threading
    from werkzeug.serving import make_server
    from connector.sheets_server import SheetsApp

    app = SheetsApp()
    state = {"fail": 1}

    def flaky(environ, start_response):
        if ":append" in environ.get("PATH_INFO", "") and state["fail"]:
            state["fail"] -= 1
            if applied:
                app(environ, lambda *a, **k: (lambda data: None))
            start_response("503 Service Unavailable", [("Content-Type", "application/json")])
            return [b'{"error": {"code": 503, "message": "backend error", "status": "UNAVAILABLE"}}']
        return app(environ, start_response)

    srv = make_server("127.0.0.1", 0, flaky, threaded=True)
    threading.Thread(target=srv.serve_forever, daemon=True).start()
    try:
        url = f"http://127.0.0.1:{srv.server_port}"
        key = open_client(api_base=url).create("台账").id
        led = GSheetsLedger(open_client(api_base=url, base_delay=0.01), key, SERVICE)
        led.init(SPEC)
        ids = led.append("督办记录", [{"诉求编号": "第1号"}, {"诉求编号": "第2号"}])
        recs = led.read(["督办记录"])["督办记录"].records()
        assert [(r["诉求编号"], r[ROW_ID_HEADER]) for r in recs] == [("第1号", ids[0]), ("第2号", ids[1])]
        assert state["fail"] == 0
    finally:
        srv.shutdown()
        srv.server_close()
