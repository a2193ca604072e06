"""The web service over a real ledger file and a real cycle: login wall, roles, CSRF, rate limits,
dashboard filters, coordinator actions reaching the ledger, escaping."""
import itertools
import re

import pytest
from connector import open_ledger
from jobs.cycle import run_cycle

from web_setup import EVIL, NOW, PASSWORD, build, csrf, login, ticket_of


@pytest.fixture
def district(tmp_path):
    return build(tmp_path)


@pytest.fixture
def client(district):
    return district[0].test_client()


def _ledger_record(cfg, enterprise_start):
    grid = open_ledger("xlsx", path=cfg.ledger.path).read(["台账"])["台账"]
    return next(grid.record(r) for r in grid.rows if str(grid.record(r)["诉求企业"]).startswith(enterprise_start))


def test_every_page_but_the_public_ones_needs_a_login(district, client):
    app, _, store = district
    lid, rid = ticket_of(store, "峄城某机械")
    for path in ("/", f"/tickets/{lid}/{rid}", "/mailbox", "/outbox/1/attachments/0"):
        resp = client.get(path)
        assert resp.status_code == 302 and "/login" in resp.headers["Location"], path
    assert client.get("/api/tickets").status_code == 401
    assert client.get("/api/summary").get_json()["error"].startswith("需要登录")
    for path in ("/intake", "/track", "/healthz", "/login"):
        assert client.get(path).status_code == 200, path
    public = {"auth.login", "intake.form", "intake.receipt", "track.lookup", "hooks.sheets", "healthz", "static"}
    rules = {r.endpoint for r in app.url_map.iter_rules()}
    assert rules - public, "there are protected endpoints"


def test_session_cookie_is_secure_httponly_and_wrong_password_fails(district, client):
    resp = client.get("/login")
    cookie = [h for h in resp.headers.getlist("Set-Cookie") if h.startswith("jiesu_session=")][0]
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie
    from app import create_app
    secure = create_app({"TESTING": True, "JIESU": district[1], "STORE": district[2], "SECRET_KEY": "k"})
    cookie = secure.test_client().get("/login").headers["Set-Cookie"]
    assert "Secure" in cookie and "HttpOnly" in cookie      # the default, outside tests over plain http
    resp = login(client, password="wrong")
    assert resp.status_code == 401 and "用户名或密码错误" in resp.get_data(as_text=True)
    resp = login(client, name="nobody")
    assert resp.status_code == 401 and "用户名或密码错误" in resp.get_data(as_text=True)
    assert login(client).status_code == 302


def test_login_is_rate_limited_per_name(district, client):
    for _ in range(5):
        assert login(client, password="nope").status_code == 401
    # Even the right password is refused while the name is locked out.
    resp = login(client)
    assert resp.status_code == 429 and "15 分钟" in resp.get_data(as_text=True)
    district[0].clock["now"] = NOW.replace(hour=3)   # an hour later
    assert login(client).status_code == 302


def test_posts_without_the_csrf_token_fail(district, client):
    _, cfg, store = district
    login(client)
    lid, rid = ticket_of(store, "峄城某机械")
    resp = client.post(f"/tickets/{lid}/{rid}/actions/approve_extension", data={"days": "5"})
    assert resp.status_code == 400 and "CSRF" in resp.get_data(as_text=True)
    resp = client.post(f"/tickets/{lid}/{rid}/actions/approve_extension", data={"days": "5", "csrf_token": "forged"})
    assert resp.status_code == 400
    assert _ledger_record(cfg, "峄城某机械")["延期批准"] == ""
    assert client.post("/intake", data={"enterprise": "x"}).status_code == 400
    assert client.post("/logout").status_code == 400
    assert client.post("/login", data={"name": "coord", "password": PASSWORD}).status_code == 400


def test_a_unit_sees_only_its_tickets_and_cannot_act(district, client):
    _, cfg, store = district
    login(client, "rs")
    html = client.get("/").get_data(as_text=True)
    assert "稳岗" not in html  # the list shows enterprises, not matters; check by the unit column instead
    assert html.count("区人社局") >= 1 and "区住建局" not in html
    other = ticket_of(store, "峄城某机械")
    resp = client.get("/tickets/%s/%s" % other)
    assert resp.status_code == 404 and "无权查看" in resp.get_data(as_text=True)
    assert client.get("/api/tickets/%s/%s" % other).status_code == 404
    assert [t["unit"] for t in client.get("/api/tickets").get_json()["tickets"]] == ["区人社局"]
    mine = ticket_of(store, "<img")
    assert client.get("/tickets/%s/%s" % mine).status_code == 200
    token = csrf(client, "/tickets/%s/%s" % mine)
    resp = client.post("/tickets/%s/%s/actions/close" % mine, data={"confirm": "yes", "csrf_token": token})
    assert resp.status_code == 403
    assert _ledger_record(cfg, "<img")["是否办结归档"] == ""


