"""A ledger unchanged since the last cycle (its mark matches) is not looked at row by row: only the tickets
whose decision may change with time are decided again. Whatever it skips, the sheet, the event log, the ticket
states and the flags must be exactly what a cycle looking at every row would leave."""
from collections import Counter

import pytest

import config
import jobs.cycle
from jobs import clock
from jobs.cycle import run_cycle
from store import Store
from tests.ledgers import make_workbook, request, rows_of, set_cells, type_rows

ROWS = [request(诉求企业="企业1", 受理时间="2026-11-02 08:30", 诉求类别="投诉", 投诉对象="区市场监管局"),
        request(诉求企业="企业2", 受理时间="2026-11-02 10:00", 诉求类别="求助"),
        request(诉求企业="企业3", 受理时间="2026-11-03 16:00", 诉求类别="咨询", 主要诉求="招工补贴社保政策咨询"),
        request(诉求企业="企业4", 受理时间="2026-11-04 09:15", 诉求类别="意见建议", 主要诉求="建议增设公交站"),
        # flagged for the coordinator until someone re-dispatches it: the flag must stay open in quiet cycles
        request(诉求企业="企业6", 受理时间="2026-11-02 09:00", 诉求类别="投诉", 承办单位="区住建局",
                投诉对象="区住建局")]


def _edit(path, when):
    """What people type between cycles, by the cycle's time."""
    if when == "2026-11-03T12:00":
        set_cells(path, "台账", {"诉求企业": "企业2"}, {"首次联系时间": "2026-11-03 11:00"})
    elif when == "2026-11-04T00:00":   # an edit in the very cycle in which other tickets' dues pass
        set_cells(path, "台账", {"诉求企业": "企业3"}, {"首次联系时间": "2026-11-03 20:00"})
    elif when == "2026-11-04T18:00":
        type_rows(path, "台账", [request(诉求企业="企业5", 受理时间="2026-11-04 17:00", 诉求类别="求助")])
    elif when == "2026-11-05T12:00":   # the district's directory changes: every ledger must be looked at
        type_rows(path, "承办单位", [{"单位名称": "区交通局", "单位层级": "区直部门"}])
    elif when == "2026-11-06T12:00":   # an extra day off moves dues
        type_rows(path, "工作日历", [{"日期": "2026-11-09", "类型": "休", "名称": "临时调休"}])
    elif when == "2026-11-07T12:00":   # a repeat of 企业4's request: 企业4's own row gets a warning, unedited
        type_rows(path, "台账", [request(诉求企业="企业4", 受理时间="2026-11-07 10:00", 诉求类别="意见建议",
                                         主要诉求="建议增设公交站")])
    elif when == "2026-11-09T12:00":   # the first one is reworded: the repeat, unedited, is no longer one
        set_cells(path, "台账", {"诉求企业": "企业4", "受理时间": "2026-11-04 09:15"},
                  {"主要诉求": "建议园区门口增设红绿灯"})
    elif when == "2026-11-10T12:00":
        set_cells(path, "台账", {"诉求企业": "企业5"}, {"答复时间": "2026-11-10 11:00"})


TIMES = [f"2026-11-{d:02d}T{h:02d}:00" for d in range(2, 14) for h in (0, 6, 12, 18)][2:]


def _life(tmp_path, monkeypatch, *, marks: bool):
    """Run the district through TIMES; returns what it leaves after each cycle and how many sheets were
    validated row by row."""
    tmp_path.mkdir()
    (tmp_path / "jiesu.toml").write_text('profile = "yicheng"\n[ledger]\npath = "ledger.xlsx"\n'
                                         '[state]\nurl = "sqlite:///state.db"\n', encoding="utf-8")
    cfg = config.load(tmp_path / "jiesu.toml")
    path = make_workbook(tmp_path / "ledger.xlsx", ROWS)
    validated = Counter()
    real_validate, real_decide = jobs.cycle.validate_sheet, jobs.cycle.decide

    def validate(*a, **kw):
        validated["sheets"] += 1
        return real_validate(*a, **kw)

    def decide(*a, **kw):
        validated["decisions"] += 1
        return real_decide(*a, **kw)
    with monkeypatch.context() as m:
        m.setattr(jobs.cycle, "validate_sheet", validate)
        m.setattr(jobs.cycle, "decide", decide)
        if not marks:
            m.setattr(Store, "ledger_marks", lambda self: {})
        outcomes = []
        for when in TIMES:
            _edit(path, when)
            report = run_cycle(cfg, now=clock.parse_now(when, cfg.timezone))
            outcomes.append((when, _outcome(cfg, path, report)))
    return outcomes, validated


def _outcome(cfg, path, report):
    rows = [{k: v for k, v in r.items() if k != "记录标识"} for r in rows_of(path)]
    with Store(cfg.state.url) as store:
        events = sorted((e.number or "", e.column, e.old_value or "", e.new_value or "")
                        for e in store.events(limit=10_000) if e.cycle_id == report.cycle_id)
        states = sorted((s.number or "", s.status, s.recheck_at and s.recheck_at.isoformat() or "",
                         repr(sorted((k, v) for k, v in s.state.items() if k not in ("sig", "settled"))))
                        for s in store.ticket_states().values())
        flags = sorted((f.kind, f.ticket or "", f.message) for f in store.flags(open_only=True))
    return rows, events, states, flags, (report.rows, report.errors, report.warnings, report.flags,
                                         report.numbered, report.written_cells)


