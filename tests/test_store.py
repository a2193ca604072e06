"""The state store on SQLite and PostgreSQL: schema, outbox, leases, snapshots and events, supervision records."""
import textwrap
from datetime import datetime, timedelta, timezone

import pytest
from sqlalchemy import inspect

from procs import run_together
from store import ROW, Store, StoreError
from store.db import current_revision, head_revision, include_object

T0 = datetime(2026, 3, 5, 1, 0, tzinfo=timezone.utc)


@pytest.fixture
def store(db_url):
    s = Store(db_url)
    yield s
    s.close()


def msg(n=1, **kw):
    m = {"to": [f"unit{n}@example.gov.cn"], "cc": ["coord@example.gov.cn"], "subject": f"督办单 {n}",
         "text": "请于5日内反馈", "html": "<p>请于5日内反馈</p>",
         "attachments": [{"filename": "督办单.pdf", "content_type": "application/pdf", "data": b"%PDF-1.7 \x00\xff"}]}
    m.update(kw)
    return m


def test_migrated_schema_matches_the_models(db_url):
    from alembic.autogenerate import compare_metadata
    from alembic.runtime.migration import MigrationContext
    from store.models import Base

    s = Store(db_url)
    try:
        assert current_revision(s.engine) == head_revision()
        with s.engine.connect() as conn:
            diffs = compare_metadata(MigrationContext.configure(conn), Base.metadata)
        assert diffs == []
        # APScheduler keeps its job store in the same database; migrations leave that table alone.
        from apscheduler.jobstores.sqlalchemy import SQLAlchemyJobStore
        from apscheduler.schedulers.background import BackgroundScheduler
        SQLAlchemyJobStore(engine=s.engine).start(BackgroundScheduler(), "default")
        Store(db_url).close()  # opening again is a no-op upgrade
        assert current_revision(s.engine) == head_revision()
        with s.engine.connect() as conn:
            opts = {"include_object": include_object}
            assert compare_metadata(MigrationContext.configure(conn, opts=opts), Base.metadata) == []
            assert "apscheduler_jobs" in inspect(conn).get_table_names()
    finally:
        s.close()


def test_unsupported_url_is_a_clear_error():
    with pytest.raises(StoreError, match="不支持"):
        Store("mysql://localhost/x")
    with pytest.raises(StoreError, match="无效"):
        Store("not a url")
    with pytest.raises(StoreError, match="无法打开状态库") as err:
        Store("postgresql+psycopg://jiesu:secret@127.0.0.1:1/jiesu")
    assert "secret" not in str(err.value)
    with pytest.raises(StoreError, match="无法创建状态库目录"):
        Store("sqlite:////proc/jiesu/state.db")


def test_store_from_config(tmp_path):
    import config
    cfg = config.load(None, env={"JIESU_VAR_DIR": str(tmp_path / "var")})
    with Store.from_config(cfg) as s:
        assert s.acquire_lease("scheduler", "me", 30, T0)
    assert (tmp_path / "var" / "state.db").exists()


def test_outbox_records_each_key_once_and_keeps_attachments_exactly(store):
    assert store.outbox_enqueue("T1|督办单|reply|1", msg(), now=T0) is True
    assert store.outbox_enqueue("T1|督办单|reply|1", msg(subject="changed"), now=T0) is False
    [item] = store.outbox_list()
    assert (item.status, item.subject, item.to, item.cc, item.attempts) == ("queued", "督办单 1",
                                                                            ["unit1@example.gov.cn"],
                                                                            ["coord@example.gov.cn"], 0)
    assert item.attachments == [{"filename": "督办单.pdf", "content_type": "application/pdf", "data": None,
                                  "size": 11}]
    assert store.outbox_get(item.id).attachments[0]["data"] == b"%PDF-1.7 \x00\xff"


def test_outbox_rejects_a_malformed_message_and_stores_nothing(store):
    with pytest.raises(ValueError, match="to"):
        store.outbox_enqueue("k", {"to": [], "subject": "x", "text": "y"})
    with pytest.raises(ValueError, match="unknown keys: bcc"):
        store.outbox_enqueue("k", {"to": ["a@b.cn"], "subject": "x", "text": "y", "bcc": ["c@d.cn"]})
    assert store.outbox_list() == []


