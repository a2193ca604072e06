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


def test_init_on_a_file_that_is_not_a_workbook_exits_2_and_keeps_it(tmp_path):
    path = tmp_path / "台账.xlsx"
    path.write_bytes(b"not a zip")
    res = CliRunner().invoke(main, ["init", str(path)])
    assert res.exit_code == 2
    assert "不是 Excel 工作簿" in res.output and "error:" in res.output
    assert path.read_bytes() == b"not a zip"


def test_init_needs_a_path_or_a_key(tmp_path):
    res = CliRunner().invoke(main, ["init"])
    assert res.exit_code == 2 and "路径" in res.output
    res = CliRunner().invoke(main, ["init", str(tmp_path / "x.csv")])
    assert res.exit_code == 2 and ".xlsx" in res.output