def test_a_township_clerk_sees_its_township_only(district, client):
    login(client, "clerk")
    assert client.get("/api/summary").get_json()["total"] == 3
    client.post("/logout", data={"csrf_token": csrf(client, "/")})
    login(client, "other")
    assert client.get("/api/summary").get_json()["total"] == 0


def test_dashboard_counts_filters_and_puts_flagged_rows_first(district, client):
    login(client)
    html = client.get("/").get_data(as_text=True)
    numbers = re.findall(r"〔2026〕第(\d{4})号</a>", html)
    assert numbers == ["0002", "0003", "0001"]        # overdue, due soon, then the quiet one
    assert "延期待审批" in html
    only = client.get("/?unit=区人社局").get_data(as_text=True)
    assert re.findall(r"〔2026〕第(\d{4})号</a>", only) == ["0003"]
    assert re.findall(r"〔2026〕第(\d{4})号</a>", client.get("/?month=2026-10").get_data(as_text=True)) == ["0001"]
    assert re.findall(r"〔2026〕第(\d{4})号</a>", client.get("/?category=投诉&month=2026-10").get_data(as_text=True)) == []
    api = client.get("/api/tickets?status=已超期").get_json()
    assert [t["number"] for t in api["tickets"]] == ["〔2026〕第0002号"]
    assert client.get("/api/summary").get_json()["by_status"] == {"已超期": 1, "即将到期": 1, "正常": 1}


def test_ticket_page_shows_every_deadline_with_its_explanation_and_history(district, client):
    _, _, store = district
    login(client)
    lid, rid = ticket_of(store, "峄城某机械")
    html = client.get(f"/tickets/{lid}/{rid}").get_data(as_text=True)
    state = store.ticket_states()[(lid, rid)].state
    for milestone, text in state["explain"].items():
        assert text in html and state["dues"][milestone].replace("T", " ")[:16] in html
    assert "新登记" in html and "需协调施工队" in html


def test_approving_an_extension_writes_the_ledger_and_the_next_cycle_moves_the_deadline(district, client):
    _, cfg, store = district
    login(client)
    lid, rid = ticket_of(store, "峄城某机械")
    before = _ledger_record(cfg, "峄城某机械")["应办结时限"]
    token = csrf(client, f"/tickets/{lid}/{rid}")
    bad = client.post(f"/tickets/{lid}/{rid}/actions/approve_extension", data={"days": "99", "csrf_token": token})
    assert bad.status_code == 422 and "60" in bad.get_data(as_text=True)
    resp = client.post(f"/tickets/{lid}/{rid}/actions/approve_extension", data={"days": "5", "csrf_token": token})
    assert resp.status_code == 302
    rec = _ledger_record(cfg, "峄城某机械")
    assert (rec["延期批准"], rec["延期天数"]) == ("同意", 5)
    actors = {(e.column, e.actor) for e in store.events(ledger_id=lid, row_id=rid)}
    assert {("延期批准", "web:coord"), ("延期天数", "web:coord")} <= actors
    run_cycle(cfg, now=NOW, store=store)
    after = _ledger_record(cfg, "峄城某机械")["应办结时限"]
    assert after > before
    # The cycle saw the cells the action wrote as already recorded: no second event for them.
    assert [e.column for e in store.events(ledger_id=lid, row_id=rid)].count("延期批准") == 1


