"""The workflow's decisions on real profiles and the official 2026 calendar (dates worked out by hand)."""
from datetime import datetime

import pytest

import profiles
from domain.calendar import Override, WorkCalendar
from domain.workflow import (CLOSED, DUE_SOON, NORMAL, OVERDUE, PENDING, STAGE_CLOSED, STAGE_HANDLING,
                             STAGE_REDO, STAGE_RETURNED, STAGE_UNDISPATCHED, STAGE_UNSIGNED, STAGE_VISIT, Round,
                             Ticket, decide, next_round)

CAL = WorkCalendar.official()
YICHENG = profiles.load("yicheng")
ZAOYANG = profiles.load("zaoyang")

# Received Wed 2026-09-30; 10-01..10-07 are the National Day holiday, 10-08 (Thu) working day 1,
# 10-09 (Fri) day 2, 10-10 (Sat, make-up) day 3, 10-12 day 4 ... 10-15 (Thu) day 7.
SEPT30 = Ticket(category="求助", received=datetime(2026, 9, 30, 10, 0), unit="区住建局")


def test_fresh_ticket_is_unsigned_and_its_one_day_contact_limit_is_due_soon_at_once():
    d = decide(YICHENG, CAL, SEPT30, Round(), datetime(2026, 9, 30, 11, 0))
    assert d.dues["contact"].at == datetime(2026, 10, 8, 23, 59, 59)
    assert d.dues["resolve"].at == datetime(2026, 10, 15, 23, 59, 59)
    assert d.status == DUE_SOON and d.due_soon == ("contact",)
    assert d.stage == STAGE_UNSIGNED and d.overdue == ()


def test_contact_missed_is_overdue_and_the_next_milestone_due_soon():
    d = decide(YICHENG, CAL, SEPT30, Round(), datetime(2026, 10, 9, 9, 0))
    assert d.status == OVERDUE and d.overdue == ("contact",) and "reply" in d.due_soon


def test_done_milestones_do_not_count_and_later_steps_imply_earlier_ones():
    t = Ticket(**{**SEPT30.__dict__, "signed_at": datetime(2026, 9, 30, 15), "replied_at": datetime(2026, 10, 8, 9)})
    d = decide(YICHENG, CAL, t, Round(), datetime(2026, 10, 9, 9, 0))
    assert d.overdue == () and d.stage == STAGE_HANDLING and d.status == NORMAL


def test_due_soon_alone():
    t = Ticket(**{**SEPT30.__dict__, "first_contact_at": datetime(2026, 10, 8, 9), "replied_at": datetime(2026, 10, 9)})
    d = decide(YICHENG, CAL, t, Round(), datetime(2026, 10, 14, 10, 0))
    assert d.status == DUE_SOON and d.due_soon == ("resolve",)


def test_approved_extension_moves_resolve_to_14_working_days_in_total():
    t = Ticket(**{**SEPT30.__dict__, "extension_request": "需协调省厅", "extension_approval": "同意"})
    d = decide(YICHENG, CAL, t, Round(), datetime(2026, 10, 9))
    # day 7 = 10-15; days 8..14 = 10-16, 10-19, 10-20, 10-21, 10-22, 10-23, 10-26
    assert d.dues["resolve"].at == datetime(2026, 10, 26, 23, 59, 59)


def test_refused_or_pending_extension_keeps_the_limit_and_pending_is_flagged():
    pending = Ticket(**{**SEPT30.__dict__, "extension_request": "需协调省厅"})
    d = decide(YICHENG, CAL, pending, Round(), datetime(2026, 10, 9))
    assert d.dues["resolve"].at == datetime(2026, 10, 15, 23, 59, 59)
    assert [f.kind for f in d.flags] == ["extension_pending"]
    refused = Ticket(**{**pending.__dict__, "extension_approval": "不同意"})
    assert decide(YICHENG, CAL, refused, Round(), datetime(2026, 10, 9)).flags == ()


def test_unsatisfied_visit_opens_round_two_counted_from_the_visit():
    t = Ticket(**{**SEPT30.__dict__, "first_contact_at": datetime(2026, 10, 8, 9), "resolved_at": datetime(2026, 10, 13),
                  "visited_at": datetime(2026, 10, 14, 16), "rating": "不满意"})
    rnd = next_round(YICHENG, t, Round())
    assert rnd.number == 2 and rnd.returned == datetime(2026, 10, 14, 16)
    d = decide(YICHENG, CAL, t, Round(), datetime(2026, 10, 15))
    # yicheng redo: 5 working days from the return: 10-15, 16, 19, 20, 21
    assert d.round.number == 2 and set(d.dues) == {"resolve"}
    assert d.dues["resolve"].at == datetime(2026, 10, 21, 23, 59, 59)
    assert d.stage == STAGE_REDO
    # the same visit seen again by the next cycle does not open a third round
    assert next_round(YICHENG, t, d.round) == d.round


