"""yicheng through time on a real store and a real SMTP server: due soon, yellow, red, 约谈 and 问责 flags."""
from datetime import datetime

import pytest

import profiles
from domain.workflow import Ticket
from jobs.scan import Issuer, Unit, escalate
from mail import SmtpTransport, deliver
from scan_support import CAL, Row, body_text, letters, pdf_text, reminders, smtp, snapshot, states, utc  # noqa: F401
from store import Store

P = profiles.load("yicheng")
UNIT = "区住建局"
UNITS = {UNIT: Unit(UNIT, "李经办", "li@zj.example.cn", "王局长", "wang@zj.example.cn")}
ISSUER = Issuer("峄城区营商环境服务中心", reply_to="区级平台", basis="《峄城区涉企诉求接诉即办工作方案》")


@pytest.fixture
def store(db_url):
    with Store(db_url) as s:
        yield s


def scan(store, rows, at, server=None, **kw):
    result = escalate(store, P, CAL, states(P, rows, at), UNITS, utc(at), issuer=ISSUER, **kw)
    if server is not None:
        deliver(store, SmtpTransport("127.0.0.1", server.port, timeout=5), utc(at), sender="jiesu@yc.example.cn")
    return result


def row(n=1, **facts):
    t = Ticket(category="投诉", received=datetime(2026, 3, 2, 9, 0), unit=UNIT, signed_at=datetime(2026, 3, 2, 10))
    r = Row(f"r{n}", f"〔2026〕第{n:04d}号", t)
    r.update(**facts)
    return r


def test_due_soon_then_yellow_then_red_then_interview_and_referral(store, smtp):
    r = row()
    snapshot(store, [r], datetime(2026, 3, 2, 9, 5))
    key = ("台账", "r1")

    res = scan(store, [r], datetime(2026, 3, 3, 10, 0), smtp)          # contact due today
    assert res.cells[key]["督办状态"] == "即将到期" and not letters(smtp) and not store.lights()
    assert reminders(smtp) == ["【即将到期】诉求〔2026〕第0001号 启动核实、与反映人沟通联系时限 2026-03-03 23:59",
                               "【即将到期】诉求〔2026〕第0001号 答复企业(拿出解决方案)时限 2026-03-04 23:59"]
    scan(store, [r], datetime(2026, 3, 3, 11, 0), smtp)
    assert len(reminders(smtp)) == 2                                   # once per ticket, milestone and round

    res = scan(store, [r], datetime(2026, 3, 4, 9, 30), smtp)          # contact missed yesterday
    assert res.cells[key]["督办状态"] == "黄灯" and res.counts["yellow"] == 1 and res.counts["notices"] == 1
    assert "3月4日启动核实、与反映人沟通联系超期亮黄灯" in res.cells[key]["督办情况"] and "峄接诉督〔2026〕1号" in res.cells[key]["督办情况"]
    [(to, msg)] = letters(smtp)
    assert to == ["li@zj.example.cn"]
    assert msg["Subject"] == "【提醒敦促函】峄接诉督〔2026〕1号 关于编号〔2026〕第0001号企业诉求"
    text = pdf_text(msg)
    assert "〔2026〕第0001号" in text and "2026年3月5日" in text     # reply-by: 1 working day after the letter
    assert "13912345678" not in text + body_text(msg) and "张三丰" not in text + body_text(msg)
    kinds = [row["督办类型"] for row in res.supervision_rows]
    assert kinds == ["黄灯", "提醒敦促函"]

    res = scan(store, [r], datetime(2026, 3, 4, 14, 0), smtp)          # the same day again: nothing new
    assert res.supervision_rows == [] and len(letters(smtp)) == 1

    res = scan(store, [r], datetime(2026, 3, 6, 9, 30), smtp)          # no feedback by 5 Mar: red
    assert res.cells[key]["督办状态"] == "红灯"
    assert res.counts["red"] == 1 and res.counts["yellow"] == 1        # and the reply (due 4 Mar) is late too
    assert sorted(l.light for l in store.lights(unit=UNIT)) == ["red", "yellow", "yellow"]
    [interview] = store.flags(kind="interview_notice")               # two yellow lights within a month
    assert "王局长" in interview.message and "1个月内2次黄灯" in interview.message
    assert len(letters(smtp)) == 2 and "答复" in pdf_text(letters(smtp)[1][1])
    assert "约谈通知书" in [row["督办类型"] for row in res.supervision_rows]

    res = scan(store, [r], datetime(2026, 3, 10, 9, 30), smtp)         # reply letter (6 Mar) unanswered: red
    assert res.counts["red"] == 1
    [referral] = store.flags(kind="referral")                        # two red lights within a month
    assert UNIT in referral.message and "红灯" in referral.message

    r.update(first_contact_at=datetime(2026, 3, 10, 10), replied_at=datetime(2026, 3, 10, 11))
    res = scan(store, [r], datetime(2026, 3, 10, 14, 0), smtp)         # feedback: the light goes, history stays
    assert res.cells[key]["督办状态"] == "即将到期" and "亮红灯" in res.cells[key]["督办情况"]
    assert len(store.lights(ticket=r.number)) == 4 and len(letters(smtp)) == 2
    assert len(store.flags(kind="interview_notice")) == 1 and len(store.flags(kind="referral")) == 1