def test_outbox_lifecycle_retry_backoff_and_permanent_failure(store):
    store.outbox_enqueue("a", msg(1), now=T0)
    store.outbox_enqueue("b", msg(2), now=T0)
    store.outbox_enqueue("later", msg(3), now=T0, not_before=T0 + timedelta(hours=8))
    claimed = store.outbox_claim(T0, limit=10)
    assert [c.key for c in claimed] == ["a", "b"]
    assert claimed[0].attachments[0]["data"] == b"%PDF-1.7 \x00\xff"
    assert all(c.status == "sending" and c.attempts == 1 for c in claimed)
    assert store.outbox_claim(T0, limit=10) == []  # nothing is claimed twice
    a, b = claimed
    store.outbox_sent(a.id, T0)
    store.outbox_failed(b.id, T0, "421 try later", permanent=False, retry_at=T0 + timedelta(minutes=5))
    assert store.outbox_claim(T0 + timedelta(minutes=4), 10) == []
    [again] = store.outbox_claim(T0 + timedelta(minutes=5), 10)
    assert (again.key, again.attempts, again.last_error) == ("b", 2, "421 try later")
    store.outbox_failed(again.id, T0, "550 no such user", permanent=True)
    assert store.outbox_claim(T0 + timedelta(days=30), 10)[0].key == "later"  # b waits for a person
    [failed] = store.outbox_list("failed")
    assert (failed.key, failed.permanent, failed.last_error) == ("b", True, "550 no such user")
    assert [i.key for i in store.outbox_list("sent")] == ["a"] and store.outbox_list("sent")[0].sent_at == T0
    assert store.outbox_retry(failed.id, now=T0) == 1
    assert [c.key for c in store.outbox_claim(T0, 10)] == ["b"]
    with pytest.raises(ValueError, match="未知状态"):
        store.outbox_list("lost")


def test_a_message_left_sending_by_a_crashed_worker_is_claimed_again_once_stale(store):
    store.outbox_enqueue("a", msg(), now=T0)
    [first] = store.outbox_claim(T0, 1)
    assert store.outbox_claim(T0 + timedelta(minutes=5), 1, stale_after_seconds=600) == []
    [taken] = store.outbox_claim(T0 + timedelta(minutes=11), 1, stale_after_seconds=600)
    assert taken.id == first.id and taken.attempts == 2


CLAIMER = textwrap.dedent("""
    import sys, time, json
    from datetime import datetime, timezone
    from store import Store
    s = Store(sys.argv[1])
    now = datetime(2026, 3, 5, 2, tzinfo=timezone.utc)
    ready_then_wait()
    got = []
    while True:
        items = s.outbox_claim(now, 3)
        if not items:
            break
        got += [i.key for i in items]
    print(json.dumps(got))
""")


def test_two_workers_never_claim_the_same_message(db_url):
    import json
    s = Store(db_url)
    for i in range(60):
        s.outbox_enqueue(f"k{i}", msg(i), now=T0)
    results = [json.loads(out) for out in run_together(CLAIMER, [[db_url], [db_url]])]
    assert not set(results[0]) & set(results[1])
    assert sorted(results[0] + results[1]) == sorted(f"k{i}" for i in range(60))
    assert all(i.attempts == 1 for i in s.outbox_list("sending"))
    s.close()


def test_lease_is_exclusive_until_it_expires_or_is_released(store):
    assert store.acquire_lease("scheduler", "web-1", 30, T0)
    assert not store.acquire_lease("scheduler", "web-2", 30, T0 + timedelta(seconds=10))
    assert store.lease_holder("scheduler", T0 + timedelta(seconds=10)) == "web-1"
    assert store.renew_lease("scheduler", "web-1", 30, T0 + timedelta(seconds=20))
    assert not store.acquire_lease("scheduler", "web-2", 30, T0 + timedelta(seconds=40))  # renewed to 50 s
    assert store.acquire_lease("scheduler", "web-2", 30, T0 + timedelta(seconds=50))      # expired: taken over
    assert not store.renew_lease("scheduler", "web-1", 30, T0 + timedelta(seconds=51))    # web-1 must stop
    assert not store.release_lease("scheduler", "web-1")
    assert store.release_lease("scheduler", "web-2")
    assert store.lease_holder("scheduler", T0 + timedelta(seconds=52)) is None
    assert store.acquire_lease("scheduler", "web-1", 30, T0 + timedelta(seconds=52))
    assert store.acquire_lease("other", "web-2", 30, T0)  # leases are independent by name


