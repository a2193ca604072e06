"""domain.escalation as pure logic: rules from profile data, windows, display, and doing nothing twice."""
from dataclasses import replace
from datetime import datetime, timedelta

from hypothesis import given, settings, strategies as st

import profiles
from domain.escalation import (History, PastEvent, PastLight, PastNotice, TicketView, add_month, display, groups,
                               plan)
from domain.profiles import Supervision, Trigger
from scan_support import CAL

YICHENG, ZIBO, SHANTING = profiles.load("yicheng"), profiles.load("zibo"), profiles.load("shanting")
DUE = datetime(2026, 3, 3, 23, 59, 59)


def view(n=1, unit="甲局", overdue=("resolve",), due=DUE, **kw):
    return TicketView("台账", f"r{n}", f"〔2026〕第{n:04d}号", unit, dues={"resolve": due, "contact": due},
                      overdue=tuple(overdue), stage="办理中", status="已超期", **kw)


def ev(day, ticket="t"):
    return PastEvent(f"{ticket}{day}", "yellow_light", "甲局", ticket, day)


def test_a_rolling_month_runs_to_the_same_day_next_month():
    assert add_month(datetime(2026, 1, 31, 10)) == datetime(2026, 2, 28, 10)
    assert add_month(datetime(2026, 12, 5)) == datetime(2027, 1, 5)
    inside = [ev(datetime(2026, 3, 20)), ev(datetime(2026, 4, 19, 23))]
    assert len(groups(inside, 2, "month")) == 1
    apart = [ev(datetime(2026, 3, 20)), ev(datetime(2026, 4, 20)), ev(datetime(2026, 6, 1))]
    assert groups(apart, 2, "month") == []
    four = [ev(datetime(2026, 3, d)) for d in (2, 3, 4, 5)]
    assert [len(g) for g in groups(four, 2, "month")] == [2, 2]     # each pair once: lights 1+2, then 3+4


def test_shanting_and_zibo_urge_on_overdue_with_a_yellow_light_and_a_letter():
    for p in (SHANTING, ZIBO):
        out = plan(p, CAL, [view()], History(), datetime(2026, 3, 4, 10))
        assert [(l.light, l.milestone) for l in out.lights] == [("yellow", "resolve")]
        [n] = out.notices
        assert n.kind == "reminder_letter" and n.key == "〔2026〕第0001号|reminder_letter|resolve|1"
        assert n.reply_by == datetime(2026, 3, 5, 23, 59, 59)          # 1 working day after the letter


def test_zibo_long_unresolved_goes_to_the_supervision_office_after_10_working_days():
    v = view()
    assert not plan(ZIBO, CAL, [v], History(), datetime(2026, 3, 17, 10)).flags    # 10th working day
    out = plan(ZIBO, CAL, [v], History(), datetime(2026, 3, 18, 10))
    [flag] = [f for f in out.flags if f.action == "supervision_office"]
    assert flag.ticket == v.number and "督查室" in flag.message


def test_red_counts_from_the_letter_not_from_the_due_time():
    letter_at = datetime(2026, 3, 6, 9)                              # Friday: 1 working day ends Monday
    h = History(lights=(PastLight(view().number, "甲局", "yellow", "resolve", 1, letter_at),),
                notices={"〔2026〕第0001号|reminder_letter|resolve|1": PastNotice(
                    "〔2026〕第0001号|reminder_letter|resolve|1", "reminder_letter", "峄接诉督〔2026〕1号",
                    view().number, "甲局", letter_at)})
    assert plan(YICHENG, CAL, [view()], h, datetime(2026, 3, 9, 23, 0)).lights == []
    assert [l.light for l in plan(YICHENG, CAL, [view()], h, datetime(2026, 3, 10, 0, 1)).lights] == ["red"]