def test_round_two_satisfied_closes_and_unsatisfied_again_is_flagged():
    r2 = Round(2, returned=datetime(2026, 10, 14, 16), last_visit_counted=datetime(2026, 10, 14, 16))
    base = {**SEPT30.__dict__, "rating": None, "first_contact_at": datetime(2026, 10, 8, 9), "resolved_at": datetime(2026, 10, 20),
            "visited_at": datetime(2026, 10, 21, 10)}
    ok = decide(YICHENG, CAL, Ticket(**{**base, "rating": "满意"}), r2, datetime(2026, 10, 22))
    assert ok.status == CLOSED and ok.stage == STAGE_CLOSED and ok.flags == ()
    bad = decide(YICHENG, CAL, Ticket(**{**base, "rating": "不满意"}), r2, datetime(2026, 10, 22))
    assert bad.round.number == 2 and bad.stage == STAGE_CLOSED
    assert [f.kind for f in bad.flags] == ["unsatisfied_after_redo"]


def test_zaoyang_satisfied_levels_close_the_ticket():
    t = Ticket(category="投诉", problem_type="一般", received=datetime(2026, 11, 2, 9), unit="市市场监管局",
               first_contact_at=datetime(2026, 11, 2, 10), resolved_at=datetime(2026, 11, 5),
               visited_at=datetime(2026, 11, 6), rating="基本满意")
    d = decide(ZAOYANG, CAL, t, Round(), datetime(2026, 11, 20))
    assert d.status == CLOSED and d.round.number == 1


def test_result_before_visit_required_and_rating_without_result_is_ignored():
    t = Ticket(**{**SEPT30.__dict__, "visited_at": datetime(2026, 10, 9), "rating": "不满意"})
    assert next_round(YICHENG, t, Round()) == Round()


def test_return_undispatched_and_self_complaint_are_flagged_stages():
    returned = Ticket(**{**SEPT30.__dict__, "return_reason": "不属本单位职责，依据《…》第三条"})
    d = decide(YICHENG, CAL, returned, Round(), datetime(2026, 10, 1))
    assert d.stage == STAGE_RETURNED and [f.kind for f in d.flags] == ["returned"]
    blank = Ticket(category="咨询", received=datetime(2026, 10, 9, 9))
    assert decide(YICHENG, CAL, blank, Round(), datetime(2026, 10, 9, 10)).stage == STAGE_UNDISPATCHED
    own = Ticket(category="投诉", received=datetime(2026, 10, 9, 9), unit="区市场监管局",
                 complaint_target="区市场监管局执法大队")
    assert [f.kind for f in decide(YICHENG, CAL, own, Round(), datetime(2026, 10, 9, 10)).flags] == ["self_complaint"]


def test_a_year_the_calendar_does_not_know_is_pending_with_an_instruction():
    late = Ticket(category="求助", received=datetime(2026, 12, 28, 9), unit="区住建局")
    d = decide(YICHENG, CAL, late, Round(), datetime(2026, 12, 28, 10))
    assert d.status == PENDING and d.unknown_year == 2027
    assert d.flags[0].message == "请在工作日历中录入2027年节假日安排"
    # once the coordinator enters 2027 (here: New Year's Day only), the same ticket computes
    cal27 = CAL.with_overrides([Override(datetime(2027, 1, 1).date(), "休", "元旦")])
    d2 = decide(YICHENG, cal27, late, Round(), datetime(2026, 12, 28, 10))
    assert d2.status == DUE_SOON and d2.unknown_year is None
    assert d2.dues["resolve"].at.year == 2027


@pytest.mark.parametrize("pid", profiles.ids())
def test_every_profile_decides_a_plain_complaint(pid):
    p = profiles.load(pid)
    t = Ticket(category="投诉", problem_type=(p.problem_types[1] if len(p.problem_types) > 1 else None),
               received=datetime(2026, 11, 2, 9), unit="某局")
    d = decide(p, CAL, t, Round(), datetime(2026, 11, 2, 10))
    assert d.dues and d.status in (NORMAL, DUE_SOON)


@pytest.mark.parametrize("now", [datetime(2026, 9, 30, 11), datetime(2026, 10, 9, 9), datetime(2026, 10, 14, 10),
                                 datetime(2026, 10, 3, 12), datetime(2026, 10, 10, 8)])
