"""What a clerk made that openpyxl cannot keep (charts, shapes, slicers…) is copied aside before the service
rewrites the workbook: once per person's save, never for the service's own saves, the newest ten kept."""
import io
import zipfile
from datetime import datetime
from pathlib import Path

import openpyxl
from openpyxl.chart import BarChart, Reference

from connector import xlsx_keep
from connector.base import CellWrite
from connector.setup import builtin_spec
from connector.xlsx import XlsxLedger

SPEC = builtin_spec()


def _ledger(tmp_path):
    led = XlsxLedger(tmp_path / "台账.xlsx", SPEC.service_headers)
    led.init(SPEC)
    led.append("台账", [{"诉求企业": "甲公司"}, {"诉求企业": "乙公司"}])
    return led


def _person_adds_chart_and_slicer(path):
    """Excel saves the clerk's chart, and a slicer (a part openpyxl drops on every save)."""
    wb = openpyxl.load_workbook(path)
    ws = wb.create_sheet("统计")
    for i in range(4):
        ws.append([f"镇街{i}", i + 1])
    chart = BarChart()
    chart.add_data(Reference(ws, min_col=2, min_row=1, max_row=4))
    ws.add_chart(chart, "D2")
    buf = io.BytesIO()
    wb.save(buf)
    with zipfile.ZipFile(io.BytesIO(buf.getvalue())) as src, \
            zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as out:
        for item in src.infolist():
            out.writestr(item, src.read(item.filename))
        out.writestr("xl/slicers/slicer1.xml", '<slicers xmlns="http://schemas.microsoft.com/office/'
                                               'spreadsheetml/2009/9/main"/>')
    return path.read_bytes()


def _service_writes(led, text):
    g = led.read(["台账"])["台账"]
    return led.write([CellWrite(g.ref(g.rows[0], SPEC.service_headers), {"校验结果": text})])


def test_persons_version_is_copied_once_before_a_rewrite_that_could_lose_part_of_it(tmp_path):
    led = _ledger(tmp_path)
    assert _service_writes(led, "正常").kept is None          # nothing of theirs to lose yet
    assert not xlsx_keep.copies_dir(led.path).exists()

    persons = _person_adds_chart_and_slicer(led.path)
    result = _service_writes(led, "已核对")
    assert result.kept is not None and set(result.kept.parts) >= {"图表", "切片器"}
    copy = Path(result.kept.path)
    assert copy.parent == led.path.parent / "台账.备份"
    assert copy.read_bytes() == persons                       # the clerk's file, byte for byte
    with zipfile.ZipFile(led.path) as zf:                     # the service's save lost the slicer…
        assert "xl/slicers/slicer1.xml" not in zf.namelist()
    with zipfile.ZipFile(copy) as zf:                         # …which the copy still has
        assert "xl/slicers/slicer1.xml" in zf.namelist()
    cells = openpyxl.load_workbook(led.path)["台账"]
    assert "已核对" in [c.value for c in cells[2]]                # and wrote its cell

    # The service's own saves are not copied again, though its file still has the chart openpyxl kept.
    assert _service_writes(led, "已核对 2").kept is None
    assert len(list(xlsx_keep.copies_dir(led.path).iterdir())) == 1
    # The clerk saves again: their new version is copied before the next rewrite.
    wb = openpyxl.load_workbook(led.path)
    wb["台账"].cell(3, 4).value = "乙公司(改)"
    wb.save(led.path)
    assert _service_writes(led, "已核对 3").kept is not None
    assert len(list(xlsx_keep.copies_dir(led.path).iterdir())) == 2


def test_only_the_newest_copies_are_kept(tmp_path):
    path = tmp_path / "台账.xlsx"
    made = [xlsx_keep.keep_copy(path, f"v{i}".encode(), datetime(2026, 11, 2, 9, 0, i), keep=3) for i in range(5)]
    left = sorted(p.name for p in xlsx_keep.copies_dir(path).iterdir())
    assert left == sorted(p.name for p in made[-3:])
    again = xlsx_keep.keep_copy(path, b"same second", datetime(2026, 11, 2, 9, 0, 4), keep=3)
    assert again != made[-1] and again.read_bytes() == b"same second" and made[-1].read_bytes() == b"v4"


def test_lossy_parts_names_what_people_made():
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        for name in ("xl/workbook.xml", "xl/comments/comment1.xml", "xl/drawings/commentsDrawing1.vml",
                     "xl/tables/table1.xml"):
            zf.writestr(name, "")
    assert xlsx_keep.lossy_parts(buf.getvalue()) == []         # comments and tables survive openpyxl
    with zipfile.ZipFile(buf, "a") as zf:
        zf.writestr("xl/drawings/drawing1.xml", "")
        zf.writestr("xl/pivotTables/pivotTable1.xml", "")
    assert xlsx_keep.lossy_parts(buf.getvalue()) == ["图形、图片或图表", "数据透视表"]
