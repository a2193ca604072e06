"""The bulletin from a real store: frames, xlsx and PDF files whose numbers are domain.metrics', the CLI, the
monthly job and the metrics page. October 2026 figures are worked out by hand in `expected` below."""
from datetime import datetime, timezone
from zoneinfo import ZoneInfo

import openpyxl
import pandas as pd
import pytest
from pypdf import PdfReader

import config as config_module
from domain.calendar import WorkCalendar
from domain.metrics import Period, compute_metrics, display_table
from profiles import load
from reports import bulletin, service
from reports.frames import frames_from_store, ticket_row, tickets_frame
from store import Store, TicketStateRecord

SH = ZoneInfo("Asia/Shanghai")
A, B = "区城管局", "区供电公司"


def utc(text):
    return datetime.fromisoformat(text).replace(tzinfo=SH).astimezone(timezone.utc)


# (row id, state, cells): the cycle's ticket state and the row's last seen ledger cells.
ROWS = [
    # on time, contacted in time, 属实 and solved, satisfied
    ("r1", dict(number="〔2026〕第0001号", township="坛山街道", unit=A, category="投诉", received="2026-10-09T09:00:00",
                dues={"contact": "2026-10-10T17:30:00", "resolve": "2026-10-20T17:30:00"},
                resolve_due_original="2026-10-20T17:30:00", round=1),
     {"首次联系时间": "2026-10-09 15:00", "办结时间": "2026-10-19 10:00", "核查结论": "属实", "是否解决": "是",
      "满意度": "满意", "回访时间": "2026-10-21 09:00", "主要诉求": "厂区门前路灯损坏,夜间出行不便"}),
    # extension approved before the original due: judged by the extended due, on time; rated 不满意
    ("r2", dict(number="〔2026〕第0002号", township="坛山街道", unit=A, category="求助", received="2026-10-12T10:00:00",
                dues={"resolve": "2026-10-29T17:30:00"}, resolve_due_original="2026-10-22T17:30:00",
                extension_approved_at="2026-10-21T11:00:00", round=1),
     {"办结时间": "2026-10-28 16:00", "核查结论": "不属实", "满意度": "不满意", "回访时间": "2026-10-30 10:00",
      "主要诉求": "公司门口路灯坏了好几天,请维修路灯"}),
    # extension approved after the original due: judged by the original due, late; never rated
    ("r3", dict(number="〔2026〕第0003号", township="西城街道", unit=B, category="投诉", received="2026-10-13T08:30:00",
                dues={"resolve": "2026-10-30T17:30:00"}, resolve_due_original="2026-10-23T17:30:00",
                extension_approved_at="2026-10-24T09:00:00", round=1),
     {"办结时间": "2026-10-28 09:00", "核查结论": "属实", "主要诉求": "园区频繁停电,生产设备受损"}),
    # received in October, due and closed in November: received in October only
    ("r4", dict(number="〔2026〕第0004号", township="西城街道", unit=B, category="咨询", received="2026-10-26T14:00:00",
                dues={"resolve": "2026-11-05T17:30:00"}, resolve_due_original="2026-11-05T17:30:00", round=1),
     {"办结时间": "2026-11-03 10:00", "主要诉求": "咨询社保费减免政策"}),
    # September ticket sent back for a second round in October: reopened in October
    ("r5", dict(number="〔2026〕第0005号", township="坛山街道", unit=A, category="投诉", received="2026-09-20T09:00:00",
                dues={"resolve": "2026-10-17T17:30:00"}, resolve_due_original="2026-09-30T17:30:00",
                reopened_at="2026-10-10T09:00:00", round=2),
     {"办结时间": "2026-09-28 10:00", "满意度": "不满意", "回访时间": "2026-10-10 09:00"}),
    # not a ticket yet: validation errors, no number
    ("r6", dict(township="坛山街道", received="2026-10-15T09:00:00", errors=True), {"主要诉求": "未编号"}),
]

# October 2026 by hand. A: T1 and T2 received and closed, both on time (T2 by its extension), T1 contacted
# in time, satisfaction 1 of 3 (T1 满意; T2 不满意; T5's 不满意 visit on 10-10 that reopened it), T1 and
# T2 rated (coverage 2/2 of the closed), T5 reopened, one yellow light.
# B: T3 and T4 received; only T3 closed (T4 closes in November); T3 late (extension approved too late);
# T3 unrated; one red light, one 督办单, one referral.
EXPECTED = {
    A: dict(received=2, closed=2, on_time=(2, 2), contact=(1, 1), resolution=(1, 1), satisfaction=(1, 3),
            coverage=(2, 2), reopened=1, yellow=1, red=0, notices=0, referrals=0),
    B: dict(received=2, closed=1, on_time=(0, 1), contact=(0, 0), resolution=(0, 0), satisfaction=(0, 0),
            coverage=(0, 1), reopened=0, yellow=0, red=1, notices=1, referrals=1),
}