def test_feedback_after_the_letter_stops_the_red_light(store, smtp):
    r = row()
    scan(store, [r], datetime(2026, 3, 4, 9, 30), smtp)
    r.update(first_contact_at=datetime(2026, 3, 5, 16, 0), replied_at=datetime(2026, 3, 5, 16, 0))
    res = scan(store, [r], datetime(2026, 3, 6, 9, 30), smtp)
    assert res.counts["red"] == 0 and [l.light for l in store.lights()] == ["yellow"]
    assert res.cells[("台账", "r1")]["督办状态"] == "正常" and len(letters(smtp)) == 1


def test_a_letter_found_on_a_rest_day_waits_for_monday_morning(store, smtp):
    r = row(received=datetime(2026, 3, 4, 9, 0))                       # contact due Thu 5 Mar, reply Fri 6 Mar
    res = scan(store, [r], datetime(2026, 3, 7, 2, 0), smtp)           # Saturday 02:00
    assert res.counts["notices"] == 2 and letters(smtp) == []
    assert all(row["状态"] == "待2026-03-09 09:00发送" for row in res.supervision_rows if "函" in row["督办类型"])
    deliver(store, SmtpTransport("127.0.0.1", smtp.port), utc(datetime(2026, 3, 8, 20)), sender="a@b.cn")
    assert letters(smtp) == []
    deliver(store, SmtpTransport("127.0.0.1", smtp.port), utc(datetime(2026, 3, 9, 9, 0)), sender="a@b.cn")
    assert len(letters(smtp)) == 2


def test_smtp_down_during_the_scan_loses_nothing_and_sends_once(store, smtp):
    r1, r2 = row(1), row(2)
    smtp.stop()
    res = scan(store, [r1, r2], datetime(2026, 3, 4, 9, 30), smtp)
    assert res.counts["notices"] == 2 and {i.status for i in store.outbox_list()} == {"failed"}
    queued = len(store.outbox_list())                                 # 2 letters + 2 reply reminders
    scan(store, [r1, r2], datetime(2026, 3, 4, 9, 40), smtp)           # still down, scanned again
    smtp.start()
    scan(store, [r1, r2], datetime(2026, 3, 4, 11, 0), smtp)
    scan(store, [r1, r2], datetime(2026, 3, 4, 12, 0), smtp)
    numbers = sorted(m["Subject"].split("关于编号")[1] for _, m in letters(smtp))
    assert numbers == ["〔2026〕第0001号企业诉求", "〔2026〕第0002号企业诉求"]
    assert len(store.notices()) == 2 and len(smtp.messages) == queued == 4
    assert {i.status for i in store.outbox_list()} == {"sent"}


