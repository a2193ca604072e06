"""The change counter on SQLite and PostgreSQL: what ticket_changes(since) returns after states and snapshots
are written, rewritten and deleted, by this Store object or another one on the same database."""
from datetime import datetime, timedelta, timezone

from store import Store, TicketStateRecord

T0 = datetime(2026, 11, 2, 1, 0, tzinfo=timezone.utc)


def _state(row_id, status="正常", unit="区住建局"):
    return TicketStateRecord("台账", row_id, None, unit, status, {"round": 1, "status": status})


def test_changes_since_a_version_on_both_backends(db_url):
    with Store(db_url) as store, Store(db_url) as other:
        empty = store.ticket_changes(None)
        assert empty.version == 0 and empty.states == {} and (empty.state_count, empty.snapshot_count) == (0, 0)
        store.save_ticket_states([_state("r1"), _state("r2")], T0)
        store.record_rows("台账", {"r1": {"诉求企业": "甲"}, "r2": {"诉求企业": "乙"}}, T0, cycle_id=1)
        full = store.ticket_changes(None)
        assert set(full.states) == {("台账", "r1"), ("台账", "r2")} and full.cells[("台账", "r2")] == {"诉求企业": "乙"}
        assert full.states[("台账", "r1")].state == {"round": 1, "status": "正常"} and full.version >= 2
        slim = store.ticket_changes(None, state_keys=("status", "absent"), cell_keys=("诉求企业",))
        assert slim.states[("台账", "r1")].state == {"status": "正常"} and slim.cells[("台账", "r1")] == {"诉求企业": "甲"}

        # Nothing written since: nothing returned, not even the counts.
        same = store.ticket_changes(full.version)
        assert same.version == full.version and not same.changed and same.states == {} and same.cells == {}

        # Another Store object (another process) writes one state with an *earlier* clock: still seen.
        other.save_ticket_states([_state("r2", "已超期")], T0 - timedelta(days=1))
        ch = store.ticket_changes(full.version)
        assert ch.changed and list(ch.states) == [("台账", "r2")] and ch.states[("台账", "r2")].status == "已超期"
        assert ch.cells == {} and (ch.state_count, ch.snapshot_count) == (2, 2)

        # An unchanged row is not rewritten, so it is not reported; a removed row leaves the snapshot count.
        other.record_rows("台账", {"r1": {"诉求企业": "甲"}}, T0, cycle_id=2, complete=True)
        gone = store.ticket_changes(ch.version)
        assert gone.changed and gone.cells == {} and gone.snapshot_count == 1
        assert store.ticket_keys() == ({("台账", "r1"), ("台账", "r2")}, {("台账", "r1")})
        other.record_rows("台账", {"r1": {"诉求企业": "甲（改）"}}, T0, actor="web:coord")
        edited = store.ticket_changes(gone.version)
        assert edited.cells == {("台账", "r1"): {"诉求企业": "甲（改）"}} and edited.version > gone.version
