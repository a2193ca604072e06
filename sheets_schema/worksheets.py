"""The six worksheets of a ledger workbook, declared as data (see docs/ledger.md)."""
from __future__ import annotations

from sheets_schema.columns import (
    CLERK, COORDINATOR, CREDIT_CODE, DATE, DATETIME, EMAIL, ENUM, INTEGER, PHONE, SERVICE, TEXT, UNIT, UNITS,
    Column, Order, Sheet,
)

CHANNELS = ("12345热线", "上级平台转办", "政府网站", "网络问政", "本地平台", "窗口", "电话", "电子邮件", "微信",
            "线下走访", "其他")
CATEGORIES = ("咨询", "求助", "投诉", "举报", "意见建议")
PROBLEM_TYPES = ("简单", "一般", "复杂")
FINDINGS = ("属实", "部分属实", "不属实")
YES_NO = ("是", "否")
REPLY_MANNERS = ("电话", "书面", "当面", "短信", "微信", "电子邮件")
APPROVALS = ("同意", "不同意")
# 督办状态 as the service writes it: the cycle's status (domain.workflow) or the scan's light.
SUPERVISION_STATUSES = ("正常", "即将到期", "已超期", "黄灯", "红灯", "已办结", "不予受理", "待定")
SUPERVISION_KINDS = ("黄灯", "红灯", "提醒敦促函", "督办单", "整改通知书", "约谈通知书", "移送纪检监察", "问责")