def test_a_unit_without_an_address_is_flagged_and_its_letter_follows_once_fixed(store, smtp):
    r = row()
    res = escalate(store, P, CAL, states(P, [r], datetime(2026, 3, 4, 9, 30)), {}, utc(datetime(2026, 3, 4, 9, 30)),
                   issuer=ISSUER)
    assert res.counts["yellow"] == 1 and res.counts["notices"] == 0 and store.notices() == []
    assert [f.kind for f in store.flags()] == ["unit_address"]
    res = scan(store, [r], datetime(2026, 3, 4, 10, 0), smtp)
    assert res.counts["notices"] == 1 and len(letters(smtp)) == 1


def test_a_notice_issued_before_a_crash_is_queued_by_the_next_scan_with_its_number_and_date(store, smtp):
    r = row()
    crashed_at = datetime(2026, 3, 4, 9, 30)
    store.record_light(r.number, UNIT, "yellow", "contact", utc(crashed_at))      # what the crashed scan did
    store.issue_notice(f"{r.number}|reminder_letter|contact|1", "reminder_letter", P.notice_number_formats[
        "reminder_letter"], utc(crashed_at), year=2026, ticket=r.number, unit=UNIT)
    res = scan(store, [r], datetime(2026, 3, 5, 10, 0), smtp)             # the reply is late by now, too
    assert res.counts["yellow"] == 1 and res.counts["notices"] == 2
    [contact] = [m for _, m in letters(smtp) if "峄接诉督〔2026〕1号" in m["Subject"]]
    text = pdf_text(contact)                                           # issued 4 Mar, reply by 5 Mar
    assert "2026年3月4日" in text and "2026年3月5日前" in text and "联系" in text
    assert sorted(n.number for n in store.notices()) == ["峄接诉督〔2026〕1号", "峄接诉督〔2026〕2号"]


def test_supervision_log_rows_have_the_sheet_headers_and_quiet_rows_keep_the_cycle_status(store, smtp):
    from sheets_schema import SUPERVISION_SHEET
    late = row(1)
    quiet = row(2, first_contact_at=datetime(2026, 3, 2, 11), replied_at=datetime(2026, 3, 3, 11))
    res = scan(store, [late, quiet], datetime(2026, 3, 4, 9, 30), smtp)
    headers = {c.header for c in SUPERVISION_SHEET.columns}
    assert res.supervision_rows and all(set(r) == headers for r in res.supervision_rows)
    assert res.cells[("台账", "r2")] == {"督办状态": "正常", "督办情况": ""}


def test_a_coordinators_interview_decision_sends_one_interview_notice_to_the_head(store, smtp):
    r = row(first_contact_at=datetime(2026, 3, 2, 15))
    snapshot(store, [r], datetime(2026, 3, 2, 9, 5))
    did = store.decision_add("interview_notice", "台账", "r1", {"reason": "多次推诿、答复敷衍"}, "web:coord",
                             utc(datetime(2026, 3, 3, 9, 0)), number="〔2026〕第0001号", unit=UNIT)
    res = scan(store, [r], datetime(2026, 3, 3, 10, 0), smtp)
    [(to, msg)] = letters(smtp)
    assert to == ["wang@zj.example.cn", "li@zj.example.cn"]          # the head, the handler in copy
    assert "约谈通知书" in msg["Subject"] and "峄接诉约〔2026〕1号" in msg["Subject"]
    text = pdf_text(msg)
    assert "多次推诿、答复敷衍" in text and "〔2026〕第0001号" in text and "13912345678" not in text
    assert "约谈通知书" in [row["督办类型"] for row in res.supervision_rows]
    assert [d.id for d in store.decisions(kind="interview_notice", open_only=True)] == []
    scan(store, [r], datetime(2026, 3, 3, 11, 0), smtp)                # acted on once only
    assert len(letters(smtp)) == 1 and store.decisions(kind="interview_notice")[0].id == did
