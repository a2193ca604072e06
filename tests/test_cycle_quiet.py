"""Quiet cycles skip rows whose signature (cells as read, wanted service cells) is unchanged; whatever they
skip, every removal, return, edit and foreign snapshot is still recorded as a full cycle would."""
import openpyxl
import pytest

import config
from jobs import clock
from jobs.cycle import run_cycle
from store import ROW, Store
from tests.ledgers import make_workbook, request, rows_of, set_cells


@pytest.fixture
def settled(tmp_path):
    """A district whose rows the cycle has numbered, written and then seen settled (signatures noted)."""
    (tmp_path / "jiesu.toml").write_text('profile = "yicheng"\n[ledger]\npath = "ledger.xlsx"\n'
                                         '[state]\nurl = "sqlite:///state.db"\n', encoding="utf-8")
    cfg = config.load(tmp_path / "jiesu.toml")
    path = make_workbook(tmp_path / "ledger.xlsx", [request(诉求企业=f"企业{i}", 受理时间=f"2026-11-02 0{i}:00")
                                                    for i in range(1, 4)])
    for minute in ("00", "05"):
        run_cycle(cfg, now=at(f"2026-11-02T12:{minute}"))
    with Store(cfg.state.url) as store:
        assert all("sig" in s.state for s in store.ticket_states().values())
    return cfg, path


def at(text):
    return clock.parse_now(text, "Asia/Shanghai")


def _row_events(store, cycle_id):
    return [e for e in store.events(limit=10_000) if e.cycle_id == cycle_id]


def test_a_settled_cycle_writes_and_records_nothing_yet_sees_an_edit(settled):
    cfg, path = settled
    quiet = run_cycle(cfg, now=at("2026-11-02T12:10"))
    assert quiet.write_calls == 0 and quiet.events == 0 and quiet.rows == 3
    set_cells(path, "台账", {"诉求企业": "企业2"}, {"首次联系时间": "2026-11-02 12:30", "诉求编号": None})
    edited = run_cycle(cfg, now=at("2026-11-02T12:40"))
    assert rows_of(path)[1]["诉求编号"] == "〔2026〕第0002号"      # the wiped number is written back
    with Store(cfg.state.url) as store:
        changed = {(e.number, e.column, e.new_value) for e in _row_events(store, edited.cycle_id)}
    assert ("〔2026〕第0002号", "首次联系时间", "2026-11-02 12:30") in changed
    assert {n for n, *_ in changed} == {"〔2026〕第0002号"}


def test_a_removed_row_is_recorded_removed_and_recorded_again_when_it_comes_back(settled):
    cfg, path = settled
    wb = openpyxl.load_workbook(path)
    ws = wb["台账"]
    kept = [c.value for c in ws[3]]             # 企业2's row exactly as it was, identity included
    ws.delete_rows(3)
    wb.save(path)
    removed = run_cycle(cfg, now=at("2026-11-02T12:10"))
    with Store(cfg.state.url) as store:
        gone = [e for e in _row_events(store, removed.cycle_id) if e.column == ROW]
        assert len(gone) == 1 and gone[0].new_value is None and "企业2" in gone[0].old_value
        rid = gone[0].row_id
    assert removed.rows == 2

    wb = openpyxl.load_workbook(path)
    wb["台账"].append(kept)                      # pasted back unchanged: same cells, same signature
    wb.save(path)
    back = run_cycle(cfg, now=at("2026-11-02T12:15"))
    with Store(cfg.state.url) as store:
        again = [e for e in _row_events(store, back.cycle_id) if e.column == ROW]
        assert [(e.row_id, e.old_value) for e in again] == [(rid, None)] and "企业2" in again[0].new_value
        ledger_id = again[0].ledger_id
        assert rid in store.snapshots(ledger_id)
    assert back.rows == 3 and back.write_calls == 0


def test_a_snapshot_another_actor_recorded_is_diffed_again_by_the_cycle(settled):
    """A web action records its own snapshot; the cycle does not trust a signature over it."""
    cfg, path = settled
    with Store(cfg.state.url) as store:
        (ledger_id, rid), state = next((k, s) for k, s in store.ticket_states().items()
                                       if s.number == "〔2026〕第0001号")
        cells = store.snapshots(ledger_id)[rid]
        store.record_rows(ledger_id, {rid: {**cells, "联系人": "别人"}}, at("2026-11-02T12:07"), actor="web:x")
    cycle = run_cycle(cfg, now=at("2026-11-02T12:10"))
    with Store(cfg.state.url) as store:
        seen = [(e.column, e.old_value, e.new_value) for e in _row_events(store, cycle.cycle_id)]
        assert seen == [("联系人", "别人", cells["联系人"])]
        assert store.snapshots(ledger_id)[rid] == cells
    assert run_cycle(cfg, now=at("2026-11-02T12:15")).events == 0
