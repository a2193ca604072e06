"""/intake under load from a second process (requests/s, p99), then the cycle's ledger calls for the
submissions: one append call per cycle, beside a naive baseline that appends each submission on its own."""
import http.client
import multiprocessing
import re
import statistics
import tempfile
import threading
import time
import urllib.parse
from datetime import datetime, timezone
from pathlib import Path

REQUESTS, CONNECTIONS, NAIVE = 2000, 8, 30
NOW = datetime(2026, 11, 5, 2, tzinfo=timezone.utc)
FORM = {"enterprise": "峄城某纺织有限公司", "contact": "孙六", "phone": "13905321111", "category": "求助",
        "matter": "申请协调用电增容，企业扩产急需", "address": "峄城区经济开发区"}


def _client(port: int, n: int, out):
    """One connection: fetch the form (cookie + CSRF token), then post it n times; latencies in seconds."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    conn.request("GET", "/intake")
    resp = conn.getresponse()
    html = resp.read().decode()
    cookie = resp.getheader("Set-Cookie").split(";", 1)[0]
    token = re.search(r'name="csrf_token" value="([^"]+)"', html).group(1)
    body = urllib.parse.urlencode({**FORM, "csrf_token": token}).encode()
    headers = {"Cookie": cookie, "Content-Type": "application/x-www-form-urlencoded"}
    lat, bad = [], 0
    for _ in range(n):
        t = time.perf_counter()
        conn.request("POST", "/intake", body=body, headers=headers)
        r = conn.getresponse()
        r.read()
        lat.append(time.perf_counter() - t)
        bad += r.status != 303
    out.extend(lat)
    return bad


def _load(port: int, q, requests: int, connections: int):
    """The second process: `connections` threads sharing the requests; puts (wall seconds, latencies, errors)."""
    lat, errors = [], []
    per = requests // connections
    threads = [threading.Thread(target=lambda: errors.append(_client(port, per, lat))) for _ in range(connections)]
    t = time.perf_counter()
    for th in threads:
        th.start()
    for th in threads:
        th.join()
    q.put((time.perf_counter() - t, lat, sum(errors)))


class _Counting:
    """A Ledger that counts its write calls and the rows they append."""

    def __init__(self, ledger):
        self.ledger, self.calls, self.append_calls = ledger, 0, 0
        self.service_headers = ledger.service_headers

    def read(self, sheets, **kw):
        return self.ledger.read(sheets, **kw)

    def write(self, writes, appends=None, **kw):
        self.calls += 1
        self.append_calls += bool(appends)
        return self.ledger.write(writes, appends, **kw)


def run(requests: int = REQUESTS, connections: int = CONNECTIONS, naive_rows: int = NAIVE):
    import config as config_module
    from app import create_app
    from connector import open_ledger
    from connector.setup import default_spec
    from jobs.cycle import run_cycle
    from store import Store
    from waitress.server import create_server

    import logging
    logging.getLogger("waitress.queue").setLevel(logging.ERROR)   # "Task queue depth" lines under load
    folder = Path(tempfile.mkdtemp(prefix="jiesu-bench-intake-"))
    cfg = config_module.load(None, env={"JIESU_VAR_DIR": str(folder), "JIESU_PROFILE": "yicheng"})
    open_ledger("xlsx", path=cfg.ledger.path).init(default_spec())
    store = Store.from_config(cfg)
    app = create_app({"JIESU": cfg, "STORE": store, "SECRET_KEY": "bench", "SESSION_COOKIE_SECURE": False,
                      "INTAKE_LIMIT": None})   # one client address sends everything here
    server = create_server(app, host="127.0.0.1", port=0, threads=8)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    try:
        q = multiprocessing.get_context("spawn").Queue()
        proc = multiprocessing.get_context("spawn").Process(target=_load, args=(server.effective_port, q, requests,
                                                                                connections))
        proc.start()
        wall, lat, errors = q.get(timeout=600)
        proc.join()
    finally:
        server.close()
    lat.sort()
    p99 = lat[int(len(lat) * 0.99) - 1]
    print(f"/intake: {len(lat)} posts over {connections} connections from a second process: "
          f"{len(lat) / wall:.0f} requests/s, median {statistics.median(lat) * 1000:.1f} ms, "
          f"p99 {p99 * 1000:.1f} ms, {errors} not accepted (aim: >= 200/s, p99 < 100 ms)")

    pending = len(store.intake_pending())
    source = cfg.ledger.sources()[0]
    counting = _Counting(open_ledger("xlsx", path=cfg.ledger.path))
    t = time.perf_counter()
    report = run_cycle(cfg, now=NOW, store=store, ledgers=[(source, counting)])
    batched = time.perf_counter() - t
    print(f"cycle: {report.appended} of {pending} submissions appended with {counting.append_calls} append call "
          f"({counting.calls} ledger write calls in all) in {batched:.2f} s")

    naive = open_ledger("xlsx", path=folder / "naive.xlsx")
    naive.init(default_spec())
    row = {"诉求企业": FORM["enterprise"], "联系人": FORM["contact"], "联系电话": FORM["phone"],
           "诉求类别": FORM["category"], "主要诉求": FORM["matter"], "受理时间": "2026-11-05 10:00"}
    t = time.perf_counter()
    for _ in range(naive_rows):
        naive.append("台账", [row])
    each = (time.perf_counter() - t) / naive_rows
    print(f"naive baseline (append each submission to the ledger on its own): {each * 1000:.0f} ms per submission, "
          f"{naive_rows} calls for {naive_rows} rows; for {pending} submissions ≈ {each * pending:.0f} s and {pending} calls")
    store.close()


if __name__ == "__main__":
    run()
