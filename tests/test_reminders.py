"""Reminders: send hours, the morning digest per unit on working days, once per unit and day."""
from datetime import datetime

import pytest

import profiles
from domain.escalation import TicketView
from domain.profiles import Reminders
from domain.reminders import digests, due_soon_reminders, is_send_time, next_send_time
from domain.workflow import Ticket
from jobs.reminders import morning_digest
from jobs.scan import Unit
from mail import SmtpTransport, deliver
from scan_support import CAL, Row, body_text, smtp, states, utc  # noqa: F401
from store import Store

P = profiles.load("yicheng")
R = Reminders(send_hours=(9, 15))


@pytest.mark.parametrize("now, expected", [
    (datetime(2026, 3, 4, 10, 0), None),                               # Wednesday morning: now
    (datetime(2026, 3, 4, 15, 59), None),
    (datetime(2026, 3, 4, 16, 0), datetime(2026, 3, 5, 9, 0)),         # after hours: next morning
    (datetime(2026, 3, 4, 7, 0), datetime(2026, 3, 4, 9, 0)),          # before hours: this morning
    (datetime(2026, 3, 6, 18, 0), datetime(2026, 3, 9, 9, 0)),         # Friday evening: Monday
    (datetime(2026, 3, 8, 2, 0), datetime(2026, 3, 9, 9, 0)),          # Sunday 02:00: Monday
    (datetime(2026, 9, 30, 17, 0), datetime(2026, 10, 8, 9, 0)),       # before National Day: after it
])
def test_mail_waits_for_the_next_working_morning(now, expected):
    assert next_send_time(CAL, R, now) == expected
    assert is_send_time(CAL, R, now) == (expected is None)


def view(n, unit, dues, overdue=(), soon=(), stage="办理中"):
    return TicketView("台账", f"r{n}", f"〔2026〕第{n:04d}号", unit, dues=dues, overdue=tuple(overdue),
                      due_soon=tuple(soon), stage=stage)


def test_digest_lists_due_today_next_working_day_and_overdue_per_unit():
    fri = datetime(2026, 3, 6, 8, 30)
    views = [view(1, "甲局", {"reply": datetime(2026, 3, 6, 23, 59, 59)}, soon=["reply"]),
             view(2, "甲局", {"resolve": datetime(2026, 3, 9, 23, 59, 59)}, soon=["resolve"]),
             view(3, "甲局", {"contact": datetime(2026, 3, 4, 23, 59, 59)}, overdue=["contact"]),
             view(4, "乙局", {"resolve": datetime(2026, 3, 20, 23, 59, 59)}),                 # nothing soon
             view(5, "丙局", {"contact": datetime(2026, 3, 4, 23, 59, 59)}, overdue=["contact"], stage="已办结")]
    d = digests(CAL, views, fri)
    assert list(d) == ["甲局"]
    assert [l.ticket for l in d["甲局"].due_today] == ["〔2026〕第0001号"]
    assert [l.ticket for l in d["甲局"].due_next] == ["〔2026〕第0002号"]     # Monday is the next working day
    assert [l.ticket for l in d["甲局"].overdue] == ["〔2026〕第0003号"]
    assert digests(CAL, views, datetime(2026, 3, 7, 8, 30)) == {}             # Saturday: none
    assert [r.key for r in due_soon_reminders(views, {"〔2026〕第0001号|due_soon|reply|1"})] == [
        "〔2026〕第0002号|due_soon|resolve|1"]


def test_morning_digest_goes_once_at_the_first_send_hour(tmp_path, smtp):
    unit = Unit("区住建局", "李经办", "li@zj.example.cn")
    rows = [Row("r1", "〔2026〕第0001号", Ticket(category="投诉", received=datetime(2026, 3, 2, 9), unit=unit.name,
                                               signed_at=datetime(2026, 3, 2, 10)))]
    with Store(f"sqlite:///{tmp_path / 'state.db'}") as store:
        at = datetime(2026, 3, 4, 8, 30)                                # contact overdue, reply due today
        report = morning_digest(store, P, CAL, states(P, rows, at), {unit.name: unit}, utc(at), issuer="区营商办")
        assert report.units == ["区住建局"]
        transport = SmtpTransport("127.0.0.1", smtp.port, timeout=5)
        deliver(store, transport, utc(datetime(2026, 3, 4, 8, 45)))
        assert smtp.messages == []
        assert morning_digest(store, P, CAL, states(P, rows, at), {unit.name: unit}, utc(at)).units == []
        deliver(store, transport, utc(datetime(2026, 3, 4, 9, 0)))
        [(to, msg)] = smtp.messages
        assert to == ["li@zj.example.cn"] and msg["Subject"] == "【每日待办】区住建局 2026年3月4日 超期1件 今日到期1件"
        body = body_text(msg)
        assert "已超期（1件）" in body and "23:59 超期1个工作日" in body and "〔2026〕第0001号" in body
        assert "下一工作日（3月5日）到期（1件）" not in body and "今日到期（1件）" in body
        sat = datetime(2026, 3, 7, 8, 30)
        assert morning_digest(store, P, CAL, states(P, rows, sat), {unit.name: unit}, utc(sat)).units == []