LEDGER = Sheet(
    name="台账",
    owner=CLERK,
    title_prefix=True,
    note="一行一件诉求。受理人员登记，承办单位填写办理情况，协调机构派单、批准延期、回访、归档；系统只写系统列。",
    columns=(
        Column("记录标识", TEXT, SERVICE, hidden=True, max_length=64,
               note="系统生成的行标识，行被移动、排序后系统据此找回同一件诉求；请勿修改"),
        Column("诉求编号", TEXT, SERVICE, max_length=40, aliases=("编号",),
               note="正式编号，如〔2026〕第0001号；校验无错误后由系统编发，编发后永不改变"),
        Column("所属镇街", TEXT, CLERK, max_length=30, aliases=("镇街", "受理镇街"), note="登记该诉求的镇街/工作站"),
        Column("受理时间", DATETIME, CLERK, required=True, aliases=("受理日期", "提出时间"),
               note="诉求提出/受理的日期时间，计算办理时限的起点"),
        Column("渠道", ENUM, CLERK, choices=CHANNELS, choices_from="channels", strict=False,
               aliases=("诉求渠道", "来源渠道"), note="诉求来源；不在列表中的渠道给出提示但不算错误"),
        Column("受理人", TEXT, CLERK, max_length=20, aliases=("受理人员",)),
        Column("诉求企业", TEXT, CLERK, required=True, max_length=100, aliases=("反映企业", "企业名称"),
               note="企业全称；已签约未落地的企业也可登记"),
        Column("统一社会信用代码", CREDIT_CODE, CLERK, aliases=("信用代码",),
               note="18 位，按 GB 32100-2015 校验第 18 位校验码；选填"),
        Column("企业地址", TEXT, CLERK, max_length=200),
        Column("联系人", TEXT, CLERK, required=True, max_length=30, aliases=("反映人", "反映人姓名")),
        Column("联系电话", PHONE, CLERK, required=True, aliases=("联系方式",),
               note="手机号（11 位）或带区号的固定电话（如 0632-7711401）；多个号码用、分隔"),
        Column("诉求类别", ENUM, CLERK, required=True, choices=CATEGORIES, choices_from="categories"),
        Column("问题类型", ENUM, CLERK, choices=PROBLEM_TYPES, choices_from="problem_types"),
        Column("主要诉求", TEXT, CLERK, required=True, max_length=2000, aliases=("反映事项", "诉求内容", "交办事项"),
               note="诉求的具体事项；用于不予受理筛查和重复诉求提示"),
        Column("投诉对象", TEXT, CLERK, max_length=200),
        Column("不予受理原因", TEXT, COORDINATOR, max_length=500, aliases=("不予受理理由",),
               note="协调机构决定不予受理时填写理由（如“疑似不予受理”提示属实）；填写后不计办理时限、不督办，仍留档"),
        Column("承办单位", UNITS, COORDINATOR, single=True, aliases=("牵头单位", "牵头办理部门", "办理单位"),
               note="牵头（首接）单位，一个；须是“承办单位”表中的名称"),
        Column("配合单位", UNITS, COORDINATOR, aliases=("配合办理部门",), note="可多个，用、分隔"),
        Column("签收时间", DATETIME, UNIT),
        Column("回退原因", TEXT, UNIT, max_length=500, note="认为不属本单位职责时填写理由和依据，由协调机构重新派单"),
        Column("首次联系时间", DATETIME, UNIT, aliases=("联系时间",), note="启动核实、首次联系企业的时间"),
        Column("答复时间", DATETIME, UNIT, aliases=("反馈时间",), note="答复企业或初步处理意见的时间"),
        Column("答复方式", ENUM, UNIT, choices=REPLY_MANNERS, strict=False, aliases=("告知方式",)),
        Column("办结时间", DATETIME, UNIT, aliases=("实际办结时间",)),
        Column("核查结论", ENUM, UNIT, choices=FINDINGS),
        Column("是否解决", ENUM, UNIT, choices=YES_NO, aliases=("问题是否解决",),
               note="属实或部分属实的问题是否已解决（计算问题解决率）"),
        Column("办理情况", TEXT, UNIT, max_length=2000, aliases=("办理结果",)),
        Column("延期申请", TEXT, UNIT, max_length=500, note="申请延期的理由（须在时限内提出）"),
        Column("延期批准", ENUM, COORDINATOR, choices=APPROVALS),
        Column("延期天数", INTEGER, COORDINATOR, min_value=1, max_value=60,
               note="批准延长的工作日数；总时限上限由各区配置决定"),
        Column("回访时间", DATETIME, COORDINATOR),
        Column("满意度", ENUM, COORDINATOR, choices=("满意", "不满意"), choices_from="satisfaction_levels",
               aliases=("回访情况", "评价")),
        Column("不满意原因", TEXT, COORDINATOR, max_length=500),
        Column("下一步措施", TEXT, UNIT, max_length=500, note="不满意时承办单位的下一步工作措施"),
        Column("办理轮次", INTEGER, SERVICE, min_value=1, max_value=9, note="1 为首次办理，回访不满意重新办理为 2"),
        Column("应联系时限", DATETIME, SERVICE),
        Column("应答复时限", DATETIME, SERVICE),
        Column("应办结时限", DATETIME, SERVICE),
        Column("督办状态", ENUM, SERVICE, choices=SUPERVISION_STATUSES,
               note="正常 / 即将到期 / 已超期 / 黄灯 / 红灯 / 已办结 / 待定(日历缺该年节假日)"),
        Column("督办情况", TEXT, SERVICE, max_length=2000),
        Column("移送纪检监察情况", TEXT, COORDINATOR, max_length=500),
        Column("是否办结归档", ENUM, COORDINATOR, choices=YES_NO, aliases=("办结归档",)),
        Column("校验结果", TEXT, SERVICE, max_length=500, note="系统写入：✔ 校验通过，或列出需要改正的单元格"),
        Column("知识库建议", TEXT, SERVICE, max_length=500, note="系统从知识库找到的可能答案（咨询类）"),
        Column("备注", TEXT, CLERK, max_length=500),
    ),
    orders=(
        Order("受理时间", "签收时间"),
        Order("受理时间", "首次联系时间"),
        Order("受理时间", "答复时间"),
        Order("受理时间", "办结时间"),
        Order("受理时间", "回访时间"),
        Order("首次联系时间", "办结时间", level="warning"),
        Order("办结时间", "回访时间"),
    ),
)

