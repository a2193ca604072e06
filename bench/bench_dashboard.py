"""Dashboard and /api/tickets at district scale: 100,000 tickets in 20 township ledgers, through Flask's test
client, as a coordinator and as a unit; the naive baseline re-reads and re-decodes every state per request."""
import random
import statistics
import tempfile
import time
from datetime import datetime, timedelta, timezone
from pathlib import Path

LEDGERS, PER_LEDGER, REPEAT = 20, 5000, 5
NOW = datetime(2026, 11, 5, 2, tzinfo=timezone.utc)
UNITS = [f"区{name}局" for name in ("住建", "人社", "市场监管", "商务", "交通", "生态环境", "税务", "自然资源",
                                      "水务", "城管", "卫健", "应急", "司法", "财政", "发改", "工信")]
CATEGORIES = ("投诉", "咨询", "求助", "建议")
STATUSES = ("正常", "即将到期", "已超期", "已办结", "已办结", "已办结", "已办结", "黄灯", "红灯")
MILESTONES = ("contact", "reply", "resolve")


def _ticket(rng: random.Random, ledger: int, i: int, number: int, cycle: int = 0):
    """(state record, cells) of one ticket, shaped like the cycle's (see jobs/cycle.py)."""
    from store import TicketStateRecord
    township = f"镇街{ledger:02d}"
    received = datetime(2026, 1, 1, 8) + timedelta(minutes=(i * 97 + ledger * 13) % (300 * 24 * 60))
    unit, category, status = rng.choice(UNITS), rng.choice(CATEGORIES), rng.choice(STATUSES)
    dues = {m: (received + timedelta(days=d)).strftime("%Y-%m-%dT23:59:59") for m, d in zip(MILESTONES, (1, 2, 7))}
    overdue = ["contact"] if status in ("已超期", "红灯") else []
    flags = [{"kind": "extension_pending", "message": "承办单位申请延期，待审批"}] if i % 53 == 0 else []
    num = f"〔2026〕第{number:06d}号"
    state = {"category": category, "closed_at": None, "co_units": [rng.choice(UNITS)] if i % 7 == 0 else [],
             "due_soon": ["reply"] if status == "即将到期" else [], "dues": dues, "errors": i % 97 == 0,
             "explain": {m: f"受理次日起第{d}个工作日({dues[m][:10]})当日结束前" for m, d in zip(MILESTONES, (1, 2, 7))},
             "extension_approved_at": None, "flags": flags, "inputs": f"b99e6d590139||{category}|{received}|{cycle}",
             "last_visit": None, "number": num, "overdue": overdue, "problem_type": None,
             "received": received.isoformat(), "reopened_at": None, "resolve_due_original": dues["resolve"],
             "returned": None, "round": 1, "settled": f"{rng.getrandbits(96):024x}|f379d6aa5d91",
             "sig": f"{rng.getrandbits(128):032x}", "stage": "已办结" if status == "已办结" else "办理中",
             "status": status, "township": township, "unit": unit, "unknown_year": None,
             "light": status if status in ("黄灯", "红灯") else None}
    cells = {"诉求编号": num, "受理时间": received.strftime("%Y-%m-%d %H:%M"), "诉求企业": f"某企业{ledger}-{i}有限公司",
             "联系人": "张三", "联系电话": "13905329999", "诉求类别": category, "主要诉求": f"企业门前道路破损{i}，货车无法通行",
             "承办单位": unit, "办理轮次": "1", "应联系时限": dues["contact"][:10], "应答复时限": dues["reply"][:10],
             "应办结时限": dues["resolve"][:10], "督办状态": status, "校验结果": "✔ 校验通过"}
    rec = TicketStateRecord(township, f"R{ledger:02d}{i:05d}", num, unit, status, state)
    return rec, cells


def _fill(store, rng):
    for ledger in range(LEDGERS):
        recs, cells = [], {}
        for i in range(PER_LEDGER):
            rec, row = _ticket(rng, ledger, i, ledger * PER_LEDGER + i + 1)
            recs.append(rec)
            cells[rec.row_id] = row
        store.record_rows(recs[0].ledger_id, cells, NOW, cycle_id=1)
        store.save_ticket_states(recs, NOW)


