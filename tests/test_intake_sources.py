"""12345 exports (CSV in GB18030, xlsx) and a form's responses sheet reach the ledger once each."""
import openpyxl

import config
from jobs import clock
from jobs.cycle import run_cycle
from store import Store
from tests.ledgers import make_workbook, rows_of

EXPORT_HEADER = ["工单编号", "来电时间", "来电人", "来电号码", "企业名称", "诉求类型", "诉求内容"]
EXPORT_ROWS = [
    ["SD2026110200015", "2026-11-02 08:40", "孙红", "13905320001", "枣庄宏远纺织有限公司", "求助", "用电增容申请迟迟未批复"],
    ["SD2026110200031", "2026-11-02 09:15", "钱亮", "13905320002", "峄城区众诚五金商行", "投诉", "消防检查要求整改但标准不明确"],
]
COLUMNS = '{ "来电时间" = "受理时间", "来电人" = "联系人", "来电号码" = "联系电话", "企业名称" = "诉求企业", ' \
          '"诉求类型" = "诉求类别", "诉求内容" = "主要诉求" }'


def _config(tmp_path, export_name):
    (tmp_path / "jiesu.toml").write_text(
        'profile = "gangnan"\n[ledger]\npath = "ledger.xlsx"\n[state]\nurl = "sqlite:///state.db"\n'
        f'[[intake.sources]]\nname = "12345导出"\nkind = "file"\npath = "{export_name}"\ncolumns = {COLUMNS}\n',
        encoding="utf-8")
    return config.load(tmp_path / "jiesu.toml")


def test_a_gb18030_csv_export_is_imported_once_and_numbered(tmp_path):
    lines = [",".join(EXPORT_HEADER)] + [",".join(r) for r in EXPORT_ROWS]
    (tmp_path / "export.csv").write_bytes("\n".join(lines).encode("gb18030"))
    cfg = _config(tmp_path, "export.csv")
    make_workbook(tmp_path / "ledger.xlsx")
    now = clock.parse_now("2026-11-02T10:00", cfg.timezone)
    first = run_cycle(cfg, now=now)
    assert first.appended == 2
    run_cycle(cfg, now=now)        # numbers come once the rows are in the sheet with their identities
    run_cycle(cfg, now=now)        # the same file again: nothing twice
    rows = rows_of(tmp_path / "ledger.xlsx")
    assert [r["诉求企业"] for r in rows] == ["枣庄宏远纺织有限公司", "峄城区众诚五金商行"]
    assert [r["渠道"] for r in rows] == ["12345热线", "12345热线"]
    assert all(r["诉求编号"] for r in rows) and rows[0]["受理时间"] == "2026-11-02 08:40"
    with Store(cfg.state.url) as store:
        assert not store.intake_pending() and not store.intake_unnumbered()


def test_an_xlsx_export_with_an_unreadable_twin_is_flagged_not_fatal(tmp_path):
    wb = openpyxl.Workbook()
    wb.active.append(EXPORT_HEADER)
    for r in EXPORT_ROWS:
        wb.active.append(r)
    wb.save(tmp_path / "export.xlsx")
    cfg = _config(tmp_path, "export.xlsx")
    make_workbook(tmp_path / "ledger.xlsx")
    assert run_cycle(cfg, now=clock.parse_now("2026-11-02T10:00", cfg.timezone)).appended == 2
    (tmp_path / "export.xlsx").write_text("not a workbook")
    report = run_cycle(cfg, now=clock.parse_now("2026-11-02T10:05", cfg.timezone))
    assert report.appended == 0 and len(rows_of(tmp_path / "ledger.xlsx")) == 2
    with Store(cfg.state.url) as store:
        assert any(f.kind == "intake_source" and "12345导出" in f.message for f in store.flags())
