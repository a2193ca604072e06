"""Building ledger workbooks for tests the way people do: `jiesu init`, then typing rows in a spreadsheet
program (openpyxl saving the file)."""
from __future__ import annotations

from pathlib import Path

import openpyxl

from connector import open_ledger
from connector.setup import default_spec

UNITS = [
    {"单位名称": "区住建局", "单位层级": "区直部门", "经办人": "王伟", "经办人电话": "13905321234",
     "经办人邮箱": "zhujian@yicheng.example.gov.cn", "主要负责人": "刘强", "负责人邮箱": "liuqiang@yicheng.example.gov.cn"},
    {"单位名称": "区市场监管局", "单位层级": "区直部门", "经办人": "陈静", "经办人电话": "0632-7711401",
     "经办人邮箱": "scjg@yicheng.example.gov.cn", "主要负责人": "赵敏", "负责人邮箱": "zhaomin@yicheng.example.gov.cn"},
    {"单位名称": "区人社局", "单位层级": "区直部门", "经办人": "孙丽", "经办人电话": "13705321111",
     "经办人邮箱": "renshe@yicheng.example.gov.cn"},
]
RULES = [
    {"诉求类别": "投诉", "关键词": "", "牵头单位": "区市场监管局"},
    {"关键词": "施工许可、竣工验收", "牵头单位": "区住建局", "配合单位": "区市场监管局"},
    {"诉求类别": "咨询", "关键词": "社保、招工", "牵头单位": "区人社局"},
]


def request(**kw) -> dict:
    """A valid request as a clerk types it; keyword arguments override fields (Chinese headers)."""
    row = {"所属镇街": "坛山街道", "受理时间": "2026-11-02 09:30", "渠道": "电话", "诉求企业": "枣庄鑫源机械有限公司",
           "联系人": "李明", "联系电话": "13812345678", "诉求类别": "求助", "主要诉求": "厂房施工许可办理进度慢，请求协调"}
    row.update(kw)
    return row


def make_workbook(path: Path, rows=(), units=UNITS, rules=RULES) -> Path:
    ledger = open_ledger("xlsx", path=path)
    ledger.init(default_spec())
    type_rows(path, "承办单位", units)
    type_rows(path, "派单目录", rules)
    type_rows(path, "台账", rows)
    return path


def type_rows(path: Path, sheet: str, rows) -> None:
    """Rows typed below the last used row, by header, as a person would (no 记录标识)."""
    if not rows:
        return
    wb = openpyxl.load_workbook(path)
    ws = wb[sheet]
    header = [c.value for c in ws[1]]
    last = max([r for r in range(1, ws.max_row + 1) if any(c.value not in (None, "") for c in ws[r])] or [1])
    for i, rec in enumerate(rows, start=last + 1):
        for h, v in rec.items():
            ws.cell(i, header.index(h) + 1).value = v
    wb.save(path)


def set_cells(path: Path, sheet: str, match: dict, values: dict) -> None:
    """A person edits the row whose cells equal `match`."""
    wb = openpyxl.load_workbook(path)
    ws = wb[sheet]
    header = [c.value for c in ws[1]]
    for r in range(2, ws.max_row + 1):
        if all(ws.cell(r, header.index(h) + 1).value == v for h, v in match.items()):
            for h, v in values.items():
                ws.cell(r, header.index(h) + 1).value = v
            break
    else:
        raise AssertionError(f"no row matches {match}")
    wb.save(path)


def rows_of(path: Path, sheet: str = "台账") -> list[dict]:
    wb = openpyxl.load_workbook(path)
    ws = wb[sheet]
    header = [c.value for c in ws[1]]
    return [dict(zip(header, (c.value for c in r))) for r in ws.iter_rows(min_row=2)
            if any(c.value not in (None, "") for c in r)]
