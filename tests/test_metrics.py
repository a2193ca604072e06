"""Every metric on a hand-built ledger; the right answers are worked out by hand in the comments."""
import math

import pandas as pd
import pytest

from bench.bench_metrics import WeekdayCalendar
from domain.metrics import (DISTRICT, METRICS, MetricsInputError, Period, Rate, breakdown, compute_all,
                            compute_metrics, display_table, rate, trend, trend_counts)

# October 2026: Thu 1 .. Sat 31. National Day holidays on the weekdays Oct 1, 2, 5, 6, 7, so the
# working days are Oct 8-9, 12-16, 19-23, 26-30 (and Sep 28-30, Nov 2-6 ...).
CAL = WeekdayCalendar(["2026-10-01", "2026-10-02", "2026-10-05", "2026-10-06", "2026-10-07"])
SATISFIED = ("非常满意", "满意", "基本满意")   # zaoyang: the first three of five levels
A, B, C = "区市场监管局", "区人社局", "区住建局"
TS, WL = "坛山街道", "吴林街道"
OCT, NOV = Period.month(2026, 10), Period.month(2026, 11)


def ticket(number, unit, township, received, **kw):
    row = dict(number=number, unit=unit, township=township, received=received, accepted=True,
               excluded_reason=None, category="投诉", problem_type="一般", contact_due=None,
               first_contact_at=None, resolve_due_original=None, resolve_due=None,
               extension_approved_at=None, resolved_at=None, finding=None, solved=None, rating=None,
               visited_at=None, round=1, reopened_at=None)
    row.update(kw)
    return row


TICKETS = pd.DataFrame([
    # T1: plain on-time ticket, contacted in time, 属实 and solved, rated 满意.
    ticket("T1", A, TS, "2026-10-09 09:00", category="咨询", contact_due="2026-10-12 17:30", first_contact_at="2026-10-10 10:00",
           resolve_due_original="2026-10-20 17:30", resolve_due="2026-10-20 17:30", resolved_at="2026-10-16 15:00",
           finding="属实", solved=True, rating="满意", visited_at="2026-10-19 10:00"),
    # T2: extension approved IN TIME (10-20, before the original due 10-21) -> judged by 10-30; resolved 10-28: on time.
    ticket("T2", A, WL, "2026-10-12 09:00", contact_due="2026-10-13 17:30", first_contact_at="2026-10-13 09:30",
           resolve_due_original="2026-10-21 17:30", resolve_due="2026-10-30 17:30",
           extension_approved_at="2026-10-20 10:00", resolved_at="2026-10-28 16:00",
           finding="部分属实", solved=True, rating="基本满意", visited_at="2026-10-29 10:00"),
    # T3: extension approved TOO LATE (10-23, after the original due 10-22) -> judged by 10-22; resolved 10-27: late.
    # Not solved, rated 不满意 on 10-28 and sent back the same day: round 2 (reopened).
    ticket("T3", B, TS, "2026-10-13 09:00", contact_due="2026-10-14 17:30", first_contact_at="2026-10-14 16:00",
           resolve_due_original="2026-10-22 17:30", resolve_due="2026-10-30 17:30",
           extension_approved_at="2026-10-23 09:00", resolved_at="2026-10-27 11:00",
           finding="属实", solved=False, rating="不满意", visited_at="2026-10-28 09:00",
           round=2, reopened_at="2026-10-28 10:00"),
    # T4: UNRATED (no return visit yet); 不属实 so outside the resolution rate; contacted late (10-16 > 10-15).
    ticket("T4", B, WL, "2026-10-14 09:00", category="意见建议", contact_due="2026-10-15 17:30", first_contact_at="2026-10-16 09:00",
           resolve_due_original="2026-10-23 17:30", resolve_due="2026-10-23 17:30", resolved_at="2026-10-21 11:00",
           finding="不属实"),
    # T5: SPANS TWO MONTHS: received in October, due and resolved in November, rated in November.
    ticket("T5", C, TS, "2026-10-26 09:00", contact_due="2026-10-27 17:30", first_contact_at="2026-10-28 09:00",
           resolve_due_original="2026-11-04 17:30", resolve_due="2026-11-04 17:30", resolved_at="2026-11-03 10:00",
           finding="属实", solved=True, rating="满意", visited_at="2026-11-05 10:00"),
    # T6: EXCLUDED (不予受理) with its reason.
    ticket("T6", C, WL, "2026-10-15 10:00", accepted=False, excluded_reason="已进入诉讼程序的事项"),
    # T7: received in September, due 10-12, resolved 10-13: late, but closed in October.
    ticket("T7", A, TS, "2026-09-28 09:00", contact_due="2026-09-29 17:30", first_contact_at="2026-09-29 10:00",
           resolve_due_original="2026-10-12 17:30", resolve_due="2026-10-12 17:30", resolved_at="2026-10-13 10:00",
           finding="属实", solved=True, rating="满意", visited_at="2026-10-14 10:00"),
    # T8: never contacted, overdue and still open at the end of October.
    ticket("T8", C, WL, "2026-10-19 09:00", contact_due="2026-10-20 17:30",
           resolve_due_original="2026-10-28 17:30", resolve_due="2026-10-28 17:30"),
])