def test_other_actions_write_only_their_coordinator_cells(district, client):
    _, cfg, store = district
    login(client)
    lid, rid = ticket_of(store, "<img")
    page = f"/tickets/{lid}/{rid}"
    token = csrf(client, page)
    resp = client.post(page + "/actions/redispatch", data={"unit": "区市场监管局", "co_units": "区住建局",
                                                          "csrf_token": token})
    assert resp.status_code == 302
    resp = client.post(page + "/actions/referral", data={"text": "=1+1 移送区纪委监委", "csrf_token": token})
    assert resp.status_code == 302
    resp = client.post(page + "/actions/close", data={"csrf_token": token})
    assert resp.status_code == 422 and "已审核" in resp.get_data(as_text=True)
    assert client.post(page + "/actions/close", data={"confirm": "yes", "csrf_token": token}).status_code == 302
    rec = _ledger_record(cfg, "<img")
    assert (rec["承办单位"], rec["配合单位"], rec["是否办结归档"]) == ("区市场监管局", "区住建局", "是")
    assert rec["移送纪检监察情况"] == "=1+1 移送区纪委监委"      # kept as text, not a formula
    import openpyxl
    ws = openpyxl.load_workbook(cfg.ledger.path)["台账"]
    cells = [c for row in ws.iter_rows() for c in row if c.value == "=1+1 移送区纪委监委"]
    assert cells and all(c.data_type == "s" for c in cells)
    assert rec["主要诉求"].startswith("咨询稳岗补贴")              # human cells untouched
    resp = client.post(page + "/actions/interview", data={"reason": "多次超期未反馈", "csrf_token": token})
    assert resp.status_code == 302
    [decision] = store.decisions(kind="interview_notice", open_only=True)
    assert (decision.row_id, decision.actor, decision.detail["reason"]) == (rid, "coord", "多次超期未反馈")
    assert "多次超期未反馈" in client.get(page).get_data(as_text=True)


def test_connector_refuses_a_coordinator_write_outside_coordinator_columns(district):
    from connector.base import CellWrite, RowRef, ServiceOnlyError
    _, cfg, store = district
    lid, rid = ticket_of(store, "峄城某机械")
    ledger = open_ledger("xlsx", path=cfg.ledger.path)
    with pytest.raises(ServiceOnlyError):
        ledger.write([CellWrite(RowRef("台账", rid, 0, ""), {"联系电话": "13900000000"})], owner="coordinator")
    with pytest.raises(ServiceOnlyError):   # and the service alone still cannot write coordinator columns
        ledger.write([CellWrite(RowRef("台账", rid, 0, ""), {"延期批准": "同意"})])
    assert _ledger_record(cfg, "峄城某机械")["联系电话"] == "13905329999"


def test_html_and_formula_text_comes_back_escaped_everywhere(district, client):
    _, _, store = district
    login(client)
    lid, rid = ticket_of(store, "<img")
    for path in ("/", f"/tickets/{lid}/{rid}"):
        html = client.get(path).get_data(as_text=True)
        assert "<img src=x" not in html and "&lt;img src=x onerror=" in html, path
    detail = client.get(f"/api/tickets/{lid}/{rid}").get_json()
    assert detail["cells"]["诉求企业"] == EVIL     # JSON carries the text as data
    resp = client.get("/")
    assert "script-src 'self'" in resp.headers["Content-Security-Policy"]
    assert resp.headers["X-Frame-Options"] == "DENY"


def test_healthz_reports_the_last_cycle(district, client):
    body = client.get("/healthz").get_json()
    assert body["status"] == "ok" and body["last_cycle"].startswith("2026-11-05T02:00")


def test_mailbox_and_notice_pdfs_are_shown_escaped_and_only_to_those_who_may_see_them(district, client):
    import mail
    _, cfg, store = district
    number = next(v.number for v in store.ticket_states().values() if v.number.endswith("0002号"))
    store.outbox_enqueue("reminder:0002", {
        "to": ["zj@example.gov.cn"], "cc": [], "subject": f"提醒敦促函 {number} <b>请阅</b>",
        "text": "请于 <script>alert(1)</script> 5日内反馈", "html": "",
        "attachments": [{"filename": "提醒敦促函.pdf", "content_type": "application/pdf", "data": b"%PDF-1.7 x"}]},
        now=NOW)
    report = mail.deliver(store, mail.MailboxTransport(cfg.mail.mailbox), NOW, sender="jiesu@example.gov.cn")
    assert len(report.sent) == 1
    login(client)
    listing = client.get("/mailbox").get_data(as_text=True)
    assert "&lt;b&gt;请阅&lt;/b&gt;" in listing and "<b>请阅</b>" not in listing
    name = re.search(r'href="/mailbox/([^"]+)"', listing).group(1)
    message = client.get(f"/mailbox/{name}").get_data(as_text=True)
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in message and "提醒敦促函.pdf" in message
    lid, rid = ticket_of(store, "峄城某机械")
    page = client.get(f"/tickets/{lid}/{rid}").get_data(as_text=True)
    link = re.search(r'href="(/outbox/\d+/attachments/0)"', page).group(1)
    assert client.get(link).data == b"%PDF-1.7 x"
    client.post("/logout", data={"csrf_token": csrf(client, "/")})
    login(client, "zj")
    assert client.get(link).data == b"%PDF-1.7 x"
    assert client.get("/mailbox").status_code == 403
    client.post("/logout", data={"csrf_token": csrf(client, "/")})
    login(client, "rs")
    assert client.get(link).status_code == 404