@pytest.fixture
def cfg(tmp_path):
    toml = tmp_path / "jiesu.toml"
    toml.write_text('profile = "gangnan"\n[report]\nrecipients = ["coord@example.gov.cn"]\n', encoding="utf-8")
    return config_module.load(toml, env={})


@pytest.fixture
def store(cfg):
    s = Store.from_config(cfg)
    now = utc("2026-11-05T12:00:00")
    s.save_ticket_states([TicketStateRecord("坛山街道", rid, st.get("number"), st.get("unit"), "正常", st)
                          for rid, st, _ in ROWS], now)
    s.record_rows("坛山街道", {rid: cells for rid, _, cells in ROWS}, now)
    s.record_light("〔2026〕第0002号", A, "yellow", "resolve", utc("2026-10-21T09:00:00"))
    s.record_light("〔2026〕第0003号", B, "red", "resolve", utc("2026-10-24T00:01:00"))
    s.record_light("〔2026〕第0004号", B, "yellow", "resolve", utc("2026-11-04T09:00:00"))  # November
    s.issue_notice("n1", "supervision_form", "督〔{year}〕{seq}号", utc("2026-10-25T10:00:00"),
                   ticket="〔2026〕第0003号", unit=B)
    s.raise_flag("ref|3", "referral", "移送纪检监察", utc("2026-10-27T10:00:00"), ticket="〔2026〕第0003号")
    s.raise_flag("other", "unit_mismatch", "不是移送", utc("2026-10-27T10:00:00"), ticket="〔2026〕第0001号")
    yield s
    s.close()


def test_ticket_row_maps_state_and_cells():
    state = dict(number="N1", township="T", unit="U", received="2026-10-09T09:00:00", round=2,
                 dues={"resolve": "2026-11-20T17:30:00", "contact": "2026-11-01T17:30:00"},
                 resolve_due_original="2026-10-20T17:30:00", closed_at="2026-10-19T11:00:00")
    row = ticket_row(state, {"核查结论": "属实", "解决情况": "未解决", "是否办结归档": "是", "回访时间": "不是时间"})
    # Round 2's dues are not round 1's: the original due stands in, contact due is unknown.
    assert row["resolve_due"] == row["resolve_due_original"] == "2026-10-20T17:30:00"
    assert row["contact_due"] is None
    assert row["resolved_at"] == "2026-10-19T11:00:00"  # 办结时间 blank: the time the cycle saw it closed
    assert row["solved"] is False and row["archived"] is True
    frame = tickets_frame([row, ticket_row({"township": "T", "received": "2026-10-01"}, {})])
    assert list(frame["number"]) == ["N1"]          # a row without a number is not a ticket
    assert pd.isna(frame.loc[0, "visited_at"])      # an unreadable cell is left empty, nothing crashes


def test_frames_from_store_give_the_hand_worked_october(store):
    frames = frames_from_store(store)
    assert sorted(frames.tickets["number"]) == [f"〔2026〕第000{i}号" for i in range(1, 6)]
    assert list(frames.referrals["unit"]) == [B]   # only referral flags, unit from the ticket
    t = compute_metrics(frames.tickets, Period.parse("2026-10"), calendar=WorkCalendar.official(),
                        satisfied_levels=("满意",), lights=frames.lights, notices=frames.notices,
                        referrals=frames.referrals)
    for unit, e in EXPECTED.items():
        r = t.loc[unit]
        assert (r.received, r.closed, r.reopened) == (e["received"], e["closed"], e["reopened"])
        assert (r.on_time_rate_num, r.on_time_rate_den) == e["on_time"]
        assert (r.first_contact_rate_num, r.first_contact_rate_den) == e["contact"]
        assert (r.resolution_rate_num, r.resolution_rate_den) == e["resolution"]
        assert (r.satisfaction_rate_num, r.satisfaction_rate_den) == e["satisfaction"]
        assert (r.visit_coverage_rate_num, r.visit_coverage_rate_den) == e["coverage"]
        assert (r.yellow_lights, r.red_lights, r.notices, r.referrals) == (e["yellow"], e["red"], e["notices"],
                                                                          e["referrals"])


def _sheet(wb, name):
    """A bulletin sheet as (headers, rows): the title and period lines come first, headers on row 3."""
    rows = list(wb[name].iter_rows(values_only=True))
    assert rows[0][0].startswith("港南区企业诉求") and "2026年10月" in rows[1][0]
    return list(rows[2]), [list(r) for r in rows[3:]]


