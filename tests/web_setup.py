"""A small real district for the web tests: an xlsx ledger made by the connector, a real sync cycle,
accounts in the store, and the Flask app over them."""
from __future__ import annotations

from datetime import datetime, timezone

import config as config_module
from app import create_app
from connector import open_ledger
from connector.setup import default_spec
from jobs.cycle import run_cycle
from store import Store
from werkzeug.security import generate_password_hash

NOW = datetime(2026, 11, 5, 2, 0, tzinfo=timezone.utc)     # 2026-11-05 10:00 in Shanghai, a Thursday
PASSWORD = "correct horse 42"
UNITS = [("区市场监管局", "王明", "13905321234", "scjg@example.gov.cn"),
         ("区住建局", "李红", "13905325678", "zj@example.gov.cn"),
         ("区人社局", "赵强", "13905327777", "rs@example.gov.cn")]
EVIL = '<img src=x onerror="alert(1)">=HYPERLINK("http://evil.example","点我")'
ROWS = [
    {"受理时间": "2026-11-02 09:30", "诉求企业": "峄城某机械有限公司", "联系人": "张三", "联系电话": "13905329999",
     "诉求类别": "投诉", "主要诉求": "企业门前道路破损，货车无法通行", "承办单位": "区住建局", "延期申请": "需协调施工队，申请延期"},
    {"受理时间": "2026-11-04 15:00", "诉求企业": EVIL, "联系人": "李四", "联系电话": "13905328888",
     "诉求类别": "咨询", "主要诉求": "咨询稳岗补贴申领条件 " + EVIL, "承办单位": "区人社局"},
    {"受理时间": "2026-10-20 10:00", "诉求企业": "峄城某食品厂", "联系人": "王五", "联系电话": "0632-7711401",
     "诉求类别": "求助", "主要诉求": "食品经营许可证办理进度", "承办单位": "区市场监管局",
     "办结时间": "2026-10-22 16:00", "办理情况": "已办结许可证 <i>=SUM(A1)</i>", "核查结论": "属实"},
]


_TEMPLATE: dict = {}


def _config(folder):
    return config_module.load(None, env={"JIESU_VAR_DIR": str(folder), "JIESU_PROFILE": "yicheng"})


def _make(folder, now):
    cfg = _config(folder)
    ledger = open_ledger("xlsx", path=cfg.ledger.path)
    ledger.init(default_spec())
    ledger.append("承办单位", [{"单位名称": n, "经办人": p, "经办人电话": t, "经办人邮箱": m} for n, p, t, m in UNITS])
    ledger.append("台账", ROWS)
    with Store.from_config(cfg) as store:
        run_cycle(cfg, now=now, store=store)
        # A cheaper hash than the default scrypt keeps the tests quick; check_password_hash reads any method.
        digest = generate_password_hash(PASSWORD, method="pbkdf2:sha256:2000")
        for name, role, unit, township in (("coord", "coordinator", None, None), ("zj", "unit", "区住建局", None),
                                           ("rs", "unit", "区人社局", None), ("clerk", "township", None, "台账"),
                                           ("other", "township", None, "吴林街道")):
            store.user_save(name, digest, role, now, unit=unit, township=township)


def build(tmp_path, now=NOW, secret="hook-secret"):
    """(app, cfg, store): the ledger at tmp_path/ledger.xlsx holds ROWS after one real cycle at `now`
    (made once per test session and copied, since every test may change it)."""
    import shutil
    import tempfile
    from pathlib import Path
    if now not in _TEMPLATE:
        folder = Path(tempfile.mkdtemp(prefix="jiesu-web-"))
        _make(folder, now)
        _TEMPLATE[now] = folder
    for f in _TEMPLATE[now].iterdir():
        if f.is_file():
            shutil.copy2(f, tmp_path / f.name)
    cfg = _config(tmp_path)
    store = Store.from_config(cfg)
    clock = {"now": now}
    app = create_app({"TESTING": True, "JIESU": cfg, "STORE": store, "CLOCK": lambda: clock["now"],
                      "WEBHOOK_SECRET": secret, "SECRET_KEY": "test-secret", "SESSION_COOKIE_SECURE": False})
    app.clock = clock
    return app, cfg, store


def login(client, name="coord", password=PASSWORD):
    """Log in through the real form (fetching its CSRF token first); returns the response."""
    token = csrf(client, "/login")
    return client.post("/login", data={"name": name, "password": password, "csrf_token": token})


def csrf(client, path) -> str:
    """The CSRF token the page at `path` puts in its forms."""
    import re
    html = client.get(path).get_data(as_text=True)
    return re.search(r'name="csrf_token" value="([^"]+)"', html).group(1)


def ticket_of(store, enterprise_start: str):
    """(ledger_id, row_id) of the ticket whose 诉求企业 begins with `enterprise_start`."""
    snaps = store.snapshots("台账")
    return next(("台账", rid) for rid, cells in snaps.items() if cells.get("诉求企业", "").startswith(enterprise_start))


class Served:
    """The app served by waitress on 127.0.0.1 (free port) in a thread: `.url`, `.stop()`."""

    def __init__(self, app):
        import threading
        from waitress.server import create_server
        self.server = create_server(app, host="127.0.0.1", port=0, threads=4)
        self.url = f"http://127.0.0.1:{self.server.effective_port}"
        self.thread = threading.Thread(target=self.server.run, daemon=True)
        self.thread.start()

    def stop(self):
        self.server.close()
        self.thread.join(timeout=5)
