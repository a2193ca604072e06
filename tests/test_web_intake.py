"""Online intake and progress lookup: the sheet's rules beside each field, stored at once, appended by the
next real cycle, found again by number or receipt code plus the phone's last four digits, and nothing else."""
import re

import pytest
from connector import open_ledger
from jobs.cycle import run_cycle

from web_setup import NOW, build, csrf


@pytest.fixture
def district(tmp_path):
    return build(tmp_path)


@pytest.fixture
def client(district):
    return district[0].test_client()


GOOD = {"enterprise": "峄城某纺织有限公司", "credit_code": "", "address": "峄城区经济开发区", "contact": "孙六",
        "phone": "13905321111", "category": "求助", "matter": "申请协调用电增容"}


def _submit(client, **changes):
    return client.post("/intake", data={**GOOD, **changes, "csrf_token": csrf(client, "/intake")})


def test_mistakes_are_shown_beside_their_fields_and_nothing_is_stored(district, client):
    _, _, store = district
    resp = _submit(client, phone="1390532111", category="投拆", enterprise="")
    html = resp.get_data(as_text=True)
    assert resp.status_code == 422
    assert re.search(r'id="error-phone"[^>]*>[^<]*10 位', html)
    assert re.search(r'id="error-category"[^>]*>[^<]*投诉', html)          # the "did you mean" hint
    assert re.search(r'id="error-enterprise"[^>]*>[^<]*必填', html)
    assert 'value="峄城区经济开发区"' in html                                # what was typed is kept
    assert store.intake_pending() == []


def test_a_submission_is_stored_at_once_and_reaches_the_ledger_after_a_cycle(district, client):
    _, cfg, store = district
    resp = _submit(client)
    assert resp.status_code == 303
    code = re.search(r"/intake/receipt/(WS\w+)", resp.headers["Location"]).group(1)
    [pending] = store.intake_pending()
    assert pending.fields["诉求企业"] == "峄城某纺织有限公司" and code in pending.fields["备注"]
    assert "工作人员将在几分钟内登记" in client.get(resp.headers["Location"]).get_data(as_text=True)
    # Before the cycle the enterprise can already find it by its receipt code.
    found = client.post("/track", data={"key": code, "last4": "1111", "csrf_token": csrf(client, "/track")})
    assert found.status_code == 200 and "已提交，等待登记编号" in found.get_data(as_text=True)

    run_cycle(cfg, now=NOW, store=store)   # the cycle validates, numbers and appends the row at once
    assert store.intake_pending() == []
    grid = open_ledger("xlsx", path=cfg.ledger.path).read(["台账"])["台账"]
    row = next(grid.record(r) for r in grid.rows if grid.record(r)["诉求企业"] == "峄城某纺织有限公司")
    assert row["渠道"] == "政府网站" and row["诉求编号"].startswith("〔2026〕")
    receipt = client.get(f"/intake/receipt/{code}").get_data(as_text=True)
    assert row["诉求编号"] in receipt
    page = client.post("/track", data={"key": row["诉求编号"], "last4": "1111", "csrf_token": csrf(client, "/track")})
    assert page.status_code == 200 and "已登记编号，等待派单办理" in page.get_data(as_text=True)
    run_cycle(cfg, now=NOW, store=store)   # the next cycle decides the row like any other
    page = client.post("/track", data={"key": row["诉求编号"], "last4": "1111", "csrf_token": csrf(client, "/track")})
    html = page.get_data(as_text=True)
    assert page.status_code == 200 and re.search(r'id="stage">(待派单|待签收)<', html)
    for personal in ("峄城某纺织", "孙六", "13905321111", "用电增容", "经济开发区"):
        assert personal not in html


def test_track_answers_the_same_for_no_such_number_and_wrong_phone_and_is_rate_limited(district, client):
    _, _, store = district
    number = next(v.number for v in store.ticket_states().values() if v.number.endswith("0002号"))
    token = csrf(client, "/track")
    wrong_phone = client.post("/track", data={"key": number, "last4": "0000", "csrf_token": token})
    no_number = client.post("/track", data={"key": "〔2026〕第9999号", "last4": "9999", "csrf_token": token})
    assert wrong_phone.status_code == no_number.status_code == 404
    strip = lambda r: r.get_data(as_text=True).replace(number, "").replace("〔2026〕第9999号", "")
    assert strip(wrong_phone) == strip(no_number)
    right = client.post("/track", data={"key": number, "last4": "9999", "csrf_token": token})
    html = right.get_data(as_text=True)
    assert right.status_code == 200 and "受理次日起第7个工作日" in html and "张三" not in html
    for _ in range(8):
        client.post("/track", data={"key": number, "last4": "1234", "csrf_token": token})
    limited = client.post("/track", data={"key": number, "last4": "9999", "csrf_token": token})
    assert limited.status_code == 429 and "10 分钟" in limited.get_data(as_text=True)


def test_a_closed_ticket_shows_its_result(district, client):
    _, _, store = district
    number = next(v.number for v in store.ticket_states().values() if v.number.endswith("0001号"))
    html = client.post("/track", data={"key": number, "last4": "1401", "csrf_token": csrf(client, "/track")}
                       ).get_data(as_text=True)
    assert "已办结许可证 &lt;i&gt;=SUM(A1)&lt;/i&gt;" in html and "2026-10-22 16:00" in html and "王五" not in html


def test_html_and_formulas_typed_into_the_form_stay_text(district, client):
    _, cfg, store = district
    evil = '=HYPERLINK("http://evil.example")<script>alert(1)</script>'
    assert _submit(client, matter=evil, enterprise="<b>某公司</b>").status_code == 303
    run_cycle(cfg, now=NOW, store=store)
    import openpyxl
    ws = openpyxl.load_workbook(cfg.ledger.path)["台账"]
    cells = [c for row in ws.iter_rows() for c in row if c.value == evil]
    assert cells and cells[0].data_type == "s"
    resp = _submit(client, phone="<script>x</script>")
    assert "<script>x</script>" not in resp.get_data(as_text=True)


def test_attachments_are_kept_under_our_own_names(district, client):
    import io
    _, cfg, store = district
    resp = client.post("/intake", data={**GOOD, "csrf_token": csrf(client, "/intake"),
                                        "attachments": [(io.BytesIO(b"%PDF-1.4 x"), "../../证明.pdf")]},
                       content_type="multipart/form-data")
    assert resp.status_code == 303
    code = resp.headers["Location"].rsplit("/", 1)[-1]
    assert (cfg.var_dir / "intake" / code / "1.pdf").read_bytes() == b"%PDF-1.4 x"
    bad = client.post("/intake", data={**GOOD, "csrf_token": csrf(client, "/intake"),
                                       "attachments": [(io.BytesIO(b"MZ"), "run.exe")]},
                      content_type="multipart/form-data")
    assert bad.status_code == 422 and "类型不支持" in bad.get_data(as_text=True)


def test_intake_is_limited_per_address(district, client):
    district[0].config["INTAKE_LIMIT"] = (2, 600)
    assert _submit(client).status_code == 303
    assert _submit(client).status_code == 303
    resp = _submit(client)
    assert resp.status_code == 429 and "提交过于频繁" in resp.get_data(as_text=True)
    assert len(district[2].intake_pending()) == 2


def test_memory_limiter_slides_its_window():
    from web.security import MemoryLimiter
    lim = MemoryLimiter()
    assert [lim.hit("a", 2, 10, now=t) for t in (0, 1, 2, 10.5, 11.5)] == [True, True, False, True, True]
    assert lim.hit("b", 2, 10, now=2)
