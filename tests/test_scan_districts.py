"""gangnan and zaoyang triggers through time, on a real SQLite store and a real SMTP server."""
from datetime import datetime

import pytest

import profiles
from domain.workflow import Ticket
from jobs.scan import Issuer, Unit, escalate
from mail import SmtpTransport, deliver
from scan_support import CAL, Row, pdf_text, smtp, snapshot, states, utc  # noqa: F401
from store import Store

GANGNAN, ZAOYANG = profiles.load("gangnan"), profiles.load("zaoyang")
UNIT = "市住建局"
UNITS = {UNIT: Unit(UNIT, "李经办", "li@zj.example.cn", "王局长", "wang@zj.example.cn")}


@pytest.fixture
def store(tmp_path):
    with Store(f"sqlite:///{tmp_path / 'state.db'}") as s:
        yield s


def scan(store, profile, rows, at, server, issuer="市营商环境服务中心"):
    res = escalate(store, profile, CAL, states(profile, rows, at), UNITS, utc(at), issuer=issuer)
    deliver(store, SmtpTransport("127.0.0.1", server.port, timeout=5), utc(at), sender="jiesu@example.cn")
    return res


def subjects(server):
    return [m["Subject"] for _, m in server.messages]


def test_gangnan_unsatisfied_twice_gets_a_rectification_notice_once(store, smtp):
    r = Row("r1", "〔2026〕第0007号", Ticket(category="投诉", received=datetime(2026, 3, 2, 9), unit=UNIT,
                                            signed_at=datetime(2026, 3, 2, 10), first_contact_at=datetime(2026, 3, 2, 11),
                                            resolved_at=datetime(2026, 3, 3, 9), visited_at=datetime(2026, 3, 3, 15),
                                            rating="不满意"))
    res = scan(store, GANGNAN, [r], datetime(2026, 3, 4, 10), smtp)   # once unsatisfied: round 2, nothing yet
    assert r.rnd.number == 2 and res.counts["notices"] == 0 and smtp.messages == []
    r.update(resolved_at=datetime(2026, 3, 5, 9), visited_at=datetime(2026, 3, 5, 15))
    res = scan(store, GANGNAN, [r], datetime(2026, 3, 6, 10), smtp)
    assert res.counts["notices"] == 1
    [(to, msg)] = smtp.messages
    assert to == ["li@zj.example.cn", "wang@zj.example.cn"]           # the head is copied
    assert msg["Subject"] == "【整改通知书】港营商改〔2026〕1号 关于编号〔2026〕第0007号企业诉求"
    text = pdf_text(msg)
    assert "〔2026〕第0007号" in text and "2026年3月11日" in text and "2次办理" in text   # 3 working days
    # The issuer is the configured name; basis and reply-to come from the profile's [extra.notices].
    assert "根据《构建经营主体反映响应处置机制优化提升营商环境工作方案》规定" in text and "报送区营商办" in text
    assert res.supervision_rows[-1]["督办类型"] == "整改通知书"
    scan(store, GANGNAN, [r], datetime(2026, 3, 9, 10), smtp)
    assert len(smtp.messages) == 1


def test_gangnan_returned_twice_is_shirking_and_gets_a_rectification_notice(store, smtp):
    t = Ticket(category="求助", received=datetime(2026, 3, 2, 9), unit=UNIT, signed_at=datetime(2026, 3, 2, 10),
               first_contact_at=datetime(2026, 3, 2, 11))
    r = Row("r1", "〔2026〕第0008号", t)
    base = {"诉求编号": r.number, "主要诉求": "厂区门口道路破损"}
    for at, reason in ((datetime(2026, 3, 2, 12), ""), (datetime(2026, 3, 2, 14), "不属本单位职责"),
                       (datetime(2026, 3, 3, 9), ""), (datetime(2026, 3, 3, 14), "应由街道办理")):
        store.record_rows("台账", {"r1": {**base, "回退原因": reason}}, utc(at))
        if reason == "不属本单位职责":
            r.update(return_reason=reason)
            assert scan(store, GANGNAN, [r], at, smtp).counts["notices"] == 0    # once is not shirking
            r.update(return_reason=None)
    r.update(return_reason="应由街道办理")
    res = scan(store, GANGNAN, [r], datetime(2026, 3, 3, 15), smtp)
    assert res.counts["notices"] == 1 and subjects(smtp) == ["【整改通知书】港营商改〔2026〕1号 关于编号〔2026〕第0008号企业诉求"]
    assert "2次以非本单位职责为由退回" in pdf_text(smtp.messages[0][1])


