"""Real headless Chromium (Debian's /usr/bin/chromium, driven by Playwright) against the app served by
waitress: a coordinator filters, opens a ticket and approves an extension that reaches the ledger file;
an enterprise submits the intake form with a mistake, fixes it, and looks up its progress after the cycle.
Set JIESU_SCREENSHOTS=DIR to save the dashboard and ticket screenshots (docs/screenshots/ holds them)."""
import os
import re
from pathlib import Path

import pytest
from connector import open_ledger
from jobs.cycle import run_cycle

from web_setup import NOW, PASSWORD, Served, build

CHROMIUM = "/usr/bin/chromium"
pytestmark = [pytest.mark.browser,
              pytest.mark.skipif(not Path(CHROMIUM).exists(), reason="Debian chromium is not installed")]
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", "--no-first-run"]


@pytest.fixture(scope="module")
def browser():
    sync_api = pytest.importorskip("playwright.sync_api")
    with sync_api.sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=ARGS, headless=True)
        yield b
        b.close()


@pytest.fixture
def site(tmp_path):
    app, cfg, store = build(tmp_path)
    served = Served(app)
    yield served.url, cfg, store
    served.stop()


def _ledger_row(cfg, enterprise):
    grid = open_ledger("xlsx", path=cfg.ledger.path).read(["台账"])["台账"]
    return next((grid.record(r) for r in grid.rows if grid.record(r)["诉求企业"] == enterprise), None)


def _shot(page, name):
    folder = os.environ.get("JIESU_SCREENSHOTS")
    if folder:
        Path(folder).mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(Path(folder) / name), full_page=True)


def test_coordinator_filters_opens_a_ticket_and_approves_an_extension(browser, site):
    url, cfg, store = site
    page = browser.new_page(viewport={"width": 1280, "height": 900}, locale="zh-CN")
    page.goto(url + "/")
    assert "/login" in page.url
    page.fill("#name", "coord")
    page.fill("#password", PASSWORD)
    page.click("button[type=submit] >> text=登录")
    page.wait_for_selector("#tickets")
    assert page.locator("#tickets tbody tr").count() == 3
    _shot(page, "dashboard.png")
    page.select_option("#filter-category", "投诉")
    page.click("button >> text=筛选")
    page.wait_for_url(re.compile(r"category="))
    rows = page.locator("#tickets tbody tr")
    assert rows.count() == 1 and "峄城某机械有限公司" in rows.inner_text()
    rows.locator("a").click()
    page.wait_for_selector("#dues")
    before = _ledger_row(cfg, "峄城某机械有限公司")["应办结时限"]
    assert before.replace(" ", "T")[:16] in page.inner_text("#dues").replace(" ", "T")
    page.fill("#days", "5")
    page.click("#approve-extension")
    page.wait_for_selector(".flash")
    assert "已写入台账" in page.inner_text(".flash")
    assert "web:coord" in page.inner_text("#events")
    row = _ledger_row(cfg, "峄城某机械有限公司")
    assert (row["延期批准"], row["延期天数"]) == ("同意", 5)
    run_cycle(cfg, now=NOW, store=store)
    after = _ledger_row(cfg, "峄城某机械有限公司")["应办结时限"]
    assert after > before
    page.reload()
    assert after[:16] in page.inner_text("#dues").replace("T", " ")
    _shot(page, "ticket.png")


def test_enterprise_fixes_a_mistake_submits_and_tracks_progress(browser, site):
    url, cfg, store = site
    page = browser.new_page(locale="zh-CN")
    page.goto(url + "/intake")
    page.fill("#enterprise", "峄城某新材料有限公司")
    page.fill("#contact", "周七")
    page.fill("#phone", "1390532")                       # too short
    page.select_option("#category", "求助")
    page.fill("#matter", "申请协调企业用地手续")
    page.click("button >> text=提交诉求")
    page.wait_for_selector("#error-phone")
    assert "位" in page.inner_text("#error-phone")
    assert page.input_value("#enterprise") == "峄城某新材料有限公司"   # nothing typed is lost
    page.fill("#phone", "13905324321")
    page.click("button >> text=提交诉求")
    page.wait_for_selector("#receipt-code")
    code = page.inner_text("#receipt-code")
    assert re.fullmatch(r"WS\w{10}", code)
    run_cycle(cfg, now=NOW, store=store)
    run_cycle(cfg, now=NOW, store=store)
    row = _ledger_row(cfg, "峄城某新材料有限公司")
    assert row is not None and row["诉求编号"]
    page.goto(url + "/track")
    page.fill("#key", code)
    page.fill("#last4", "4321")
    page.click("button >> text=查询")
    page.wait_for_selector("#progress")
    text = page.inner_text("#progress")
    assert row["诉求编号"] in text and "周七" not in text and "新材料" not in text
    page.fill("#key", row["诉求编号"])
    page.fill("#last4", "0000")
    page.click("button >> text=查询")
    assert "未找到" in page.inner_text("#track-error")