LEASER = textwrap.dedent("""
    import sys, time, json
    from datetime import datetime, timezone
    from store import Store
    url, me = sys.argv[1], sys.argv[2]
    s = Store(url)
    now = datetime(2026, 3, 5, 2, tzinfo=timezone.utc)
    ready_then_wait()
    print(json.dumps([n for n in range(25) if s.acquire_lease(f"lease{n}", me, 60, now)]))
""")


def test_two_processes_starting_together_get_each_lease_exactly_once(db_url):
    import json
    Store(db_url).close()
    won = [set(json.loads(out)) for out in run_together(LEASER, [[db_url, "proc-a"], [db_url, "proc-b"]])]
    assert not won[0] & won[1]
    assert won[0] | won[1] == set(range(25))


def test_rows_diff_into_events_once_and_rerun_records_nothing(store):
    cid = store.cycle_start(T0)
    rows = {"id-1": {"诉求企业": "峄城区某食品有限公司", "联系电话": "13906321234", "备注": None},
            "id-2": {"诉求企业": "某机械厂", "受理时间": datetime(2026, 3, 5, 9, 30)}}
    first = store.record_rows("城关街道", rows, T0, cycle_id=cid)
    assert [(e.row_id, e.column) for e in first] == [("id-1", ROW), ("id-2", ROW)]
    assert store.snapshots("城关街道")["id-2"] == {"诉求企业": "某机械厂", "受理时间": "2026-03-05 09:30:00"}
    assert store.record_rows("城关街道", rows, T0 + timedelta(minutes=5)) == []
    edited = {"id-1": {"诉求企业": "峄城区某食品有限公司", "联系电话": "0632-7711401", "备注": "已电话联系"},
              "id-2": {"诉求企业": "某机械厂", "受理时间": ""}}
    t1 = T0 + timedelta(minutes=10)
    changes = store.record_rows("城关街道", edited, t1, cycle_id=cid, actor="clerk@cg",
                                numbers={"id-1": "〔2026〕第0001号"})
    assert sorted((e.row_id, e.column, e.old_value, e.new_value) for e in changes) == [
        ("id-1", "备注", None, "已电话联系"), ("id-1", "联系电话", "13906321234", "0632-7711401"),
        ("id-2", "受理时间", "2026-03-05 09:30:00", None)]
    log = store.events(number="〔2026〕第0001号")
    assert {(e.column, e.actor, e.cycle_id, e.seen_at) for e in log} == {("联系电话", "clerk@cg", cid, t1),
                                                                          ("备注", "clerk@cg", cid, t1)}
    assert len(store.events(ledger_id="城关街道")) == 5
    assert store.events(ledger_id="坛山街道") == []
    removed = store.record_rows("城关街道", {"id-1": edited["id-1"]}, t1, complete=True)
    assert [(e.row_id, e.column, e.new_value) for e in removed] == [("id-2", ROW, None)]
    assert set(store.snapshots("城关街道")) == {"id-1"}
    store.cycle_finish(cid, t1, "ok")
    assert store.last_cycle().id == cid and store.last_cycle().finished_at == t1


def test_a_cycle_crashing_mid_record_leaves_no_partial_events(store):
    store.record_rows("L", {"a": {"x": "1"}}, T0)

    class Boom(dict):
        def items(self):
            yield "a", {"x": "2"}
            raise RuntimeError("killed")

    with pytest.raises(RuntimeError):
        store.record_rows("L", Boom(a={"x": "2"}), T0)
    assert store.snapshots("L") == {"a": {"x": "1"}} and len(store.events()) == 1
    assert [e.column for e in store.record_rows("L", {"a": {"x": "2"}}, T0)] == ["x"]
    assert len(store.events()) == 2


def test_lights_are_events_kept_once_and_queried_by_month(store):
    assert store.record_light("〔2026〕第0001号", "区市场监管局", "yellow", "reply", T0)
    assert not store.record_light("〔2026〕第0001号", "区市场监管局", "yellow", "reply", T0 + timedelta(hours=1))
    assert store.record_light("〔2026〕第0001号", "区市场监管局", "red", "reply", T0 + timedelta(days=1))
    assert store.record_light("〔2026〕第0001号", "区市场监管局", "yellow", "reply", T0 + timedelta(days=9), round=2)
    assert store.record_light("〔2026〕第0007号", "区市场监管局", "yellow", "resolve", datetime(2026, 4, 1, tzinfo=timezone.utc))
    march = store.lights(unit="区市场监管局", light="yellow", since=datetime(2026, 3, 1, tzinfo=timezone.utc),
                         until=datetime(2026, 4, 1, tzinfo=timezone.utc))
    assert [(l.ticket, l.round) for l in march] == [("〔2026〕第0001号", 1), ("〔2026〕第0001号", 2)]
    with pytest.raises(ValueError, match="yellow"):
        store.record_light("x", "u", "green", "reply", T0)