def test_an_unreachable_ledger_fails_the_action_and_records_nothing(district, client):
    _, cfg, store = district
    login(client)
    lid, rid = ticket_of(store, "峄城某机械")
    page = f"/tickets/{lid}/{rid}"
    token = csrf(client, page)
    cfg.ledger.path.rename(cfg.ledger.path.with_suffix(".moved"))
    resp = client.post(page + "/actions/refuse_extension", data={"csrf_token": token})
    assert resp.status_code == 503 and "台账暂时无法写入" in resp.get_data(as_text=True)
    assert not [e for e in store.events(ledger_id=lid, row_id=rid) if e.actor]


def test_any_cell_text_is_shown_escaped_on_the_dashboard_and_ticket_page(tmp_path):
    from markupsafe import escape
    from hypothesis import HealthCheck, example, given, settings, strategies as st
    app, _, store = build(tmp_path)
    client = app.test_client()
    login(client)
    lid, rid = ticket_of(store, "峄城某机械")
    cells = store.snapshots(lid)[rid]

    examples = itertools.count()

    @settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
    @given(st.text(alphabet="<>&\"'=+-@/ ab中\n", min_size=1, max_size=40).filter(lambda s: s.strip()))
    @example("=")
    @example("=<")
    @example("<b>x</b>")
    def check(text):
        # Each example's value is its own: the ticket page's history shows earlier examples' values too, and
        # an earlier "峄城某机械=" followed by the page's own markup must not pass for this one's "=<".
        name = f"峄城某机械{next(examples)}:" + text
        store.record_rows(lid, {rid: {**cells, "诉求企业": name, "办理情况": text}}, NOW)
        expected = str(escape(name))
        for path in ("/", f"/tickets/{lid}/{rid}"):
            page = client.get(path).get_data(as_text=True)
            assert expected in page, path
            if "<" in text:
                assert name not in page, path

    check()


def test_coordinators_see_that_a_ledger_with_a_chart_was_copied_aside(district, client):
    import datetime as dt

    import openpyxl
    from openpyxl.chart import BarChart, Reference
    app, cfg, store = district
    wb = openpyxl.load_workbook(cfg.ledger.path)
    ws = wb.create_sheet("统计")
    ws.append(["件数", 3])
    chart = BarChart()
    chart.add_data(Reference(ws, min_col=2, min_row=1, max_row=1))
    ws.add_chart(chart, "D2")
    ws.append(["备注", "镇街自己做的图"])
    wb.save(cfg.ledger.path)
    wb = openpyxl.load_workbook(cfg.ledger.path)   # a clerk's edit the cycle must write back about
    head = [c.value for c in wb["台账"][1]]
    wb["台账"].cell(2, head.index("联系电话") + 1).value = "12"
    wb.save(cfg.ledger.path)
    run_cycle(cfg, now=NOW + dt.timedelta(minutes=5), store=store)
    [flag] = store.flags(kind="kept_copy")
    login(client)
    page = client.get("/").get_data(as_text=True)
    copies = f"{cfg.ledger.path.stem}.备份"
    assert "工作簿内容已另存" in page and "图表" in page and copies in page and copies in flag.message
    unit = app.test_client()
    login(unit, "zj")
    assert "工作簿内容已另存" not in unit.get("/").get_data(as_text=True)   # district flags: coordinators only
    # Dealt with: the coordinator marks it done (a unit may not; nobody without the form's token).
    assert unit.post("/flags/resolve", data={"key": flag.key, "csrf_token": csrf(unit, "/")}).status_code == 403
    assert client.post("/flags/resolve", data={"key": flag.key}).status_code == 400
    assert store.flags(kind="kept_copy")
    done = client.post("/flags/resolve", data={"key": flag.key, "csrf_token": csrf(client, "/")},
                       follow_redirects=True).get_data(as_text=True)
    assert "已标记为已处理" in done and "工作簿内容已另存" not in done and not store.flags(kind="kept_copy")