def test_skipping_unchanged_ledgers_leaves_what_looking_at_every_row_leaves(tmp_path, monkeypatch):
    skipping, looked = _life(tmp_path / "marks", monkeypatch, marks=True)
    full, looked_full = _life(tmp_path / "full", monkeypatch, marks=False)
    for (when, got), (_, want) in zip(skipping, full):
        assert got == want, when
    # most cycles skipped the ledger, and cycles with an edit decided few rows besides the edited one
    assert looked_full["sheets"] == len(TIMES) and looked["sheets"] < len(TIMES) / 2
    assert looked["decisions"] < looked_full["decisions"] / 3
    # 企业4's repeat is warned about, then no longer once the first request is reworded (its own row untouched)
    def warned(when):
        rows = dict(skipping)[when][0]
        return ["疑似重复" in r["校验结果"] for r in rows if r["诉求企业"] == "企业4"]
    assert warned("2026-11-07T12:00") == [False, True] and warned("2026-11-09T12:00") == [False, False]
    # time alone moved tickets along: due soon, then overdue, in cycles where nobody typed anything
    assert all(any(f[0] == "self_complaint" for f in out[3]) for _, out in skipping)
    statuses = {when: {s[1] for s in out[2]} for when, out in skipping}
    assert "即将到期" in statuses["2026-11-02T12:00"] and "已超期" in statuses[TIMES[-1]]


def _district(tmp_path):
    tmp_path.mkdir()
    (tmp_path / "jiesu.toml").write_text('profile = "yicheng"\n[ledger]\npath = "ledger.xlsx"\n'
                                         '[state]\nurl = "sqlite:///state.db"\n', encoding="utf-8")
    return config.load(tmp_path / "jiesu.toml"), make_workbook(tmp_path / "ledger.xlsx", ROWS)


def test_a_rehearsal_at_an_earlier_time_looks_at_every_row(tmp_path):
    cfg, path = _district(tmp_path / "rehearsed")
    for when in ("2026-11-06T12:00", "2026-11-06T12:05", "2026-11-02T12:00"):
        run_cycle(cfg, now=clock.parse_now(when, cfg.timezone))
    fresh_cfg, fresh_path = _district(tmp_path / "fresh")
    run_cycle(fresh_cfg, now=clock.parse_now("2026-11-02T12:00", cfg.timezone))
    status = [r["督办状态"] for r in rows_of(path)]
    assert status == [r["督办状态"] for r in rows_of(fresh_path)] and "已超期" not in status


@pytest.mark.parametrize("change", ["profile", "township"])
def test_a_ledger_is_looked_at_again_when_its_configuration_changes(tmp_path, change):
    cfg, path = _district(tmp_path / "d")
    for minute in ("00", "05"):
        run_cycle(cfg, now=clock.parse_now(f"2026-11-02T12:{minute}", cfg.timezone))
    text = (tmp_path / "d" / "jiesu.toml").read_text(encoding="utf-8")
    if change == "profile":   # another district's limits: every due changes
        text = text.replace('profile = "yicheng"', 'profile = "zibo"')
    else:                     # the same workbook now read as a named township's ledger
        text = text.replace('path = "ledger.xlsx"\n', 'path = "ledger.xlsx"\n[[ledger.townships]]\n'
                            'name = "坛山街道"\npath = "ledger.xlsx"\n')
    (tmp_path / "d" / "jiesu.toml").write_text(text, encoding="utf-8")
    before = rows_of(path)
    report = run_cycle(config.load(tmp_path / "d" / "jiesu.toml"), now=clock.parse_now("2026-11-02T12:10", "Asia/Shanghai"))
    assert report.rows == len(ROWS)
    if change == "profile":
        assert [r["应办结时限"] for r in rows_of(path)] != [r["应办结时限"] for r in before]


def test_a_deploy_that_changes_the_deciding_code_looks_at_every_row_again(tmp_path, monkeypatch):
    import jobs.district
    cfg, path = _district(tmp_path / "d")
    validated = []
    real_validate = jobs.cycle.validate_sheet
    monkeypatch.setattr(jobs.cycle, "validate_sheet", lambda *a, **kw: validated.append(1) or real_validate(*a, **kw))

    def looked(minute):
        before = len(validated)
        run_cycle(cfg, now=clock.parse_now(f"2026-11-02T12:{minute}", cfg.timezone))
        return len(validated) - before
    looked("00"), looked("05")                                       # numbered, written back
    assert looked("07") == 0                                         # then quiet
    # The service restarted on new code: its code digest differs, so no ledger mark matches any more.
    monkeypatch.setattr(jobs.district, "running_code_digest", lambda: "0" * 32)
    assert [looked("10"), looked("15")] == [1, 0]
