"""What only the local workbook backend does: formula-safe cells, atomic change-checked saves, the lock, init."""
import multiprocessing
import zipfile

import openpyxl
import pytest

from connector.base import ROW_ID_HEADER, CellWrite
from connector.setup import builtin_spec
from connector.workbook import WorkbookError, read_workbook
from connector.xlsx import XlsxLedger

SPEC = builtin_spec()


@pytest.fixture
def led(tmp_path):
    led = XlsxLedger(tmp_path / "台账.xlsx", SPEC.service_headers)
    led.init(SPEC)
    return led


def test_formula_looking_text_is_stored_as_a_string_cell(led):
    led.append("台账", [{"诉求企业": "甲公司", "主要诉求": "=HYPERLINK(\"http://x\")"}])
    g = led.read(["台账"])["台账"]
    led.write([CellWrite(g.ref(g.rows[0], SPEC.service_headers), {"校验结果": "@SUM(A1)", "督办情况": "-1"})])
    ws = openpyxl.load_workbook(led.path)["台账"]
    head = [c.value for c in ws[1]]
    for header, text in (("主要诉求", '=HYPERLINK("http://x")'), ("校验结果", "@SUM(A1)"), ("督办情况", "-1")):
        cell = ws.cell(2, head.index(header) + 1)
        assert cell.value == text and cell.data_type == "s"
    with zipfile.ZipFile(led.path) as zf:
        sheet_xml = next(zf.read(n) for n in zf.namelist() if n.startswith("xl/worksheets/sheet"))
    assert b"<f>" not in sheet_xml  # no formula element anywhere


def test_a_save_during_our_write_is_kept_and_we_retry(led):
    led.append("台账", [{"诉求企业": "甲公司"}])
    calls = []

    def person_saves_then_service_writes(wb):
        calls.append(1)
        if len(calls) == 1:  # Excel saves the clerk's new row while the service is working
            other = openpyxl.load_workbook(led.path)
            other["台账"].cell(3, 4).value = "乙公司"
            other.save(led.path)
        wb["台账"].cell(2, 30).value = "红灯"
        return len(calls)

    assert led._rewrite(person_saves_then_service_writes) == (2, None)
    ws = openpyxl.load_workbook(led.path)["台账"]
    assert ws.cell(3, 4).value == "乙公司" and ws.cell(2, 30).value == "红灯"
    # Nothing left behind by the abandoned attempt.
    assert [p.name for p in led.path.parent.iterdir() if p.suffix == ".xlsx"] == [led.path.name]


def _append_many(path, who, n):
    led = XlsxLedger(path, SPEC.service_headers)
    for i in range(n):
        led.append("督办记录", [{"诉求编号": f"{who}-{i}", "内容": "x"}])


def test_two_processes_writing_at_once_lose_nothing(led):
    ctx = multiprocessing.get_context("fork")
    procs = [ctx.Process(target=_append_many, args=(led.path, w, 6)) for w in ("甲", "乙")]
    for p in procs:
        p.start()
    for p in procs:
        p.join(60)
    assert all(p.exitcode == 0 for p in procs)
    recs = led.read(["督办记录"])["督办记录"].records()
    assert sorted(r["诉求编号"] for r in recs) == sorted(f"{w}-{i}" for w in "甲乙" for i in range(6))
    assert len({r[ROW_ID_HEADER] for r in recs}) == 12


def test_init_lays_out_a_workbook_people_can_use(led):
    wb = openpyxl.load_workbook(led.path)
    assert wb.sheetnames == [s.title for s in SPEC.sheets]
    ws = wb["台账"]
    head = [c.value for c in ws[1]]
    assert ws.freeze_panes == "A2"
    id_letter = openpyxl.utils.get_column_letter(head.index(ROW_ID_HEADER) + 1)
    assert ws.column_dimensions[id_letter].hidden
    status = ws.cell(1, head.index("督办状态") + 1)
    human = ws.cell(1, head.index("诉求企业") + 1)
    assert status.comment and "请勿修改" in status.comment.text and human.comment is None
    assert status.fill.fgColor.rgb != human.fill.fgColor.rgb
    lists = {str(dv.sqref).split(":")[0][:-1]: dv.formula1 for dv in ws.data_validations.dataValidation}
    cat = openpyxl.utils.get_column_letter(head.index("诉求类别") + 1)
    assert lists[cat] == '"咨询,求助,投诉,举报,意见建议"'
    rules = [r.formula[0] for rng in ws.conditional_formatting for r in rng.rules]
    assert [w for w in ("红灯", "黄灯", "即将到期") if any(w in f for f in rules)] == ["红灯", "黄灯", "即将到期"]
    led.init(SPEC)  # a second run adds no duplicate dropdowns or colours
    ws = openpyxl.load_workbook(led.path)["台账"]
    assert len(ws.data_validations.dataValidation) == len(lists)
    assert len([r for rng in ws.conditional_formatting for r in rng.rules]) == 3


def test_not_a_workbook_is_a_clear_error_and_is_left_alone(tmp_path):
    bad = tmp_path / "台账.xlsx"
    bad.write_text("受理时间,诉求企业\n2026-03-05,甲公司\n", encoding="utf-8")
    before = bad.read_bytes()
    for action in (lambda l: l.read(["台账"]), lambda l: l.init(SPEC),
                   lambda l: l.append("台账", [{"诉求企业": "x"}])):
        with pytest.raises(WorkbookError, match="不是 Excel 工作簿"):
            action(XlsxLedger(bad, SPEC.service_headers))
    assert bad.read_bytes() == before
    with pytest.raises(WorkbookError, match="找不到文件"):
        read_workbook(tmp_path / "无.xlsx")


def test_read_workbook_still_reads_plain_grids(led):
    led.append("台账", [{"诉求企业": "甲公司", "诉求类别": "投诉"}])
    grids = read_workbook(led.path)
    head = grids["台账"][0]
    assert grids["台账"][1][head.index("诉求企业")] == "甲公司"


def test_a_workbook_that_keeps_changing_is_a_temporary_error_and_keeps_the_persons_version(led):
    from connector.base import LedgerError
    attempts = []

    def person_always_saves_first(wb):
        attempts.append(1)
        other = openpyxl.load_workbook(led.path)
        other["台账"].cell(2, 4).value = f"乙公司{len(attempts)}"
        other.save(led.path)
        wb["台账"].cell(2, 30).value = "红灯"

    with pytest.raises(LedgerError) as err:
        led._rewrite(person_always_saves_first)
    assert err.value.permanent is False and len(attempts) == led.attempts
    ws = openpyxl.load_workbook(led.path)["台账"]
    assert ws.cell(2, 4).value == f"乙公司{led.attempts}" and ws.cell(2, 30).value is None


def test_a_folder_we_cannot_write_is_a_temporary_error_and_the_file_is_unchanged(led):
    import os
    import subprocess
    from connector.base import LedgerError
    folder = led.path.parent
    if os.geteuid() == 0:  # root ignores permissions; the immutable flag stops root too
        if subprocess.run(["chattr", "+i", str(folder)], capture_output=True).returncode != 0:
            pytest.skip("cannot make a folder unwritable here (root, no chattr)")
        undo = lambda: subprocess.run(["chattr", "-i", str(folder)], check=True)
    else:
        folder.chmod(0o500)
        undo = lambda: folder.chmod(0o700)
    before = led.path.read_bytes()
    try:
        with pytest.raises(LedgerError) as err:
            led.append("台账", [{"诉求企业": "甲公司"}])
    finally:
        undo()
    assert err.value.permanent is False and "无法保存" in str(err.value)
    assert led.path.read_bytes() == before