def test_gangnan_two_unsigned_tickets_in_a_month_get_a_reminder_letter(store, smtp):
    a = Row("r1", "〔2026〕第0001号", Ticket(category="求助", received=datetime(2026, 3, 2, 9), unit=UNIT))
    b = Row("r2", "〔2026〕第0002号", Ticket(category="求助", received=datetime(2026, 3, 9, 9), unit=UNIT))
    scan(store, GANGNAN, [a], datetime(2026, 3, 4, 10), smtp)          # a: contact missed, unsigned
    assert subjects(smtp) == ["【提醒敦促函】港营商提〔2026〕1号 关于编号〔2026〕第0001号企业诉求"]
    a.update(signed_at=datetime(2026, 3, 4, 11), first_contact_at=datetime(2026, 3, 4, 11),
             resolved_at=datetime(2026, 3, 5, 11))
    scan(store, GANGNAN, [a, b], datetime(2026, 3, 11, 10), smtp)      # b: unsigned too, second in a month
    assert len(smtp.messages) == 3
    letter = [m for _, m in smtp.messages if "不签收" in pdf_text(m) or "未签收" in pdf_text(m)]
    assert len(letter) == 1 and "〔2026〕第0002号" in letter[0]["Subject"]
    scan(store, GANGNAN, [a, b], datetime(2026, 3, 11, 14), smtp)
    assert len(smtp.messages) == 3


def test_zaoyang_supervision_form_asks_for_feedback_within_5_days_then_red(store, smtp):
    r = Row("r1", "〔2026〕第0012号", Ticket(category="投诉", received=datetime(2026, 3, 2, 9), unit=UNIT,
                                            signed_at=datetime(2026, 3, 2, 10)))
    issuer = Issuer("枣阳市发展和改革局", reply_to="市营商办", basis="《枣阳市企业诉求“直通车”工作方案》",
                    titles={"supervision_form": "枣阳市营商环境投诉问题督办单"})
    snapshot(store, [r], datetime(2026, 3, 2, 9, 5))
    res = scan(store, ZAOYANG, [r], datetime(2026, 3, 10, 9, 30), smtp, issuer=issuer)   # due 9 Mar (5 WD)
    assert res.counts == {**res.counts, "yellow": 1, "notices": 1, "red": 0}
    [(_, msg)] = smtp.messages
    assert msg["Subject"] == "【督办单】枣营商督〔2026〕1号 关于编号〔2026〕第0012号企业诉求"
    text = pdf_text(msg)
    # 5 days from 10 Mar end on Sunday 15 Mar: art. 203 moves the end to Monday 16 Mar.
    assert "请于5日内（2026年3月16日前）将办理结果向市营商办反馈" in text and "〔2026〕第0012号" in text
    assert res.supervision_rows[-1]["反馈期限"] == "2026-03-16 23:59"
    assert scan(store, ZAOYANG, [r], datetime(2026, 3, 16, 20), smtp, issuer=issuer).counts["red"] == 0
    res = scan(store, ZAOYANG, [r], datetime(2026, 3, 17, 9), smtp, issuer=issuer)
    assert res.counts["red"] == 1 and res.cells[("台账", "r1")]["督办状态"] == "红灯" and len(smtp.messages) == 1


def test_zaoyang_still_unsatisfied_after_round_2_is_flagged_for_referral(store, smtp):
    r = Row("r1", "〔2026〕第0013号", Ticket(category="咨询", received=datetime(2026, 3, 2, 9), unit=UNIT,
                                            resolved_at=datetime(2026, 3, 2, 15), visited_at=datetime(2026, 3, 2, 16),
                                            rating="不满意"))
    scan(store, ZAOYANG, [r], datetime(2026, 3, 2, 17), smtp)
    assert [f.kind for f in store.flags() if not f.key.startswith("event|")] == ["second_handling"]
    r.update(resolved_at=datetime(2026, 3, 3, 10), visited_at=datetime(2026, 3, 3, 11))
    res = scan(store, ZAOYANG, [r], datetime(2026, 3, 3, 12), smtp)
    [referral] = store.flags(kind="referral")
    assert "〔2026〕第0013号" in referral.message and "纪委监委" in referral.message
    assert [row["督办类型"] for row in res.supervision_rows] == ["移送纪检监察"]
    scan(store, ZAOYANG, [r], datetime(2026, 3, 4, 12), smtp)
    assert len(store.flags(kind="referral")) == 1 and store.notices() == []
    assert all(s.startswith("【即将到期】") for s in subjects(smtp))    # round 2's 24 hours: a reminder only
