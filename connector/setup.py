"""What `jiesu init` puts in a ledger workbook: worksheets, columns, owners, dropdowns and status colours."""
from __future__ import annotations

from dataclasses import dataclass

from connector.base import ROW_ID_HEADER

STATUS_HEADER = "督办状态"
# Row colours by 督办状态, most urgent first (a row that matches several takes the first).
STATUS_COLOURS = (
    ("红灯", "F4B6B6"),      # red light
    ("黄灯", "FFF2A8"),      # yellow light
    ("即将到期", "FCE0C4"),  # due soon: light orange
)
SERVICE_HEADER_FILL = "D9D9D9"
HUMAN_HEADER_FILL = "DDEBF7"
SERVICE_NOTE = "由系统自动填写,请勿修改。/ Filled in by the service; please do not edit."
ROW_ID_NOTE = "系统记录标识(隐藏列),请勿修改或删除。/ Row identity kept by the service; do not edit."
VALIDATION_TITLE = "jiesu"  # marks the dropdowns init made, so a re-run replaces only its own


@dataclass(frozen=True)
class ColumnSpec:
    """One column as init lays it out: header text, whether the service owns it, allowed values."""

    header: str
    service: bool = False
    choices: tuple[str, ...] = ()
    width: int = 14
    strict: bool = True  # a dropdown that refuses other values; False only warns (e.g. 渠道)


@dataclass(frozen=True)
class SheetSpec:
    """One worksheet: its title and columns in their initial order (the hidden 记录标识 comes last)."""

    title: str
    columns: tuple[ColumnSpec, ...]

    def headers(self) -> list[str]:
        own = [c.header for c in self.columns]
        return own if ROW_ID_HEADER in own else own + [ROW_ID_HEADER]

    @property
    def service_headers(self) -> frozenset[str]:
        return frozenset(c.header for c in self.columns if c.service) | {ROW_ID_HEADER}


@dataclass(frozen=True)
class WorkbookSpec:
    sheets: tuple[SheetSpec, ...]

    def with_ledger_titles(self, titles, ledger: str = "台账") -> "WorkbookSpec":
        """The same layout with the ledger worksheet repeated under these titles (one per township office)."""
        if not titles:
            return self
        out = []
        for s in self.sheets:
            out += [SheetSpec(t, s.columns) for t in titles] if s.title == ledger else [s]
        return WorkbookSpec(tuple(out))

    def sheet(self, title: str) -> SheetSpec:
        return next(s for s in self.sheets if s.title == title)

    @property
    def service_headers(self) -> frozenset[str]:
        out = frozenset()
        for s in self.sheets:
            out |= s.service_headers
        return out


def _c(header, owner="clerk", choices=(), width=14):
    return ColumnSpec(header, owner == "service", tuple(choices), width)


def builtin_spec() -> WorkbookSpec:
    """The ledger layout of issue 3, used when sheets_schema cannot describe itself."""
    ledger = (
        _c("诉求编号", "service", width=18), _c("受理时间", width=18), _c("渠道"), _c("诉求企业", width=24),
        _c("统一社会信用代码", width=22), _c("企业地址", width=24), _c("联系人"), _c("联系电话"),
        _c("诉求类别", choices=("咨询", "求助", "投诉", "举报", "意见建议")),
        _c("问题类型", choices=("简单", "一般", "复杂")), _c("主要诉求", width=40), _c("投诉对象"),
        _c("承办单位", width=18), _c("配合单位", width=18), _c("签收时间", width=18),
        _c("首次联系时间", width=18), _c("答复时间", width=18), _c("办结时间", width=18),
        _c("核查结论", choices=("属实", "部分属实", "不属实")), _c("办理情况", width=40), _c("延期申请"),
        _c("延期批准"), _c("回访时间", width=18), _c("满意度"), _c("不满意原因", width=30),
        _c("办理轮次", "service"), _c("应联系时限", "service", width=18), _c("应答复时限", "service", width=18),
        _c("应办结时限", "service", width=18), _c("督办状态", "service"), _c("督办情况", "service", width=30),
        _c("移送纪检监察情况"), _c("是否办结归档", choices=("是", "否")), _c("校验结果", "service", width=40),
        _c("备注", width=24),
    )
    units = (_c("单位名称", width=20), _c("级别"), _c("经办人"), _c("联系电话"), _c("邮箱", width=24),
             _c("负责人"), _c("负责人邮箱", width=24))
    catalogue = (_c("诉求类别"), _c("关键词", width=30), _c("牵头单位", width=20), _c("配合单位", width=20))
    calendar = (_c("日期"), _c("类型", choices=("休", "班")), _c("名称"))
    supervision = (_c("诉求编号", "service", width=18), _c("时间", "service", width=18),
                   _c("承办单位", "service", width=18), _c("督办类型", "service"),
                   _c("内容", "service", width=40))
    knowledge = (_c("问题", width=30), _c("答案", width=40), _c("来源文件", width=24), _c("单位", width=18))
    return WorkbookSpec((
        SheetSpec("台账", ledger), SheetSpec("承办单位", units), SheetSpec("派单目录", catalogue),
        SheetSpec("工作日历", calendar), SheetSpec("督办记录", supervision), SheetSpec("知识库", knowledge),
    ))


def spec_from_schema(sheets, profile=None) -> WorkbookSpec:
    """Lay out sheets_schema's worksheets (Sheet objects): owners decide protection, enums the dropdowns."""
    out = []
    for sheet in sheets:
        cols = []
        for c in sheet.columns:
            choices = tuple(c.allowed(profile)) if getattr(c, "kind", "") == "enum" else ()
            cols.append(ColumnSpec(c.header, c.owner == "service", choices,
                                   24 if (c.max_length or 0) > 100 else 14, getattr(c, "strict", True)))
        out.append(SheetSpec(sheet.name, tuple(cols)))
    return WorkbookSpec(tuple(out))


def default_spec(profile=None) -> WorkbookSpec:
    """The workbook layout from sheets_schema when it is installed, else the built-in layout of issue 3."""
    try:
        from sheets_schema import SHEETS  # type: ignore[attr-defined]
    except ImportError:
        return builtin_spec()
    return spec_from_schema(SHEETS, profile)


def column_letter(index0: int) -> str:
    """Spreadsheet column letters for a 0-based column index (0 → A, 26 → AA)."""
    n, out = index0 + 1, ""
    while n:
        n, r = divmod(n - 1, 26)
        out = chr(65 + r) + out
    return out