LIGHTS = pd.DataFrame([
    dict(ticket="T3", unit=B, light="yellow", milestone="resolve", at="2026-10-23 09:00"),
    dict(ticket="T3", unit=B, light="red", milestone="resolve", at="2026-10-26 09:00"),
    dict(ticket="T8", unit=C, light="yellow", milestone="contact", at="2026-10-21 09:00"),
    dict(ticket="T8", unit=C, light="yellow", milestone="resolve", at="2026-10-29 09:00"),
    dict(ticket="T7", unit=A, light="yellow", milestone="contact", at="2026-09-30 09:00"),  # September
])
NOTICES = pd.DataFrame([
    dict(kind="supervision_form", number="督〔2026〕1号", unit=A, ticket="T7", issued_at="2026-10-13 09:00"),
    dict(kind="reminder_letter", number="提醒〔2026〕1号", unit=C, ticket="T8", issued_at="2026-10-29 09:00"),
    dict(kind="rectification_notice", number="整改〔2026〕1号", unit=B, ticket="T3", issued_at="2026-11-02 09:00"),
])
REFERRALS = pd.DataFrame([dict(ticket="T3", unit=B, at="2026-10-30 15:00")])

KW = dict(calendar=CAL, satisfied_levels=SATISFIED, lights=LIGHTS, notices=NOTICES, referrals=REFERRALS)


def rates(row):
    return {name: (int(row[f"{name}_num"]), int(row[f"{name}_den"])) for name in
            ("on_time_rate", "first_contact_rate", "resolution_rate", "satisfaction_rate", "visit_coverage_rate")}


def counts(row):
    return {c: int(row[c]) for c in ("received", "accepted", "not_accepted", "closed", "reopened", "yellow_lights",
                                     "red_lights", "notices", "reminder_letter", "supervision_form",
                                     "rectification_notice", "interview_notice", "referrals")}


@pytest.fixture(scope="module")
def october():
    return compute_all(TICKETS, OCT, groups=None, **KW)


def test_unit_a_october(october):
    row = october["unit"].loc[A]
    # received in Oct: T1, T2 (T7 came in September) = 2; closed in Oct: T1 10-16, T2 10-28, T7 10-13 = 3.
    # on time: due in Oct = T1 (10-20, ok), T2 (extended in time to 10-30, resolved 10-28, ok), T7 (10-12,
    #   resolved 10-13, late) -> 2/3.  first contact: contact due in Oct = T1, T2, both in time -> 2/2.
    # resolution: closed, 属实/部分属实, judged = T1, T2, T7 all solved -> 3/3; satisfaction: visits in Oct
    #   T1 满意, T2 基本满意, T7 满意 -> 3/3; coverage: 3 closed, 3 rated -> 3/3.
    # lights: only a September yellow -> 0; notices: supervision form 10-13 -> 1.
    assert counts(row) == dict(received=2, accepted=2, not_accepted=0, closed=3, reopened=0, yellow_lights=0,
                               red_lights=0, notices=1, reminder_letter=0, supervision_form=1,
                               rectification_notice=0, interview_notice=0, referrals=0)
    assert rates(row) == dict(on_time_rate=(2, 3), first_contact_rate=(2, 2), resolution_rate=(3, 3),
                              satisfaction_rate=(3, 3), visit_coverage_rate=(3, 3))
    # working days after receipt through resolution: T1 Fri 10-09 -> Fri 10-16: 12..16 = 5;
    # T2 Mon 10-12 -> Wed 10-28: 13-16 (4) + 19-23 (5) + 26-28 (3) = 12;
    # T7 Mon 09-28 -> Tue 10-13: 29, 30 (2) + holidays (0) + 8, 9 (2) + 12, 13 (2) = 6.
    # sorted 5, 6, 12: median 6; p90 nearest rank ceil(0.9*3) = 3rd = 12.
    assert row["handling_days_median"] == 6 and row["handling_days_p90"] == 12


