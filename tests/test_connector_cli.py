"""`jiesu init` from the command line: creates, completes, and refuses bad input with exit status 2."""
import openpyxl
from click.testing import CliRunner

from cli import main


def test_init_creates_then_completes_without_losing_data(tmp_path):
    path = tmp_path / "台账.xlsx"
    runner = CliRunner()
    first = runner.invoke(main, ["init", str(path)])
    assert first.exit_code == 0, first.output
    assert "新建工作表" in first.output and "台账" in first.output
    wb = openpyxl.load_workbook(path)
    ws = wb["台账"]
    head = [c.value for c in ws[1]]
    ws.cell(2, head.index("诉求企业") + 1).value = "甲公司"
    del wb["知识库"]
    wb.save(path)
    second = runner.invoke(main, ["init", str(path)])
    assert second.exit_code == 0, second.output
    assert "知识库" in second.output
    wb = openpyxl.load_workbook(path)
    assert "知识库" in wb.sheetnames
    assert wb["台账"].cell(2, head.index("诉求企业") + 1).value == "甲公司"


def test_init_makes_one_ledger_sheet_per_township(tmp_path):
    path = tmp_path / "区.xlsx"
    res = CliRunner().invoke(main, ["init", str(path), "--ledger-title", "台账-坛山街道",
                                    "--ledger-title", "台账-邵庄镇"])
    assert res.exit_code == 0, res.output
    names = openpyxl.load_workbook(path).sheetnames
    assert names[:2] == ["台账-坛山街道", "台账-邵庄镇"] and "台账" not in names and "督办记录" in names


def test_init_on_a_file_that_is_not_a_workbook_exits_2_and_keeps_it(tmp_path):
    path = tmp_path / "台账.xlsx"
    path.write_bytes(b"not a zip")
    res = CliRunner().invoke(main, ["init", str(path)])
    assert res.exit_code == 2
    assert "不是 Excel 工作簿" in res.output and "error:" in res.output
    assert path.read_bytes() == b"not a zip"


def test_init_without_a_path_sets_up_the_configured_ledgers(tmp_path):
    conf = tmp_path / "jiesu.toml"
    conf.write_text(f'''
[ledger]
backend = "xlsx"
[[ledger.townships]]
name = "坛山街道"
path = "{(tmp_path / "坛山.xlsx").as_posix()}"
[[ledger.townships]]
name = "邵庄镇"
path = "{(tmp_path / "邵庄.xlsx").as_posix()}"
''', encoding="utf-8")
    res = CliRunner().invoke(main, ["--config", str(conf), "init"])
    assert res.exit_code == 0, res.output
    for name in ("坛山", "邵庄"):
        assert "台账" in openpyxl.load_workbook(tmp_path / f"{name}.xlsx").sheetnames


def test_init_needs_a_path_for_xlsx(tmp_path):
    res = CliRunner().invoke(main, ["init", "--backend", "xlsx"])
    assert res.exit_code == 2 and "路径" in res.output
    res = CliRunner().invoke(main, ["init", str(tmp_path / "x.csv")])
    assert res.exit_code == 2 and ".xlsx" in res.output


def test_init_follows_the_schema_owners_and_enums(tmp_path):
    import pytest
    schema = pytest.importorskip("sheets_schema")
    if not hasattr(schema, "SHEETS"):
        pytest.skip("sheets_schema 的工作表定义尚未合入 / the schema's worksheets are not merged yet")
    from connector.setup import default_spec
    spec = default_spec()
    assert [s.title for s in spec.sheets] == [s.name for s in schema.SHEETS]
    for sheet in schema.SHEETS:
        mine = spec.sheet(sheet.name)
        assert mine.headers()[:len(sheet.columns)] == [c.header for c in sheet.columns]
        assert {c.header for c in sheet.columns if c.owner == schema.SERVICE} <= mine.service_headers
        assert not {c.header for c in sheet.columns if c.owner != schema.SERVICE} & mine.service_headers
    path = tmp_path / "台账.xlsx"
    assert CliRunner().invoke(main, ["init", str(path)]).exit_code == 0
    wb = openpyxl.load_workbook(path)
    for sheet in schema.SHEETS:
        head = [c.value for c in wb[sheet.name][1]]
        assert [c.header for c in sheet.columns if c.header not in head] == []


def test_init_on_the_local_sheets_server(tmp_path):
    from connector.sheets_server import serve_in_thread
    with serve_in_thread() as server:
        res = CliRunner().invoke(main, ["init", "--backend", "gsheets", "--title", "区台账",
                                        "--api-base", server.url])
        assert res.exit_code == 0, res.output
        key = res.output.split("created spreadsheet: ")[1].split()[0]
        titles = [ws.title for ws in server.client().open_by_key(key).worksheets()]
        assert "台账" in titles and "督办记录" in titles and "Sheet1" not in titles
        again = CliRunner().invoke(main, ["init", "--key", key, "--api-base", server.url])
        assert again.exit_code == 0 and "nothing missing" in again.output
        missing = CliRunner().invoke(main, ["init", "--key", "1nosuch", "--api-base", server.url])
        assert missing.exit_code == 2 and "找不到" in missing.output


def test_a_ledger_made_by_init_passes_jiesu_validate(tmp_path):
    path = tmp_path / "台账.xlsx"
    assert CliRunner().invoke(main, ["init", str(path)]).exit_code == 0
    res = CliRunner().invoke(main, ["validate", str(path), "--json"])
    assert res.exit_code == 0, res.output


def test_ledger_for_builds_either_backend_from_the_ledger_config(tmp_path):
    from types import SimpleNamespace
    from connector import ledger_for
    from connector.gsheets import GSheetsLedger
    from connector.sheets_server import serve_in_thread
    from connector.xlsx import XlsxLedger

    cfg = SimpleNamespace(backend="xlsx", path=tmp_path / "区.xlsx", key=None, api_base=None,
                          credentials=lambda: None)
    town = SimpleNamespace(name="坛山街道", path=tmp_path / "坛山.xlsx", key=None, worksheet=None)
    assert isinstance(ledger_for(cfg), XlsxLedger) and ledger_for(cfg).path == cfg.path
    assert ledger_for(cfg, town).path == town.path
    with serve_in_thread() as server:
        key = server.client().create("台账").id
        g = SimpleNamespace(backend="gsheets", path=None, key=None, api_base=server.url, credentials=lambda: None)
        led = ledger_for(g, SimpleNamespace(name="坛山街道", path=None, key=key, worksheet="台账-坛山街道"))
        assert isinstance(led, GSheetsLedger) and led.key == key
        led.init()
        assert "诉求编号" in led.read(["台账"])["台账"].header
