"""A cycle that dies between any two of its steps, then runs again, leaves the same ledger and store as a
cycle that never died: no lost edit, no duplicate or missing number, no duplicate event.

Every step writes atomically (the workbook is replaced whole, the store commits per transaction), so dying
just after a step is what a kill at that moment leaves behind."""
from collections import Counter

import pytest

import config
from connector.xlsx import XlsxLedger
from jobs import clock
from jobs.cycle import run_cycle
from store import Store
from tests.ledgers import make_workbook, request, rows_of, set_cells


class Killed(BaseException):
    """Like SIGKILL for the cycle: not an Exception, so nothing in the cycle handles it."""


def _die_after(monkeypatch, cls, name, nth):
    real = getattr(cls, name)
    calls = Counter()

    def wrapper(self, *a, **kw):
        result = real(self, *a, **kw)
        calls[name] += 1
        if calls[name] == nth:
            raise Killed(f"{name} #{nth}")
        return result
    monkeypatch.setattr(cls, name, wrapper)


# Identities are claimed (reserve_row_ids) and numbered before the one write that puts them in the sheet;
# after the write come snapshots and events, ticket states, the ledger marks, then flags.
STEPS = [(Store, "reserve_row_ids", 1), (Store, "assign_numbers", 1), (XlsxLedger, "write", 1),
         (Store, "record_rows", 1), (Store, "save_ticket_states", 1), (Store, "set_ledger_marks", 1),
         (Store, "raise_flag", 1)]


def _district(tmp_path):
    tmp_path.mkdir(parents=True, exist_ok=True)
    (tmp_path / "jiesu.toml").write_text('profile = "gangnan"\n[ledger]\npath = "ledger.xlsx"\n'
                                         '[state]\nurl = "sqlite:///state.db"\n', encoding="utf-8")
    cfg = config.load(tmp_path / "jiesu.toml")
    make_workbook(tmp_path / "ledger.xlsx", [request(诉求企业=f"企业{i}", 受理时间=f"2026-11-02 0{i}:00")
                                             for i in range(1, 5)])
    return cfg, tmp_path / "ledger.xlsx"


def _outcome(cfg, path):
    """The ledger's rows (identities aside, they are random) and the event log by row number."""
    rows = [{k: v for k, v in r.items() if k != "记录标识"} for r in rows_of(path)]
    with Store(cfg.state.url) as store:
        events = Counter((e.number, e.column, e.old_value, e.new_value) for e in store.events(limit=10_000)
                         if e.column != "*")
        rows_seen = Counter(e.number for e in store.events(limit=10_000) if e.column == "*")
        numbers = sorted(store.numbers().values())
    return rows, events, rows_seen, numbers


def _life(cfg, path):
    run_cycle(cfg, now=clock.parse_now("2026-11-02T10:00", cfg.timezone))
    set_cells(path, "台账", {"诉求企业": "企业2"}, {"首次联系时间": "2026-11-02 11:00"})
    run_cycle(cfg, now=clock.parse_now("2026-11-02T12:00", cfg.timezone))


@pytest.mark.parametrize("cls,name,nth", STEPS, ids=[f"{c.__name__}.{n}#{k}" for c, n, k in STEPS])
def test_a_cycle_killed_after_any_step_recovers_exactly(tmp_path, monkeypatch, cls, name, nth):
    ref_cfg, ref_path = _district(tmp_path / "ref")
    _life(ref_cfg, ref_path)
    expected = _outcome(ref_cfg, ref_path)

    cfg, path = _district(tmp_path / "crash")
    with monkeypatch.context() as m:
        _die_after(m, cls, name, nth)
        with pytest.raises(Killed):
            run_cycle(cfg, now=clock.parse_now("2026-11-02T10:00", cfg.timezone))
    _life(cfg, path)
    rows, events, rows_seen, numbers = _outcome(cfg, path)
    assert rows == expected[0]                                        # same cells, same numbers, same rows
    assert numbers == [f"港〔2026〕第{i:04d}号" for i in range(1, 5)]   # no gap, no duplicate
    assert events == expected[1] and rows_seen == expected[2]        # each change recorded exactly once


@pytest.mark.parametrize("nth_update", [1, 2])
def test_a_submission_appended_just_before_a_crash_is_not_appended_again(tmp_path, monkeypatch, nth_update):
    """The claimed identity goes in the store first (intake_update #1), the row into the sheet, then the store
    hears it landed (intake_update #2): dying after either leaves one row, and it is numbered once."""
    cfg, path = _district(tmp_path)
    now = clock.parse_now("2026-11-02T10:00", cfg.timezone)
    with Store(cfg.state.url) as store:
        sub, _ = store.intake_add(request(诉求企业="网上企业", 受理时间="2026-11-02 09:45"), now)
    with monkeypatch.context() as m:
        _die_after(m, XlsxLedger if nth_update == 2 else Store, "write" if nth_update == 2 else "intake_update", 1)
        with pytest.raises(Killed):
            run_cycle(cfg, now=now)
    for minute in ("05", "10"):
        run_cycle(cfg, now=clock.parse_now(f"2026-11-02T10:{minute}", cfg.timezone))
    rows = [r for r in rows_of(path) if r["诉求企业"] == "网上企业"]
    assert len(rows) == 1 and rows[0]["诉求编号"]
    with Store(cfg.state.url) as store:
        s = store.intake_get(sub)
        assert s.appended_at is not None and s.row_id == rows[0]["记录标识"] and s.number == rows[0]["诉求编号"]
        assert sorted(store.numbers().values()) == [f"港〔2026〕第{i:04d}号" for i in range(1, 6)]