UNITS_SHEET = Sheet(
    name="承办单位",
    owner=COORDINATOR,
    note="承办单位名录：派单、催办和督办函件按此表发送。",
    columns=(
        Column("单位名称", TEXT, COORDINATOR, required=True, max_length=60, aliases=("单位",)),
        Column("单位层级", ENUM, COORDINATOR, choices=("区直部门", "镇街", "市直部门", "垂直管理", "其他"),
               strict=False, aliases=("层级",)),
        Column("所属镇街", TEXT, COORDINATOR, max_length=30, aliases=("镇街",)),
        Column("经办人", TEXT, COORDINATOR, required=True, max_length=20, aliases=("承办人",)),
        Column("经办人电话", PHONE, COORDINATOR, required=True, aliases=("联系电话",)),
        Column("经办人邮箱", EMAIL, COORDINATOR, required=True, aliases=("邮箱", "电子邮箱")),
        Column("主要负责人", TEXT, COORDINATOR, max_length=20, aliases=("负责人",)),
        Column("负责人电话", PHONE, COORDINATOR),
        Column("负责人邮箱", EMAIL, COORDINATOR),
        Column("备注", TEXT, COORDINATOR, max_length=500),
    ),
)

DISPATCH_SHEET = Sheet(
    name="派单目录",
    owner=COORDINATOR,
    note="派单目录：按诉求类别和/或关键词确定牵头单位和配合单位；每行至少填类别或关键词之一。",
    columns=(
        Column("诉求类别", ENUM, COORDINATOR, choices=CATEGORIES, choices_from="categories"),
        Column("关键词", TEXT, COORDINATOR, max_length=500, note="多个关键词用、分隔"),
        Column("牵头单位", UNITS, COORDINATOR, required=True, single=True, aliases=("承办单位",)),
        Column("配合单位", UNITS, COORDINATOR),
        Column("备注", TEXT, COORDINATOR, max_length=500),
    ),
)

CALENDAR_SHEET = Sheet(
    name="工作日历",
    owner=COORDINATOR,
    note="对国务院节假日安排的本地补充或更正：休 = 不上班，班 = 调休上班。",
    columns=(
        Column("日期", DATE, COORDINATOR, required=True),
        Column("类型", ENUM, COORDINATOR, required=True, choices=("休", "班")),
        Column("名称", TEXT, COORDINATOR, max_length=50),
    ),
)

SUPERVISION_SHEET = Sheet(
    name="督办记录",
    owner=SERVICE,
    note="系统写入的督办日志：亮灯、函件、约谈、移送；人工请勿修改。",
    columns=(
        Column("记录时间", DATETIME, SERVICE, required=True),
        Column("诉求编号", TEXT, SERVICE, max_length=40),
        Column("承办单位", TEXT, SERVICE, required=True, max_length=60),
        Column("督办类型", ENUM, SERVICE, required=True, choices=SUPERVISION_KINDS),
        Column("事由", TEXT, SERVICE, max_length=500),
        Column("反馈期限", DATETIME, SERVICE),
        Column("发送对象", TEXT, SERVICE, max_length=200),
        Column("状态", TEXT, SERVICE, max_length=50),
    ),
)

KNOWLEDGE_SHEET = Sheet(
    name="知识库",
    owner=COORDINATOR,
    note="常见咨询的标准答复：法律法规、政策、办事流程、权责清单。",
    columns=(
        Column("问题", TEXT, COORDINATOR, required=True, max_length=500),
        Column("答案", TEXT, COORDINATOR, required=True, max_length=2000, aliases=("答复",)),
        Column("依据文件", TEXT, COORDINATOR, max_length=200, aliases=("来源文件", "依据")),
        Column("单位", TEXT, COORDINATOR, max_length=60, aliases=("责任单位",)),
        Column("关键词", TEXT, COORDINATOR, max_length=200),
        Column("更新日期", DATE, COORDINATOR),
    ),
)

SHEETS: tuple[Sheet, ...] = (LEDGER, UNITS_SHEET, DISPATCH_SHEET, CALENDAR_SHEET, SUPERVISION_SHEET, KNOWLEDGE_SHEET)


def sheet_for_title(title: str) -> Sheet | None:
    """The schema for a worksheet title (台账, 台账-坛山街道, 承办单位 …), or None for a sheet of the person's own."""
    for sheet in SHEETS:
        if sheet.matches_title(title):
            return sheet
    return None