def test_the_rules_are_data_a_district_asking_for_three_lights_gets_no_flag_at_two():
    strict = replace(YICHENG, supervision=Supervision(
        overdue_notice="reminder_letter",
        triggers=(Trigger("yellow_light", "interview_notice", count=3, window="month"),)))
    lights = tuple(PastLight(f"t{i}", "甲局", "yellow", "resolve", 1, datetime(2026, 3, 2 + i)) for i in range(2))
    assert plan(strict, CAL, [], History(lights=lights), datetime(2026, 3, 10)).flags == []
    assert len(plan(YICHENG, CAL, [], History(lights=lights), datetime(2026, 3, 10)).flags) == 1


def test_display_keeps_the_cycle_status_once_fed_back_or_closed():
    lit = [PastLight("〔2026〕第0001号", "甲局", "red", "resolve", 1, datetime(2026, 3, 5))]
    assert display(YICHENG, view(), lit, [])[0] == "红灯"
    assert display(YICHENG, view(overdue=()), lit, [])[0] == "已超期"
    closed = replace(view(), stage="已办结", status="已办结")
    status, text = display(YICHENG, closed, lit, [])
    assert status == "已办结" and text == "3月5日解决或服务确认超期亮红灯"


def _apply(out, h: History) -> History:
    lights = h.lights + tuple(PastLight(l.ticket, l.unit, l.light, l.milestone, l.round, l.at) for l in out.lights)
    notices = dict(h.notices)
    for n in out.notices:
        notices[n.key] = PastNotice(n.key, n.kind, "x〔2026〕1号", n.ticket, n.unit, n.issued)
    events = h.events + tuple(PastEvent(e.key, e.event, e.unit, e.ticket, e.at) for e in out.events)
    flags = h.flags | {f.key for f in out.flags} | {e.key for e in out.events}
    return History(lights, notices, events, flags)


@settings(max_examples=100, deadline=None)
@given(st.lists(st.tuples(st.integers(0, 5), st.sampled_from(["甲局", "乙局"]),
                          st.sets(st.sampled_from(["contact", "resolve"])), st.integers(0, 3)), max_size=8),
       st.integers(0, 20), st.sampled_from(["yicheng", "gangnan", "zaoyang", "zibo", "shanting"]))
def test_acting_on_a_plan_leaves_nothing_to_do_at_the_same_moment(rows, hours, pid, ):
    p = profiles.load(pid)
    now = datetime(2026, 3, 9, 8) + timedelta(hours=hours * 7)
    views = [replace(view(i, unit, overdue=tuple(sorted(o))), unsatisfied=u % 3, returns=u, round=1 + (u > 0))
             for i, (_, unit, o, u) in enumerate(rows)]
    h = History()
    for step in range(3):                                            # scans at the same moment converge
        out = plan(p, CAL, views, h, now)
        h = _apply(out, h)
    final = plan(p, CAL, views, h, now)
    assert final.lights == [] and final.notices == [] and final.flags == [] and final.events == []
    # A later round of the same tickets, nothing overdue: no trigger acts again on what it acted on.
    later = [replace(v, round=v.round + 1, overdue=()) for v in views]
    again = plan(p, CAL, later, h, now)
    assert again.notices == [] and again.flags == []


def test_yicheng_unsatisfied_twice_asks_for_the_review_form_and_shirking_for_referral():
    closed = replace(view(overdue=()), stage="已办结", status="已办结", round=2, unsatisfied=2)
    out = plan(YICHENG, CAL, [closed], History(), datetime(2026, 3, 10))
    assert [f.action for f in out.flags] == ["review_form"] and out.notices == [] and out.lights == []
    returned = replace(view(2, overdue=()), stage="已回退待重新派单", returns=2)
    out = plan(YICHENG, CAL, [returned], History(), datetime(2026, 3, 10))
    [flag] = out.flags
    assert flag.action == "referral" and "2次" in flag.message
    assert plan(YICHENG, CAL, [replace(returned, returns=1)], History(), datetime(2026, 3, 10)).flags == []