def test_unit_b_october_late_extension_reopened_unrated(october):
    row = october["unit"].loc[B]
    # on time: T3 extension approved 10-23 after its original due 10-22 -> judged by 10-22, resolved 10-27: late;
    #   T4 due 10-23, resolved 10-21: on time -> 1/2.  first contact: T3 in time (10-14 16:00 <= 17:30),
    #   T4 late (10-16 > 10-15) -> 1/2.  resolution: T3 属实 not solved (T4 不属实 is out) -> 0/1.
    # satisfaction: T3 不满意 (T4 unrated is out) -> 0/1; coverage: 2 closed, 1 rated -> 1/2.
    # reopened: T3 round 2 on 10-28 -> 1; lights: yellow 1, red 1; rectification notice is 11-02 -> not Oct.
    assert counts(row) == dict(received=2, accepted=2, not_accepted=0, closed=2, reopened=1, yellow_lights=1,
                               red_lights=1, notices=0, reminder_letter=0, supervision_form=0,
                               rectification_notice=0, interview_notice=0, referrals=1)
    assert rates(row) == dict(on_time_rate=(1, 2), first_contact_rate=(1, 2), resolution_rate=(0, 1),
                              satisfaction_rate=(0, 1), visit_coverage_rate=(1, 2))
    # T3 Tue 10-13 -> Tue 10-27: 14-16 (3) + 19-23 (5) + 26, 27 (2) = 10; T4 Wed 10-14 -> Wed 10-21:
    # 15, 16 (2) + 19-21 (3) = 5.  median (5 + 10) / 2 = 7.5; p90 ceil(1.8) = 2nd = 10.
    assert row["handling_days_median"] == 7.5 and row["handling_days_p90"] == 10


def test_unit_c_october_excluded_spanning_and_overdue(october):
    row = october["unit"].loc[C]
    # received: T5, T6, T8 = 3, of which T6 excluded -> accepted 2, not accepted 1; nothing closed in Oct.
    # on time: T5's due is in November; T8 due 10-28, still open at the end of October -> 0/1.
    # first contact: T5 late (10-28 > 10-27), T8 never -> 0/2.  No closed tickets: 0/0 for the rest.
    assert counts(row) == dict(received=3, accepted=2, not_accepted=1, closed=0, reopened=0, yellow_lights=2,
                               red_lights=0, notices=1, reminder_letter=1, supervision_form=0,
                               rectification_notice=0, interview_notice=0, referrals=0)
    assert rates(row) == dict(on_time_rate=(0, 1), first_contact_rate=(0, 2), resolution_rate=(0, 0),
                              satisfaction_rate=(0, 0), visit_coverage_rate=(0, 0))
    assert math.isnan(row["handling_days_median"]) and math.isnan(row["handling_days_p90"])
    assert str(rate(row, "satisfaction_rate")) == "— (0/0)"


def test_spanning_ticket_counts_in_november():
    row = compute_metrics(TICKETS, NOV, **KW).loc[C]
    # T5: received in Oct (not Nov), closed 11-03, due 11-04 -> on time 1/1, rated 满意 11-05 -> 1/1.
    # Mon 10-26 -> Tue 11-03: 27-30 (4) + 11-02, 11-03 (2) = 6 working days.
    assert (row["received"], row["closed"]) == (0, 1)
    assert rates(row) == dict(on_time_rate=(1, 1), first_contact_rate=(0, 0), resolution_rate=(1, 1),
                              satisfaction_rate=(1, 1), visit_coverage_rate=(1, 1))
    assert row["handling_days_median"] == 6