def test_the_cycle_shortcuts_decide_exactly_as_the_full_computation(now):
    from domain.workflow import deadline_inputs, soon_until
    for t in (SEPT30, Ticket(**{**SEPT30.__dict__, "first_contact_at": datetime(2026, 10, 8, 9)}),
              Ticket(**{**SEPT30.__dict__, "extension_approval": "同意"})):
        full = decide(YICHENG, CAL, t, Round(), now)
        from domain.deadlines import compute
        dues = compute(YICHENG, CAL, **deadline_inputs(YICHENG, t, Round()))
        quick = decide(YICHENG, CAL, t, Round(), now, dues=dues,
                       soon_limit=soon_until(CAL, now, YICHENG.reminders.due_soon_working_days))
        assert quick == full


def test_a_result_awaiting_its_return_visit_is_at_the_visit_stage_and_not_late():
    t = Ticket(**{**SEPT30.__dict__, "first_contact_at": datetime(2026, 10, 8, 9), "resolved_at": datetime(2026, 10, 13)})
    d = decide(YICHENG, CAL, t, Round(), datetime(2026, 10, 20))
    assert d.stage == STAGE_VISIT and d.status == NORMAL and d.overdue == ()


def test_a_request_the_coordinator_excludes_has_no_limits_and_no_flags():
    from domain.workflow import EXCLUDED, STAGE_EXCLUDED
    t = Ticket(**{**SEPT30.__dict__, "exclusion_reason": "属企业间民事纠纷，已告知通过诉讼途径解决",
                  "extension_request": "x"})
    d = decide(YICHENG, CAL, t, Round(), datetime(2026, 10, 20))
    assert (d.status, d.stage, d.dues, d.flags, d.overdue) == (EXCLUDED, STAGE_EXCLUDED, {}, (), ())


# -- when a decision can change with nothing typed (what lets a quiet cycle skip a ticket) -------------
from datetime import timedelta  # noqa: E402

from hypothesis import given, settings, strategies as st  # noqa: E402

from domain.workflow import next_change, soon_begins, soon_until  # noqa: E402


def _at(p, t, now):
    d = decide(p, CAL, t, Round(), now, soon_limit=soon_until(CAL, now, p.reminders.due_soon_working_days))
    return d.status, d.overdue, d.due_soon


@settings(max_examples=150, deadline=None)
@given(pid=st.sampled_from(profiles.ids()), received=st.datetimes(datetime(2026, 1, 2), datetime(2026, 11, 30)),
       contact_after=st.one_of(st.none(), st.integers(1, 20 * 24)), wait=st.integers(0, 40 * 24 * 60),
       probes=st.lists(st.floats(0, 1, exclude_max=True), min_size=1, max_size=6))
def test_a_decision_holds_until_its_next_change(pid, received, contact_after, wait, probes):
    p = profiles.load(pid)
    contact = None if contact_after is None else received + timedelta(hours=contact_after)
    t = Ticket(category=p.categories[0], received=received, unit="某局", first_contact_at=contact)
    now = received + timedelta(minutes=wait)
    d = decide(p, CAL, t, Round(), now, soon_limit=soon_until(CAL, now, p.reminders.due_soon_working_days))
    change = next_change(d, t, now, lambda day: soon_begins(CAL, day, p.reminders.due_soon_working_days))
    horizon = change if change is not None else now + timedelta(days=60)
    assert change is None or change >= now
    for f in probes:     # any moment before the next change gives the same answer
        at = now + (horizon - now) * f
        if at < horizon and at.year < 2027:
            assert _at(p, t, at) == _at(p, t, now), (now, at, change)


def test_next_change_is_when_due_soon_begins_and_then_when_the_due_passes():
    # SEPT30's resolve is due 10-15 (Thu) 23:59:59; yicheng counts "due soon" within its working days.
    t = Ticket(**{**SEPT30.__dict__, "first_contact_at": datetime(2026, 10, 8, 9),
                  "replied_at": datetime(2026, 10, 8, 10)})
    now = datetime(2026, 10, 9, 9)
    d = decide(YICHENG, CAL, t, Round(), now)
    n = YICHENG.reminders.due_soon_working_days
    change = next_change(d, t, now, lambda day: soon_begins(CAL, day, n))
    assert d.status == NORMAL and change.time() == datetime.min.time() and change > now
    assert _at(YICHENG, t, change)[0] == DUE_SOON
    assert _at(YICHENG, t, change - timedelta(seconds=1))[0] == NORMAL
    soon = decide(YICHENG, CAL, t, Round(), change)
    assert next_change(soon, t, change, lambda day: soon_begins(CAL, day, n)) == datetime(2026, 10, 15, 23, 59, 59)
    closed = Ticket(**{**t.__dict__, "resolved_at": datetime(2026, 10, 9), "visited_at": datetime(2026, 10, 10),
                       "rating": "满意"})
    assert next_change(decide(YICHENG, CAL, closed, Round(), now), closed, now, lambda day: None) is None