def test_flags_open_once_resolve_and_reopen(store):
    key = "calendar-missing-2027"
    assert store.raise_flag(key, "calendar", "请在工作日历中录入2027年节假日安排", T0)
    assert not store.raise_flag(key, "calendar", "请在工作日历中录入2027年节假日安排（3张工单待定）", T0)
    [f] = store.flags()
    assert f.message.endswith("待定）") and f.raised_at == T0
    assert store.resolve_flag(key, T0 + timedelta(days=1)) and not store.resolve_flag(key, T0)
    assert store.flags() == [] and len(store.flags(open_only=False)) == 1
    assert store.raise_flag(key, "calendar", "again", T0 + timedelta(days=2))


def test_job_runs_and_intake_submissions(store):
    run = store.job_run_start("sync", T0, holder="worker-1")
    store.job_run_finish(run, T0 + timedelta(seconds=3), "failed", "ledger unreachable")
    [r] = store.job_runs("sync")
    assert (r.status, r.error, r.holder, r.finished_at) == ("failed", "ledger unreachable", "worker-1",
                                                            T0 + timedelta(seconds=3))
    fields = {"诉求企业": "某科技有限公司", "联系电话": "13800000000", "主要诉求": "办理施工许可证受阻"}
    sid, created = store.intake_add(fields, T0, source_key="12345.xlsx:sha1:row7")
    assert created and store.intake_add(fields, T0, source_key="12345.xlsx:sha1:row7") == (sid, False)
    web_id, _ = store.intake_add(fields, T0)
    assert [s.id for s in store.intake_pending()] == [sid, web_id]
    store.intake_update(sid, number="〔2026〕第0009号", ledger_id="城关街道", row_id="id-9", appended_at=T0)
    got = store.intake_get(sid)
    assert (got.fields, got.number, got.row_id, got.appended_at) == (fields, "〔2026〕第0009号", "id-9", T0)
    assert [s.id for s in store.intake_pending()] == [web_id]


def test_sqlite_reads_do_not_wait_for_a_writer(tmp_path):
    import sqlite3
    s = Store(f"sqlite:///{tmp_path / 'state.db'}")
    s.record_rows("L", {"a": {"x": "1"}}, T0)
    writer = sqlite3.connect(tmp_path / "state.db", isolation_level=None)
    writer.execute("BEGIN IMMEDIATE")
    writer.execute("UPDATE row_snapshots SET cells = '{\"x\": \"2\"}'")
    try:
        # Would wait out the busy timeout and fail if reads took the write lock.
        assert s.snapshots("L") == {"a": {"x": "1"}}
        assert s.outbox_list() == [] and s.lease_holder("scheduler", T0) is None
    finally:
        writer.execute("ROLLBACK")
        writer.close()
        s.close()


HOLDER = textwrap.dedent("""
    import sys, time
    from datetime import datetime, timezone
    from store import Store
    s = Store(sys.argv[1])
    assert s.acquire_lease("scheduler", "holder", 1.0, datetime.now(timezone.utc))
    while True:  # renew every 0.2 s, reporting each renewal, until killed
        now = datetime.now(timezone.utc)
        assert s.renew_lease("scheduler", "holder", 1.0, now)
        print(now.isoformat(), flush=True)
        time.sleep(0.2)
""")

WAITER = textwrap.dedent("""
    import sys, time
    from datetime import datetime, timezone
    from store import Store
    s = Store(sys.argv[1])
    refused = False
    while True:
        now = datetime.now(timezone.utc)
        if s.acquire_lease("scheduler", "waiter", 1.0, now):
            print("taken", now.isoformat(), flush=True)
            break
        if not refused:
            print("refused", flush=True)
            refused = True
        time.sleep(0.05)
""")