def test_district_october(october):
    row = october["district"].loc[DISTRICT]
    # sums of the units: received 2+2+3 = 7, accepted 6, excluded 1, closed 3+2+0 = 5;
    # on time 2+1+0 / 3+2+1 = 3/6; first contact 2+1+0 / 2+2+2 = 3/6; resolution 3+0 / 3+1 = 3/4;
    # satisfaction 3+0 / 3+1 = 3/4; coverage 3+1 / 3+2 = 4/5; lights yellow 1+2 = 3, red 1;
    # notices 1+1 = 2; referrals 1; days 5, 5, 6, 10, 12 -> median 6, p90 ceil(4.5) = 5th = 12.
    assert counts(row) == dict(received=7, accepted=6, not_accepted=1, closed=5, reopened=1, yellow_lights=3,
                               red_lights=1, notices=2, reminder_letter=1, supervision_form=1,
                               rectification_notice=0, interview_notice=0, referrals=1)
    assert rates(row) == dict(on_time_rate=(3, 6), first_contact_rate=(3, 6), resolution_rate=(3, 4),
                              satisfaction_rate=(3, 4), visit_coverage_rate=(4, 5))
    assert row["handling_days_median"] == 6 and row["handling_days_p90"] == 12
    assert str(rate(row, "on_time_rate")) == "50.0% (3/6)"


def test_townships_october(october):
    table = october["township"]
    assert list(table.index) == sorted([TS, WL])
    ts, wl = table.loc[TS], table.loc[WL]
    # 坛山 = T1, T3, T5, T7: received T1, T3, T5 = 3; closed T1, T3, T7 = 3; on time T1 ok, T3 late, T7 late
    # = 1/3; contact T1 ok, T3 ok, T5 late = 2/3; resolution T1, T7 solved, T3 not = 2/3; satisfaction 2/3;
    # coverage 3/3; lights through their tickets: T3 yellow + red; notice on T7; referral on T3.
    assert counts(ts) == dict(received=3, accepted=3, not_accepted=0, closed=3, reopened=1, yellow_lights=1,
                              red_lights=1, notices=1, reminder_letter=0, supervision_form=1,
                              rectification_notice=0, interview_notice=0, referrals=1)
    assert rates(ts) == dict(on_time_rate=(1, 3), first_contact_rate=(2, 3), resolution_rate=(2, 3),
                             satisfaction_rate=(2, 3), visit_coverage_rate=(3, 3))
    # 吴林 = T2, T4, T6, T8: received 4, excluded T6; closed T2, T4; on time T2, T4 ok, T8 late = 2/3;
    # contact T2 ok, T4 late, T8 never = 1/3; resolution T2 = 1/1; satisfaction T2 = 1/1; coverage 1/2.
    assert counts(wl) == dict(received=4, accepted=3, not_accepted=1, closed=2, reopened=0, yellow_lights=2,
                              red_lights=0, notices=1, reminder_letter=1, supervision_form=0,
                              rectification_notice=0, interview_notice=0, referrals=0)
    assert rates(wl) == dict(on_time_rate=(2, 3), first_contact_rate=(1, 3), resolution_rate=(1, 1),
                             satisfaction_rate=(1, 1), visit_coverage_rate=(1, 2))
    # 坛山 days 5, 10, 6 -> median 6, p90 10; 吴林 12, 5 -> median 8.5, p90 12.
    assert (ts["handling_days_median"], ts["handling_days_p90"]) == (6, 10)
    assert (wl["handling_days_median"], wl["handling_days_p90"]) == (8.5, 12)


def test_as_of_mid_month_hides_later_events_and_keeps_undue_tickets_pending():
    table = compute_metrics(TICKETS, OCT, as_of="2026-10-21 12:00", **KW)
    a, b = table.loc[A], table.loc[B]
    # A: T1 on time; T2 extended to 10-30, open at 10-21 12:00 -> pending, not counted; T7 late -> 1/2.
    # T2's visit on 10-29 has not happened: satisfaction T1, T7 -> 2/2.
    assert rates(a)["on_time_rate"] == (1, 2) and rates(a)["satisfaction_rate"] == (2, 2)
    # B: T3 due 10-22 and open -> pending; T4 resolved 10-21 11:00 on time -> 1/1.
    # T3's reopening (10-28) and its lights (10-23, 10-26) are in the future.
    assert rates(b)["on_time_rate"] == (1, 1)
    assert (b["reopened"], b["yellow_lights"], b["red_lights"]) == (0, 0, 0)
    # closed by then: A has T1 (10-16) and T7 (10-13); B has T4 (10-21 11:00).
    assert (a["closed"], b["closed"]) == (2, 1)