def test_bulletin_files_open_and_hold_domain_metrics(store, cfg, tmp_path):
    xlsx, pdf = service.produce_for(cfg, Period.parse("2026-10"), tmp_path / "out", store=store)
    assert (xlsx.name, pdf.name) == ("通报_2026-10.xlsx", "通报_2026-10.pdf")
    frames = frames_from_store(store)
    kwargs = dict(calendar=WorkCalendar.official(), satisfied_levels=("满意",), lights=frames.lights,
                  notices=frames.notices, referrals=frames.referrals)
    period = Period.parse("2026-10")

    wb = openpyxl.load_workbook(xlsx)
    assert wb.sheetnames[:4] == ["全区概况", "承办单位指标", "镇街指标", "单位排名"]
    headers, rows = _sheet(wb, "承办单位指标")
    want = display_table(compute_metrics(frames.tickets, period, by="unit", **kwargs)).reset_index()
    assert headers == list(want.columns)
    assert rows == [[v.item() if hasattr(v, "item") else v for v in r] for r in want.itertuples(index=False)]
    assert rows[0][headers.index("按时办结率")] == "0.0% (0/1)" and rows[1][headers.index("满意率")] == "33.3% (1/3)"
    _, district = _sheet(wb, "全区概况")
    assert ["按时办结率", "66.7% (2/3)"] in district and ["受理诉求数(收到)", 4] in district
    _, notices = _sheet(wb, "督办文书")
    assert notices == [["督〔2026〕1号", "督办单", B, "〔2026〕第0003号", "2026-10-25 10:00"]]
    _, lit = _sheet(wb, "亮灯单位")
    assert lit == [[B, 0, 1], [A, 1, 0]]                      # reds first; November's light not counted
    ws = wb["承办单位指标"]
    assert ws.page_setup.orientation == "landscape" and ws.print_title_rows == "$3:$3"

    text = "".join(p.extract_text() for p in PdfReader(pdf).pages)
    assert "港南区企业诉求“接诉即办”工作通报(2026年10月)" in text
    for needle in ("66.7% (2/3)", "督〔2026〕1号", B, A, "单位排名"):
        assert needle in text, needle


