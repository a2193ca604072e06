"""The web service's tables on SQLite and PostgreSQL: accounts, attempts, nonces, cycle requests, decisions."""
from datetime import datetime, timedelta, timezone

import pytest

from store import Store

T0 = datetime(2026, 11, 5, 2, 0, tzinfo=timezone.utc)


@pytest.fixture
def store(db_url):
    s = Store(db_url)
    yield s
    s.close()


def test_accounts_are_created_then_updated_and_roles_are_checked(store):
    assert store.user_save("wang", "h1", "unit", T0, unit="区住建局") is True
    assert store.user_save("wang", "h2", "township", T0, township="坛山街道") is False
    rec = store.user_get("wang")
    assert (rec.password_hash, rec.role, rec.unit, rec.township) == ("h2", "township", None, "坛山街道")
    assert store.user_get("nobody") is None
    with pytest.raises(ValueError, match="角色"):
        store.user_save("x", "h", "admin", T0)
    assert [u.name for u in store.users()] == ["wang"]


def test_attempts_count_within_their_window(store):
    for i in range(3):
        store.attempt_add("login", "name:wang", T0 + timedelta(minutes=i), ok=False)
    store.attempt_add("login", "name:wang", T0 + timedelta(minutes=3), ok=True)
    assert store.attempt_count("login", "name:wang", T0) == 3
    assert store.attempt_count("login", "name:wang", T0, failed_only=False) == 4
    assert store.attempt_count("login", "name:wang", T0 + timedelta(minutes=2)) == 1
    assert store.attempt_count("track", "name:wang", T0) == 0
    assert store.attempt_prune(T0 + timedelta(minutes=2)) == 2


def test_a_nonce_is_accepted_once_within_its_window(store):
    assert store.nonce_use("n1", T0) is True
    assert store.nonce_use("n1", T0 + timedelta(seconds=10)) is False
    # Long after the window it is forgotten (the timestamp check refuses such an old call anyway).
    assert store.nonce_use("n1", T0 + timedelta(hours=1), keep_seconds=900) is True


def test_cycle_requests_coalesce_and_are_taken_once(store):
    assert store.request_cycle("坛山街道", T0) is True
    assert store.request_cycle("坛山街道", T0 + timedelta(seconds=1)) is False
    assert store.request_cycle("吴林街道", T0 + timedelta(seconds=2)) is True
    assert store.take_cycle_requests() == ["坛山街道", "吴林街道"]
    assert store.take_cycle_requests() == []


def test_decisions_stay_open_until_done_and_events_keep_the_actor(store):
    did = store.decision_add("interview_notice", "台账", "R1", {"reason": "多次超期"}, "coord", T0,
                             number="〔2026〕第0001号", unit="区住建局")
    [open_one] = store.decisions(kind="interview_notice", open_only=True)
    assert (open_one.id, open_one.detail, open_one.unit) == (did, {"reason": "多次超期"}, "区住建局")
    store.decision_done(did, T0 + timedelta(hours=1))
    assert store.decisions(open_only=True) == [] and store.decisions()[0].done_at is not None
    store.event_add("台账", "R1", "约谈通知书", None, "决定发出：多次超期", T0, actor="web:coord", number="〔2026〕第0001号")
    [event] = store.events(row_id="R1")
    assert (event.column, event.actor, event.number) == ("约谈通知书", "web:coord", "〔2026〕第0001号")


def test_a_ticket_is_found_by_its_number(store):
    from store import TicketStateRecord
    store.save_ticket_states([TicketStateRecord("台账", "R1", "〔2026〕第0001号", "区住建局", "正常", {"stage": "办理中"}),
                              TicketStateRecord("台账", "R2", None, None, "待定", {})], T0)
    found = store.ticket_state_by_number("〔2026〕第0001号")
    assert (found.row_id, found.state) == ("R1", {"stage": "办理中"})
    assert store.ticket_state_by_number("〔2026〕第0002号") is None


def test_one_rows_state_and_cells_are_read_alone(store):
    from store import TicketStateRecord
    store.save_ticket_states([TicketStateRecord("台账", "R1", None, None, "待定", {"stage": "待派单"})], T0)
    store.record_rows("台账", {"R1": {"诉求企业": "某公司"}, "R2": {"诉求企业": "另一家"}}, T0)
    assert store.ticket_state_of("台账", "R1").state == {"stage": "待派单"}
    assert store.ticket_state_of("台账", "R2") is None and store.ticket_state_of("别的", "R1") is None
    assert store.snapshot_of("台账", "R2") == {"诉求企业": "另一家"} and store.snapshot_of("台账", "R9") == {}