def test_past_month_does_not_move_when_later_rows_arrive(october):
    later = ticket("T9", A, TS, "2026-11-10 09:00", resolve_due_original="2026-11-20 17:30",
                   resolve_due="2026-11-20 17:30", resolved_at="2026-11-11 09:00", rating="满意",
                   visited_at="2026-11-12 09:00")
    again = compute_all(pd.concat([TICKETS, pd.DataFrame([later])], ignore_index=True), OCT, **KW)
    for by in ("unit", "township", "district"):
        pd.testing.assert_frame_equal(again[by], october[by])


def test_groups_lists_idle_units_with_zeros():
    table = compute_metrics(TICKETS, OCT, groups=[A, B, C, "区税务局"], **KW)
    assert list(table.index) == [A, B, C, "区税务局"]
    idle = table.loc["区税务局"]
    assert idle["received"] == 0 and str(rate(idle, "on_time_rate")) == "— (0/0)"


def test_date_only_due_means_end_of_that_day():
    t = pd.DataFrame([ticket("D1", A, TS, "2026-10-19 09:00", resolve_due_original="2026-10-20",
                             resolve_due="2026-10-20", resolved_at="2026-10-20 16:00")])
    row = compute_metrics(t, OCT, calendar=CAL).loc[A]
    assert rates(row)["on_time_rate"] == (1, 1)


def test_yes_no_cells_and_blank_ratings_are_read():
    t = pd.DataFrame([ticket("Y1", A, TS, "2026-10-19 09:00", accepted="是", resolved_at="2026-10-20 16:00",
                             finding="属实", solved="否", rating="  "),
                      ticket("Y2", A, TS, "2026-10-19 09:00", accepted="否", excluded_reason="民事纠纷")])
    row = compute_metrics(t, OCT, calendar=CAL).loc[A]
    assert (row["accepted"], row["not_accepted"]) == (1, 1)
    assert rates(row)["resolution_rate"] == (0, 1) and rates(row)["visit_coverage_rate"] == (0, 1)


def test_tz_aware_times_are_read_as_beijing_time():
    t = pd.DataFrame([ticket("Z1", A, TS, "2026-10-19 09:00", resolve_due_original="2026-10-20 17:30",
                             resolve_due="2026-10-20 17:30")])
    # 09:00 UTC on 10-20 is 17:00 in Beijing: before the 17:30 due.
    t["resolved_at"] = pd.Series([pd.Timestamp("2026-10-20 09:00", tz="UTC")])
    row = compute_metrics(t, OCT, calendar=CAL).loc[A]
    assert rates(row)["on_time_rate"] == (1, 1)


def test_calendar_may_be_a_plain_callable():
    table = compute_metrics(TICKETS, OCT, by="district", calendar=CAL.count_working_days_array)
    assert table.loc[DISTRICT, "handling_days_p90"] == 12


def test_bad_input_gets_a_chinese_message():
    with pytest.raises(MetricsInputError) as e:
        compute_metrics(TICKETS.drop(columns=["unit", "received"]), OCT, calendar=CAL)
    assert "缺少列" in str(e.value) and "unit" in str(e.value) and "received" in str(e.value)
    bad = TICKETS.copy()
    bad.loc[0, "resolved_at"] = "下周一"
    with pytest.raises(MetricsInputError, match="resolved_at"):
        compute_metrics(bad, OCT, calendar=CAL)
    with pytest.raises(MetricsInputError, match="是/否"):
        compute_metrics(TICKETS.assign(accepted="也许"), OCT, calendar=CAL)
    with pytest.raises(MetricsInputError, match="分组"):
        compute_metrics(TICKETS, OCT, calendar=CAL, by="category")
    with pytest.raises(MetricsInputError, match="count_working_days_array"):
        compute_metrics(TICKETS, OCT, calendar=object())


def test_rate_rendering():
    assert str(Rate(19, 20)) == "95.0% (19/20)"
    assert Rate(19, 20).value == 0.95 and Rate(0, 0).value is None and Rate(0, 0).percent is None
    assert str(Rate(0, 0)) == "— (0/0)"
    assert str(Rate(2, 3)) == "66.7% (2/3)"


@pytest.mark.parametrize("text, start, end", [
    ("2026-10", "2026-10-01", "2026-11-01"), ("2026-12", "2026-12-01", "2027-01-01"),
    ("2026Q3", "2026-07-01", "2026-10-01"), ("2026h2", "2026-07-01", "2027-01-01"),
    ("2026", "2026-01-01", "2027-01-01"),
])
def test_period_parse(text, start, end):
    p = Period.parse(text)
    assert (p.start, p.end) == (pd.Timestamp(start), pd.Timestamp(end))