def _cycle_changes(store, rng, share=0.01, cycle=1):
    """A cycle that changed `share` of the tickets: new cells and a new state for each, in every ledger."""
    later = NOW + timedelta(minutes=10 * cycle)
    for ledger in range(LEDGERS):
        picked = rng.sample(range(PER_LEDGER), max(1, int(PER_LEDGER * share)))
        recs, cells = [], {}
        for i in picked:
            rec, row = _ticket(rng, ledger, i, ledger * PER_LEDGER + i + 1, cycle)
            recs.append(rec)
            cells[rec.row_id] = row
        store.record_rows(recs[0].ledger_id, cells, later, cycle_id=1 + cycle)
        store.save_ticket_states(recs, later)


def _client(store, name):
    from app import create_app
    app = create_app({"TESTING": True, "STORE": store, "SECRET_KEY": "bench", "SESSION_COOKIE_SECURE": False,
                      "INSTANCE": str(Path(store.engine.url.database).parent), "WTF_CSRF_ENABLED": False})
    client = app.test_client()
    with client.session_transaction() as s:   # a logged-in session, as the login form leaves it
        s["user"] = name
    return client


def _median(fn, n=REPEAT):
    times = []
    for _ in range(n):
        t = time.perf_counter()
        resp = fn()
        times.append(time.perf_counter() - t)
        assert resp.status_code == 200, (resp.status_code, resp.get_data(as_text=True)[:300])
    return statistics.median(times)


def _rss_mb() -> float:
    with open("/proc/self/statm") as f:
        return int(f.read().split()[1]) * 4096 / 2**20


def _naive_index(store, user):
    # Baseline: what every request did before the cache (read and decode every state and snapshot).
    from web import tickets
    t = time.perf_counter()
    mine = tickets.load_uncached(store, user)
    shown = tickets.apply_filters(mine, {})
    tickets.counts(mine), tickets.choices(mine), shown[:500]
    return time.perf_counter() - t


def run(ledgers: int = LEDGERS, per_ledger: int = PER_LEDGER):
    global LEDGERS, PER_LEDGER
    LEDGERS, PER_LEDGER = ledgers, per_ledger
    from store import Store
    from web.auth import Viewer

    with tempfile.TemporaryDirectory() as d:
        store = Store(f"sqlite:///{Path(d) / 'bench.db'}")
        rng = random.Random(7)
        t = time.perf_counter()
        _fill(store, rng)
        print(f"store: {LEDGERS * PER_LEDGER} tickets in {LEDGERS} ledgers built in {time.perf_counter() - t:.1f} s")
        store.user_save("coord", "x", "coordinator", NOW)
        store.user_save("zj", "x", "unit", NOW, unit="区住建局")
        coord, unit = _client(store, "coord"), _client(store, "zj")
        base = _rss_mb()
        lid, row = min(3, LEDGERS - 1), min(1234, PER_LEDGER - 1)
        one = f"/tickets/镇街{lid:02d}/R{lid:02d}{row:05d}"
        for who, client in (("coordinator", coord), ("unit 区住建局", unit)):
            t = time.perf_counter()
            client.get("/")
            first = time.perf_counter() - t
            figures = {"GET / (first, cold cache)": first,
                       "GET /": _median(lambda: client.get("/")),
                       "GET /?light=红灯&township=镇街05": _median(lambda: client.get("/?light=红灯&township=镇街05")),
                       "GET /api/tickets": _median(lambda: client.get("/api/tickets")),
                       "GET /api/summary": _median(lambda: client.get("/api/summary")),
                       "GET one ticket page": _median(lambda: client.get(one)) if who == "coordinator" else None}
            print(f"-- {who}")
            for label, secs in figures.items():
                if secs is not None:
                    print(f"   {label}: {secs * 1000:.0f} ms")
        for n in (1, 2):
            t = time.perf_counter()
            _cycle_changes(store, rng, cycle=n)
            wrote = time.perf_counter() - t
            t = time.perf_counter()
            assert coord.get("/").status_code == 200
            after = time.perf_counter() - t
            print(f"cycle {n} changed 1% of the tickets (written in {wrote:.1f} s); "
                  f"first GET / after it (coordinator): {after * 1000:.0f} ms; "
                  f"next: {_median(lambda: coord.get('/'), 3) * 1000:.0f} ms")
        print(f"memory of this process with the cache warm: {_rss_mb():.0f} MB (before it: {base:.0f} MB)")
        # The baseline last, so its transient garbage does not count in the cache's memory above.
        naive_c = _naive_index(store, Viewer("coord", "coordinator", None, None))
        naive_u = _naive_index(store, Viewer("zj", "unit", "区住建局", None))
        print(f"naive (read and decode everything per request, as before the cache), GET / data for the "
              f"coordinator: {naive_c * 1000:.0f} ms, for the unit: {naive_u * 1000:.0f} ms")
        store.close()