def test_a_killed_scheduler_is_replaced_only_after_its_lease_expires(db_url):
    import signal
    import subprocess
    import sys
    Store(db_url).close()
    holder = subprocess.Popen([sys.executable, "-c", HOLDER, db_url], stdout=subprocess.PIPE, text=True)
    waiter = None
    try:
        first = holder.stdout.readline()  # it holds the lease now
        waiter = subprocess.Popen([sys.executable, "-c", WAITER, db_url], stdout=subprocess.PIPE, text=True)
        assert waiter.stdout.readline().strip() == "refused"  # the live holder keeps it
        holder.send_signal(signal.SIGKILL)  # no release: the lease must run out first
        holder.wait()
        renewals = [datetime.fromisoformat(line.strip()) for line in [first, *holder.stdout.read().splitlines()]]
        word, taken_at = waiter.stdout.readline().split()
        assert word == "taken"
        assert datetime.fromisoformat(taken_at) >= renewals[-1] + timedelta(seconds=1.0)
        s = Store(db_url)
        assert s.lease_holder("scheduler", datetime.fromisoformat(taken_at)) == "waiter"
        s.close()
    finally:
        for p in (holder, waiter):
            if p is not None and p.poll() is None:
                p.kill()


def test_ticket_states_round_trip_and_upsert(db_url):
    from datetime import datetime, timezone
    from store import Store, TicketStateRecord
    now = datetime(2026, 11, 2, 1, 0, tzinfo=timezone.utc)
    with Store(db_url) as store:
        first = TicketStateRecord("台账", "Rabc", None, "区住建局", "正常",
                                  {"round": 1, "dues": {"resolve": "2026-11-11T23:59:59+08:00"}})
        assert store.save_ticket_states([first], now) == 1
        got = store.ticket_states()[("台账", "Rabc")]
        assert got.state == first.state and got.unit == "区住建局" and got.updated_at == now
        second = TicketStateRecord("台账", "Rabc", "〔2026〕第0001号", "区住建局", "已超期", {"round": 2})
        store.save_ticket_states([second], now)
        states = store.ticket_states("台账")
        assert len(states) == 1 and states[("台账", "Rabc")].number == "〔2026〕第0001号"
        assert states[("台账", "Rabc")].state == {"round": 2} and store.ticket_states("其他") == {}


def test_marks_reservations_and_recheck_times_on_both_backends(store):
    from store import Mark, Reservation, TicketStateRecord
    store.set_ledger_marks([Mark("L", "d1", "c1", 3, 1, 0), Mark("M", "d2", "c2", 5, 0, 2)], [], T0)
    store.set_ledger_marks([Mark("L", "d9", "c1", 4, 0, 0)], ["M"], T0 + timedelta(minutes=5))
    marks = store.ledger_marks()
    assert set(marks) == {"L"} and (marks["L"].digest, marks["L"].rows) == ("d9", 4)
    assert marks["L"].marked_at == T0 + timedelta(minutes=5)
    # another actor recording the ledger forgets its mark
    store.record_rows("L", {"r1": {"x": "1"}}, T0, actor="web:coordinator")
    assert store.ledger_marks() == {}

    store.reserve_row_ids([Reservation("L", "R1", "fp", 2), Reservation("L", "R2", "fp", 3)], T0)
    store.reserve_row_ids([Reservation("L", "R1", "other", 9)], T0)    # claimed once: kept as first claimed
    assert [(r.row_id, r.content, r.row_number) for r in store.row_reservations("L")] == [("R1", "fp", 2),
                                                                                        ("R2", "fp", 3)]
    store.release_row_reservations("L", ["R1"])
    assert [r.row_id for r in store.row_reservations("L")] == ["R2"]

    soon, later = T0 + timedelta(hours=1), T0 + timedelta(days=2)
    store.save_ticket_states([
        TicketStateRecord("L", "a", "N1", "局", "正常", {"settled": "k1"}, recheck_at=soon),
        TicketStateRecord("L", "b", "N2", "局", "已办结", {}, recheck_at=None),
        TicketStateRecord("L", "c", None, None, "", {"errors": True}, recheck_at=later)], T0)
    assert set(store.ticket_states("L", recheck_by=T0 + timedelta(hours=2))) == {("L", "a")}
    assert set(store.ticket_states("L", row_ids=["b", "c", "zz"])) == {("L", "b"), ("L", "c")}
    briefs = store.ticket_briefs("L")
    assert (briefs["a"].number, briefs["a"].recheck_at, briefs["a"].settled) == ("N1", soon, "k1")
    assert briefs["b"].settled is None and briefs["c"].number is None