def test_period_labels_and_errors():
    assert Period.parse("2026Q3").label == "2026年第三季度"
    assert Period.parse("2026H1").label == "2026年上半年"
    assert Period.parse("2026-10").label == "2026年10月"
    for text in ("2026-13", "2026Q5", "十月"):
        with pytest.raises(MetricsInputError, match="统计期间"):
            Period.parse(text)


def test_display_table_is_chinese(october):
    shown = display_table(october["unit"])
    assert shown.index.name == "承办单位"
    assert list(shown.columns) == [m.label for m in METRICS]
    assert shown.loc[A, "按时办结率"] == "66.7% (2/3)"
    assert shown.loc[C, "满意率"] == "— (0/0)"
    assert shown.loc[B, "办理用时中位数(工作日)"] == "7.5"
    assert shown.loc[C, "办理用时中位数(工作日)"] == "—"


def test_p90_is_nearest_rank():
    # ten tickets closed after 1, 2, ..., 10 working days (received Fri 10-09, resolved on the Nth working
    # day after): median (5 + 6) / 2 = 5.5; p90 = the ceil(0.9 * 10) = 9th smallest = 9, not 10 or 9.1.
    work = pd.bdate_range("2026-10-08", "2026-10-31").drop(pd.DatetimeIndex(["2026-10-08", "2026-10-09"]))
    rows = [ticket(f"P{i}", A, TS, "2026-10-09 09:00", resolved_at=work[i - 1] + pd.Timedelta(hours=10))
            for i in range(1, 11)]
    row = compute_metrics(pd.DataFrame(rows), OCT, calendar=CAL).loc[A]
    assert (row["handling_days_median"], row["handling_days_p90"]) == (5.5, 9)


def test_blank_accepted_cell_is_read_from_the_exclusion_reason():
    t = pd.DataFrame([ticket("E1", A, TS, "2026-10-19 09:00", accepted=None),
                      ticket("E2", A, TS, "2026-10-19 09:00", accepted=None, excluded_reason="涉及国家秘密"),
                      ticket("E3", A, TS, "2026-10-19 09:00", accepted=None, excluded_reason="  ")])
    row = compute_metrics(t, OCT, calendar=CAL).loc[A]
    assert (row["received"], row["accepted"], row["not_accepted"]) == (3, 2, 1)
    without = compute_metrics(t.drop(columns=["accepted"]), OCT, calendar=CAL).loc[A]
    assert (without["accepted"], without["not_accepted"]) == (2, 1)


def test_trend_over_months():
    q4 = Period.parse("2026Q4")
    assert [p.label for p in q4.months()] == ["2026年10月", "2026年11月", "2026年12月"]
    table = trend(TICKETS, [Period.month(2026, 9), *q4.months()], **KW)
    # received: Sep T7; Oct T1-T6, T8 = 7; closed: Oct T1, T2, T3, T4, T7 = 5; Nov T5 = 1.
    assert list(table.index) == ["2026年9月", "2026年10月", "2026年11月", "2026年12月"]
    assert list(table["received"]) == [1, 7, 0, 0] and list(table["closed"]) == [0, 5, 1, 0]
    # November: the rectification notice on T3 (11-02).
    assert list(table["rectification_notice"]) == [0, 0, 1, 0]
    counts = trend_counts(TICKETS, [Period.month(2026, 9), *q4.months()])
    assert counts.equals(table[["received", "closed"]].astype("int64"))
    # an excluded request with a 办结时间 typed anyway is received, never closed, in both
    odd = pd.concat([TICKETS, pd.DataFrame([ticket("T9", C, WL, "2026-10-20 10:00", accepted=False,
                                                   excluded_reason="属企业间民事纠纷", resolved_at="2026-10-22 10:00")])],
                    ignore_index=True)
    months = [Period.month(2026, 9), *q4.months()]
    odd_full, odd_counts = trend(odd, months, **KW), trend_counts(odd, months)
    assert list(odd_counts["received"]) == [1, 8, 0, 0] and list(odd_counts["closed"]) == [0, 5, 1, 0]
    assert odd_counts.equals(odd_full[["received", "closed"]].astype("int64"))