def test_report_command(store, cfg, tmp_path):
    from click.testing import CliRunner
    from cli import main
    out = tmp_path / "q"
    result = CliRunner().invoke(main, ["--config", str(cfg.source), "report", "--quarter", "2026Q4",
                                       "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert (out / "通报_2026Q4.xlsx").exists() and (out / "通报_2026Q4.pdf").exists()
    wb = openpyxl.load_workbook(out / "通报_2026Q4.xlsx")
    trend = [list(r) for r in wb["月度趋势"].iter_rows(min_row=4, values_only=True)]
    assert trend[-3:] == [["2026年10月", 4, 3], ["2026年11月", 0, 1], ["2026年12月", 0, 0]]

    bad = CliRunner().invoke(main, ["--config", str(cfg.source), "report", "--month", "2026-13"])
    assert bad.exit_code == 2 and "无法识别的统计期间" in bad.output and "unknown period" in bad.output
    two = CliRunner().invoke(main, ["--config", str(cfg.source), "report", "--month", "2026-10", "--year", "2026"])
    assert two.exit_code == 2 and "只指定一个统计期间" in two.output


def test_monthly_bulletin_only_on_the_first_working_day_and_once(store, cfg):
    from jobs.tasks import monthly_bulletin
    # 2026-11-02 (Monday) is November's first working day; 11-01 is a Sunday.
    assert monthly_bulletin(str(cfg.source), now=utc("2026-11-01T09:30:00")) is None
    assert monthly_bulletin(str(cfg.source), now=utc("2026-11-03T09:30:00")) is None
    done = monthly_bulletin(str(cfg.source), now=utc("2026-11-02T09:30:00"))
    assert done["key"] == "bulletin|2026-10" and done["queued"] is True
    again = monthly_bulletin(str(cfg.source), now=utc("2026-11-02T10:30:00"))
    assert again["queued"] is False
    [item] = store.outbox_list(with_data=True)
    assert item.to == ["coord@example.gov.cn"] and "2026年10月" in item.subject
    assert sorted(a["filename"] for a in item.attachments) == ["通报_2026-10.pdf", "通报_2026-10.xlsx"]
    assert "受理诉求 4 件" in item.text
    # January's first working day is Sunday 4 January (调休), found through the calendar
    assert service.due_bulletin(datetime(2026, 1, 4).date(), WorkCalendar.official()) == Period.parse("2025-12")
    assert service.due_bulletin(datetime(2026, 1, 2).date(), WorkCalendar.official()) is None


def test_metrics_page_shows_the_period(store, cfg):
    from app import create_app
    app = create_app({"TESTING": True, "JIESU": cfg, "STORE": store, "SECRET_KEY": "test-secret",
                      "SESSION_COOKIE_SECURE": False, "CLOCK": lambda: utc("2026-11-20T10:00:00")})
    client = app.test_client()
    page = client.get("/metrics/?period=2026-10")
    assert page.status_code == 302 and "/login" in page.headers["Location"]   # behind the login wall
    from werkzeug.security import generate_password_hash
    from web_setup import login
    store.user_save("coord", generate_password_hash("pw-reports-42", method="pbkdf2:sha256:2000"),
                    "coordinator", utc("2026-11-20T10:00:00"))
    login(client, "coord", "pw-reports-42")
    page = client.get("/metrics/?period=2026-10")
    html = page.get_data(as_text=True)
    assert 'href="/metrics/"' in html                                        # reachable from the header
    assert page.status_code == 200
    assert "66.7% (2/3)" in html and B in html and "督〔2026〕1号" in html
    png = client.get("/metrics/chart/rates.png?period=2026-10")
    assert png.status_code == 200 and png.data[:8] == b"\x89PNG\r\n\x1a\n"
    assert client.get("/metrics/?period=2026-13").status_code == 400
    assert client.get("/metrics/chart/nope.png").status_code == 404
    # default period: this month so far (as of the clock)
    assert "2026年11月" in client.get("/metrics/").get_data(as_text=True)


def test_report_config_is_checked(tmp_path):
    toml = tmp_path / "bad.toml"
    toml.write_text('[report]\nrecipients = "coord@example.gov.cn"\n', encoding="utf-8")
    with pytest.raises(config_module.ConfigError) as err:
        config_module.load(toml, env={})
    assert err.value.key == "report.recipients" and "邮箱地址列表" in err.value.zh
    toml.write_text('[report]\nrecipient = ["a@b.cn"]\n', encoding="utf-8")
    with pytest.raises(config_module.ConfigError, match="recipients"):
        config_module.load(toml, env={})


def test_lights_listed_by_local_time_at_the_month_edge():
    from reports.frames import Frames
    tickets = tickets_frame(ticket_row(st, cells) for _, st, cells in ROWS)

    def lights_at(at):
        lights = pd.DataFrame({"ticket": ["〔2026〕第0001号"], "unit": [A], "light": ["red"],
                               "milestone": ["resolve"], "at": [at]})
        return bulletin.build(Frames(tickets, lights), Period.parse("2026-10"), profile=load("gangnan"),
                              calendar=WorkCalendar.official(), themes=False)
    # naive = local wall-clock time: 23:30 on 31 October is October's
    b = lights_at(pd.Timestamp("2026-10-31 23:30"))
    assert b.lights.values.tolist() == [["〔2026〕第0001号", A, "红灯", "办结", "2026-10-31 23:30"]]
    assert b.metrics["unit"].loc[A, "red_lights"] == 1
    # aware = the store's UTC: 16:30Z on 31 October is 00:30 on 1 November in Beijing, November's
    b = lights_at(pd.Timestamp("2026-10-31 16:30", tz="UTC"))
    assert b.lights.empty and b.metrics["unit"].loc[A, "red_lights"] == 0


from hypothesis import given, settings, strategies as st  # noqa: E402

_cell = st.one_of(st.none(), st.just(""), st.text(max_size=12), st.sampled_from(
    ["2026-10-09T09:00:00", "2026-10-09 09:00", "2026-10-09", "不是时间", "是", "否", "满意", "属实"]))


@settings(max_examples=150, deadline=None)
@given(st.lists(st.tuples(st.one_of(st.none(), st.sampled_from(["N1", "N2", "N3"])), _cell,
                          st.dictionaries(st.sampled_from(["办结时间", "回访时间", "满意度", "核查结论", "是否解决",
                                                           "首次联系时间", "是否办结归档"]), _cell)), max_size=8))
def test_tickets_frame_takes_any_cells(rows):
    """Whatever clerks type, the frame is built: one row per number that has a readable 受理时间."""
    frame = tickets_frame(ticket_row({"number": n, "received": r, "township": "T", "unit": "U"}, cells or {})
                          for n, r, cells in rows)
    readable = {n for n, r, _ in rows if n and r and not pd.isna(pd.to_datetime(r, errors="coerce", format="mixed"))}
    assert set(frame["number"]) == readable and frame["number"].is_unique
    for c in ("received", "resolved_at", "visited_at", "first_contact_at"):
        assert str(frame[c].dtype).startswith("datetime64")