def test_breakdown_by_category():
    # received in Oct: T1 咨询, T4 意见建议, T2 T3 T5 T6 T8 投诉 (T6 excluded) -> 投诉 5 (4 accepted), 咨询 1, 意见建议 1.
    table = breakdown(TICKETS, OCT)
    assert table.to_dict("index") == {"投诉": {"received": 5, "accepted": 4}, "咨询": {"received": 1, "accepted": 1},
                                      "意见建议": {"received": 1, "accepted": 1}}
    assert list(table.index)[0] == "投诉"
    assert breakdown(TICKETS, OCT, "township").loc[WL, "received"] == 4


def test_undispatched_ticket_counts_for_township_and_district_only():
    t = pd.concat([TICKETS, pd.DataFrame([ticket("U1", None, TS, "2026-10-20 09:00")])], ignore_index=True)
    tables = compute_all(t, OCT, **KW)
    assert tables["unit"]["received"].sum() == 7            # unchanged: the new row has no unit
    assert tables["township"].loc[TS, "received"] == 3 + 1
    assert tables["district"].loc[DISTRICT, "received"] == 7 + 1


def test_ticket_closed_without_a_unit_counts_in_the_district_handling_days_only():
    # A 咨询 answered by the township on the spot: closed, never dispatched. It has no unit row (and used to
    # break the unit table's 90th percentile); the district's handling days include its 1 working day.
    spot = ticket("U2", None, TS, "2026-10-20 09:00", category="咨询", resolved_at="2026-10-21 10:00")
    t = pd.concat([TICKETS, pd.DataFrame([spot])], ignore_index=True)
    without = compute_all(TICKETS, OCT, **KW)
    tables = compute_all(t, OCT, **KW)
    pd.testing.assert_frame_equal(tables["unit"], without["unit"])
    assert tables["township"].loc[TS, "closed"] == without["township"].loc[TS, "closed"] + 1
    district = tables["district"].loc[DISTRICT]
    assert district["closed"] == without["district"].loc[DISTRICT, "closed"] + 1
    # The district's handling days are those of every ticket closed in October, the new one included.
    closed = t[t["resolved_at"].fillna("").str.startswith("2026-10")]
    days = sorted(CAL.count_working_days_array(pd.to_datetime(closed["received"]).values,
                                               pd.to_datetime(closed["resolved_at"]).values))
    assert len(days) == without["district"].loc[DISTRICT, "closed"] + 1
    assert district["handling_days_p90"] == days[math.ceil(0.9 * len(days)) - 1]
    assert district["handling_days_median"] == pd.Series(days).median()


def test_chinese_light_names_and_side_frame_errors():
    lights = LIGHTS.assign(light=LIGHTS["light"].map({"yellow": "黄灯", "red": "红灯"}))
    row = compute_metrics(TICKETS, OCT, calendar=CAL, lights=lights, by="district").loc[DISTRICT]
    assert (row["yellow_lights"], row["red_lights"]) == (3, 1)
    with pytest.raises(MetricsInputError, match="数据缺少列 at"):
        compute_metrics(TICKETS, OCT, calendar=CAL, lights=LIGHTS.drop(columns=["at"]))
    with pytest.raises(MetricsInputError, match="截至时间早于统计期间开始"):
        compute_metrics(TICKETS, OCT, calendar=CAL, as_of="2026-09-30")


@pytest.mark.parametrize("as_of", [None, "2026-10-17 12:00"])
def test_compute_all_sums_the_same_counts_as_each_grouping_alone(as_of):
    # compute_all works the per-ticket counts out once for its three tables; each must be what
    # compute_metrics gives for that grouping alone (a synthetic year with lights, notices and referrals).
    from bench.bench_metrics import synth_ledger
    tickets, lights, notices, referrals = synth_ledger(4000, seed=3, units=12, townships=5)
    kw = dict(calendar=WeekdayCalendar(), satisfied_levels=("满意", "基本满意"), lights=lights, notices=notices,
              referrals=referrals, as_of=as_of)
    units = sorted(tickets["unit"].dropna().unique())[:3] + ["区税务局"]
    tables = compute_all(tickets, OCT, groups=units, **kw)
    assert set(tables) == {"unit", "township", "district"}
    for by, table in tables.items():
        alone = compute_metrics(tickets, OCT, by=by, groups=units, **kw)
        pd.testing.assert_frame_equal(table, alone)
    assert tables["unit"]["received"].sum() > 0 and list(tables["unit"].index[:4]) == units
