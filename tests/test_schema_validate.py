"""Whole-workbook validation on real-looking ledgers: each rule, good and bad, with row numbers and headers."""
import datetime as dt

import pytest

from domain.profiles import Exclusion, Profile
from sheets_schema import (
    LEDGER, OK_TEXT, MissingHeaders, SchemaError, blocking_rows, row_summary, summaries, validate_sheet,
    validate_workbook,
)

ZAOYANG = Profile(
    id="zaoyang", name="枣阳市", seed="003_c63442d39891aa6f.txt",
    categories=("咨询", "求助", "投诉", "举报", "意见建议"), problem_types=("简单", "一般", "复杂"),
    ticket_number_format="〔{year}〕第{seq:04d}号",
    exclusions=(
        Exclusion("已进入诉讼、仲裁、行政复议程序的", ("诉讼", "仲裁", "行政复议")),
        Exclusion("企业之间的民事纠纷", ("民事纠纷", "货款纠纷")),
    ),
    satisfaction_levels=("非常满意", "满意", "基本满意", "不满意", "非常不满意"),
    satisfied_levels=("非常满意", "满意", "基本满意"),
)

HEADERS = ["诉求编号", "受理时间", "渠道", "诉求企业", "统一社会信用代码", "企业地址", "联系人", "联系电话", "诉求类别",
           "问题类型", "主要诉求", "承办单位", "配合单位", "首次联系时间", "办结时间", "办理情况", "满意度",
           "不满意原因", "是否办结归档", "校验结果"]

GOOD = {
    "受理时间": dt.datetime(2026, 3, 5, 9, 30), "渠道": "12345热线", "诉求企业": "枣阳市汉光机械有限公司",
    "统一社会信用代码": "91350100M000100Y43", "企业地址": "枣阳市北城街道汉城路18号", "联系人": "王建国",
    "联系电话": "13972212345", "诉求类别": "求助", "问题类型": "一般",
    "主要诉求": "企业新建厂房申请接入供电线路，两个月未获答复，影响投产", "承办单位": "市供电公司",
}


def ledger(*rows, headers=HEADERS):
    """A 台账 grid: header row, then one row per dict (missing keys are blank cells)."""
    return [list(headers)] + [[r.get(h) for h in headers] for r in rows]


def units_sheet(*names):
    head = ["单位名称", "经办人", "经办人电话", "经办人邮箱"]
    return [head] + [[n, "李明", "0710-6221234", "liming@zaoyang.gov.cn"] for n in names]


def problems_at(problems, row, column):
    return [p for p in problems if p.row == row and p.column == column]


def test_a_clean_ledger_has_no_problems():
    second = dict(GOOD, 受理时间="2026年3月6日 10:00", 诉求企业="湖北隆中实业有限公司", 统一社会信用代码=None,
                  联系电话="0710-6223456", 诉求类别="咨询", 主要诉求="咨询高新技术企业认定的申报条件",
                  首次联系时间="2026/3/6 15:20", 办结时间="2026.3.9", 办理情况="已电话答复申报条件并发送政策文件",
                  满意度="非常满意", 是否办结归档="是")
    problems = validate_workbook({"台账": ledger(GOOD, second), "承办单位": units_sheet("市供电公司")}, ZAOYANG)
    assert problems == []


def test_columns_are_found_by_header_not_letter_and_own_columns_are_left_alone():
    headers = ["我的备注", "联系电话", "主要诉求", "诉求类别", "联系人", "诉求企业", "受理时间", "区里用的序号"]
    row = dict(GOOD, 联系电话="1397221234", 我的备注="=随便写", 区里用的序号="abc")
    problems = validate_sheet(LEDGER, ledger(row, headers=headers), profile=ZAOYANG)
    assert [(p.row, p.column) for p in problems] == [(2, "联系电话")]


def test_header_aliases_markers_and_full_width_are_recognised():
    headers = ["受理日期*", "反映企业", "反映人", "联系方式", "诉求类别(必填)", "反映事项"]
    grid = [headers, [dt.datetime(2026, 3, 5), "甲公司", "张三", "13812345678", "投诉", "道路积水"]]
    assert validate_sheet(LEDGER, grid, profile=ZAOYANG) == []


def test_missing_required_headers_are_listed_by_name():
    grid = ledger(GOOD, headers=["受理时间", "诉求企业", "主要诉求"])
    with pytest.raises(MissingHeaders) as err:
        validate_workbook({"台账": grid}, ZAOYANG)
    assert err.value.missing == {"台账": ("联系人", "联系电话", "诉求类别")}
    assert "联系人、联系电话、诉求类别" in err.value.message_zh


def test_a_workbook_without_a_ledger_sheet_is_a_schema_error():
    with pytest.raises(SchemaError) as err:
        validate_workbook({"Sheet1": [["a"]]}, ZAOYANG)
    assert "台账" in err.value.message_zh and "Sheet1" in err.value.message_zh


def test_every_ledger_sheet_is_checked_one_per_township():
    bad = dict(GOOD, 诉求类别="投拆")
    problems = validate_workbook({"台账-北城街道": ledger(GOOD), "台账-南城街道": ledger(bad)}, ZAOYANG)
    assert [(p.sheet, p.row, p.column) for p in problems] == [("台账-南城街道", 2, "诉求类别")]


def test_row_numbers_are_spreadsheet_rows_and_blank_rows_are_skipped():
    bad = dict(GOOD, 联系电话="12012345678", 主要诉求="咨询技改补贴申报时间")
    grid = ledger(GOOD, {}, {"校验结果": "✔ 校验通过"}, bad)  # a blank row and a row with only service text
    problems = validate_sheet(LEDGER, grid, profile=ZAOYANG)
    assert [(p.row, p.column, p.value) for p in problems] == [(5, "联系电话", "12012345678")]
    assert "号段 120 未分配" in problems[0].message


@pytest.mark.parametrize("change, column, level, fragment", [
    ({"联系人": None}, "联系人", "error", "联系人为必填项"),
    ({"联系人": "   "}, "联系人", "error", "联系人为必填项"),
    ({"受理时间": "2026-02-30"}, "受理时间", "error", "这一天不存在"),
    ({"受理时间": None}, "受理时间", "error", "必填"),
    ({"联系电话": "1397221234"}, "联系电话", "error", "是 10 位"),
    ({"统一社会信用代码": "91350100M000100Y44"}, "统一社会信用代码", "error", "校验位不符"),
    ({"诉求类别": "投拆"}, "诉求类别", "error", "您是不是要填“投诉”"),
    ({"问题类型": "很复杂"}, "问题类型", "error", "复杂"),
    ({"渠道": "抖音"}, "渠道", "warning", "可选"),
    ({"办理情况": "办" * 2001}, "办理情况", "error", "最多 2000 字，现有 2001 字"),
    ({"不满意原因": "慢" * 501}, "不满意原因", "error", "最多 500 字"),
    ({"满意度": "很满意"}, "满意度", "error", "非常满意"),
    ({"是否办结归档": "Y"}, "是否办结归档", "error", "是、否"),
    ({"办结时间": "2026-03-04 10:00"}, "办结时间", "error", "办结时间早于受理时间"),
    ({"首次联系时间": dt.datetime(2026, 3, 5, 9, 0)}, "首次联系时间", "error", "早于受理时间"),
    ({"联系人": "=HYPERLINK(\"http://x\")"}, "联系人", "warning", "永不计算"),
    ({"承办单位": "市供电公司、市住建局"}, "承办单位", "error", "只填一个牵头单位"),
    ({"承办单位": "市供店公司"}, "承办单位", "error", "您是不是要填“市供电公司”"),
    ({"配合单位": "市自然资源局"}, "配合单位", "error", "不在“承办单位”表中"),
])
def test_each_rule_flags_the_cell_where_the_mistake_is(change, column, level, fragment):
    row = dict(GOOD, **change)
    workbook = {"台账": ledger(row), "承办单位": units_sheet("市供电公司", "市住建局")}
    before = [list(r) for r in workbook["台账"]]
    problems = validate_workbook(workbook, ZAOYANG)
    assert [(p.row, p.column, p.level) for p in problems] == [(2, column, level)], problems
    assert fragment in problems[0].message
    assert problems[0].value is row[column] or problems[0].value == row[column]
    assert workbook["台账"] == before  # validation never changes a value


def test_normalised_values_are_accepted_without_rewriting_them():
    row = dict(GOOD, 联系电话="１３９７２２１２３４５", 诉求类别=" 求 助", 受理时间="２０２６－０３－０５　０９：３０")
    grid = ledger(row)
    assert validate_sheet(LEDGER, grid, profile=ZAOYANG) == []
    assert grid[1][HEADERS.index("联系电话")] == "１３９７２２１２３４５"


def test_a_date_without_time_on_the_same_day_is_not_out_of_order():
    row = dict(GOOD, 办结时间="2026-03-05")  # accepted at 09:30 that day, resolved the same day
    assert validate_sheet(LEDGER, ledger(row), profile=ZAOYANG) == []


def test_service_owned_columns_are_not_checked():
    row = dict(GOOD, 诉求编号="=乱写", 校验结果="x" * 900)
    assert validate_sheet(LEDGER, ledger(row), profile=ZAOYANG) == []


def test_exclusion_keywords_give_a_warning_with_the_reason():
    row = dict(GOOD, 主要诉求="与供货商的货款纠纷已向法院提起诉讼，请求政府协调")
    problems = validate_sheet(LEDGER, ledger(row), profile=ZAOYANG)
    assert [(p.column, p.level) for p in problems] == [("主要诉求", "warning")]
    assert "疑似不予受理" in problems[0].message
    assert "已进入诉讼、仲裁、行政复议程序的" in problems[0].message and "企业之间的民事纠纷" in problems[0].message
    assert blocking_rows(problems) == set()  # a warning never blocks numbering


def test_no_exclusion_warning_without_keywords_or_for_archived_requests():
    archived = dict(GOOD, 主要诉求="仲裁裁决执行难", 办结时间="2026-03-09", 是否办结归档="是")
    assert validate_sheet(LEDGER, ledger(GOOD, archived), profile=ZAOYANG) == []


def test_near_identical_open_request_of_the_same_enterprise_is_a_likely_duplicate():
    first = dict(GOOD, 诉求编号="〔2026〕第0007号")
    again = dict(GOOD, 受理时间=dt.datetime(2026, 3, 12, 8, 0), 诉求企业="枣阳市汉光机械有限公司 ",
                 主要诉求="企业新建厂房申请接入供电线路,两个月未获答复,影响投产!")
    problems = validate_sheet(LEDGER, ledger(first, again), profile=ZAOYANG)
    assert [(p.row, p.column, p.level) for p in problems] == [(3, "主要诉求", "warning")]
    assert "疑似重复" in problems[0].message and "〔2026〕第0007号" in problems[0].message


def test_duplicate_found_by_credit_code_and_earlier_by_acceptance_time_not_row():
    later_typed_first = dict(GOOD, 受理时间=dt.datetime(2026, 3, 20), 诉求企业="汉光机械",
                             主要诉求="企业新建厂房申请接入供电线路两个月未获答复影响投产")
    earlier = dict(GOOD)
    problems = validate_sheet(LEDGER, ledger(later_typed_first, earlier), profile=ZAOYANG)
    assert [(p.row, p.column) for p in problems] == [(2, "主要诉求")]
    assert "第 3 行（尚未编号）" in problems[0].message


@pytest.mark.parametrize("other", [
    {"主要诉求": "申请办理排污许可证变更，窗口要求重复提交材料"},               # different matter
    {"诉求企业": "湖北隆中实业有限公司", "统一社会信用代码": None},                # different enterprise
    {"办结时间": "2026-03-08"},                                                   # the earlier one is closed
])
def test_not_a_duplicate(other):
    first = dict(GOOD, **other)
    second = dict(GOOD, 受理时间=dt.datetime(2026, 3, 12, 8, 0))
    assert validate_sheet(LEDGER, ledger(first, second), profile=ZAOYANG) == []


def test_row_summary_for_the_service_column():
    row = dict(GOOD, 联系电话="1397221234", 渠道="抖音", 主要诉求="咨询技改补贴申报时间")
    problems = validate_sheet(LEDGER, ledger(GOOD, row), profile=ZAOYANG)
    texts = summaries(problems, "台账", 3)
    assert texts[2] == OK_TEXT
    assert texts[3].startswith("✘ 1 处错误，1 条提示：联系电话: ")
    assert "渠道: " in texts[3]
    assert texts[3].index("联系电话") < texts[3].index("渠道")   # errors before warnings
    assert not texts[3][:1] in "=+-@"                             # never written back as a formula
    long = row_summary(validate_sheet(LEDGER, ledger(dict(GOOD, 办理情况="x" * 3000, 联系电话="1",
                                                          诉求类别="投拆", 受理时间="昨天", 问题类型="很复杂",
                                                          满意度="很满意", 统一社会信用代码="1")),
                                    profile=ZAOYANG))
    assert len(long) <= 300 and long.endswith("（其余见校验报告）")
    assert blocking_rows(problems) == {3}


def test_profile_decides_the_categories_and_rating_levels():
    two_levels = Profile(id="yicheng", name="峄城区", seed="000", categories=("咨询", "求助", "意见建议", "投诉"),
                         problem_types=("简单", "一般", "复杂"), ticket_number_format="{year}-{seq:04d}")
    row = dict(GOOD, 诉求类别="举报", 满意度="基本满意")
    problems = validate_sheet(LEDGER, ledger(row), profile=two_levels)
    assert [p.column for p in problems] == ["诉求类别", "满意度"]
    assert validate_sheet(LEDGER, ledger(row), profile=ZAOYANG) == []


def test_other_worksheets():
    workbook = {
        "台账": ledger(GOOD),
        "承办单位": [["单位名称", "经办人", "经办人电话", "经办人邮箱"],
                     ["市供电公司", "李明", "0710-6221234", "liming@zaoyang.gov.cn"],
                     ["市住建局", "赵丽", "1397221", "zhaoli@"]],
        "派单目录": [["诉求类别", "关键词", "牵头单位", "配合单位"],
                     ["投诉", "供电、电力", "市供电公司", None],
                     [None, None, "市住建局", None],
                     ["咨询", None, "市税务局", None]],
        "工作日历": [["日期", "类型", "名称"],
                     ["2026-10-10", "班", "国庆调休"],
                     [dt.datetime(2026, 10, 10), "休", "重复"],
                     ["2026-10-11", "上班", None]],
        "知识库": [["问题", "答案", "依据文件"], ["高企认定条件？", None, "国科发火〔2016〕32号"]],
    }
    got = [(p.sheet, p.row, p.column, p.level) for p in validate_workbook(workbook, ZAOYANG)]
    assert got == [
        ("承办单位", 3, "经办人电话", "error"), ("承办单位", 3, "经办人邮箱", "error"),
        ("派单目录", 3, "诉求类别", "error"), ("派单目录", 4, "牵头单位", "error"),
        ("工作日历", 3, "日期", "error"), ("工作日历", 4, "类型", "error"),
        ("知识库", 2, "答案", "error"),
    ]


def test_repeated_header_is_reported_and_only_the_first_is_read():
    headers = HEADERS + ["联系电话"]
    grid = ledger(GOOD, headers=headers)
    grid[1][-1] = "not a phone"
    problems = validate_sheet(LEDGER, grid, profile=ZAOYANG)
    assert [(p.row, p.column, p.level) for p in problems] == [(1, "联系电话", "warning")]


def test_read_records_gives_typed_values_for_other_parts():
    from sheets_schema import read_records
    row = dict(GOOD, 受理时间="2026年3月5日 9:30", 联系电话="13972212345、0710-6223456", 诉求类别=" 投 诉",
               办结时间="2026-02-30")
    grid = ledger(row, {}, dict(GOOD, 诉求编号="〔2026〕第0002号"))
    records = read_records(LEDGER, grid, ZAOYANG)
    assert [r.row for r in records] == [2, 4]
    first = records[0].values
    assert first["受理时间"] == dt.datetime(2026, 3, 5, 9, 30)
    assert first["联系电话"] == ("+8613972212345", "+867106223456")
    assert first["诉求类别"] == "投诉"
    assert first["办结时间"] is None and records[0].raw["办结时间"] == "2026-02-30"  # wrong cells read as None
    assert records[1].values["诉求编号"] == "〔2026〕第0002号"
    assert records[1].values["受理时间"] == dt.datetime(2026, 3, 5, 9, 30)


def test_a_formula_in_a_typed_column_is_an_error_that_says_it_is_not_evaluated():
    problems = validate_sheet(LEDGER, ledger(dict(GOOD, 联系电话="=A1")), profile=ZAOYANG)
    assert [(p.column, p.level) for p in problems] == [("联系电话", "error")]
    assert "不会被当作公式计算" in problems[0].message


def test_the_service_owned_supervision_log_is_not_checked():
    log = [["记录时间", "乱写的表头"], ["not a time", "x"]]
    assert validate_workbook({"台账": ledger(GOOD), "督办记录": log}, ZAOYANG) == []


def test_rows_as_google_sheets_returns_them_give_the_same_problems():
    """gspread gives every cell as text and blanks as ""; the result must not depend on the reader."""
    bad = dict(GOOD, 受理时间="2026-03-05 09:30", 联系电话="1397221234", 诉求类别="投拆", 办结时间="2026-03-04")
    as_openpyxl = ledger(dict(GOOD, 受理时间="2026-03-05 09:30"), {}, bad)
    as_gspread = [["" if v is None else str(v) for v in row] for row in as_openpyxl]
    strip = lambda ps: [(p.row, p.column, p.level, p.message) for p in ps]  # noqa: E731
    got = strip(validate_sheet(LEDGER, as_gspread, profile=ZAOYANG))
    assert got == strip(validate_sheet(LEDGER, as_openpyxl, profile=ZAOYANG))
    assert [g[:2] for g in got] == [(4, "联系电话"), (4, "诉求类别"), (4, "办结时间")]


def test_a_title_row_above_the_headers_is_explained():
    grid = [["枣阳市企业诉求工作台账"] + [None] * (len(HEADERS) - 1)] + ledger(GOOD)
    with pytest.raises(MissingHeaders) as err:
        validate_workbook({"台账": grid}, ZAOYANG)
    assert "请删除上面的标题行" in err.value.message_zh and "delete the title row" in err.value.message_en


def test_a_profile_can_require_more_ledger_columns():
    shanting = Profile(id="shanting", name="山亭区", seed="001", categories=ZAOYANG.categories,
                       problem_types=("简单", "一般", "复杂"), ticket_number_format="{year}-{seq:04d}",
                       extra={"required_columns": ["问题类型"]})
    problems = validate_sheet(LEDGER, ledger(dict(GOOD, 问题类型=None)), profile=shanting)
    assert [(p.row, p.column, p.level) for p in problems] == [(2, "问题类型", "error")]
    assert validate_sheet(LEDGER, ledger(dict(GOOD, 问题类型=None)), profile=ZAOYANG) == []
    with pytest.raises(MissingHeaders) as err:
        validate_sheet(LEDGER, ledger(GOOD, headers=[h for h in HEADERS if h != "问题类型"]), profile=shanting)
    assert err.value.missing == {"台账": ("问题类型",)}


def test_an_instructions_sheet_titled_like_a_ledger_is_left_alone():
    workbook = {"台账": ledger(GOOD), "台账填写说明": [["填写说明"], ["受理时间请填写日期"]]}
    assert validate_workbook(workbook, ZAOYANG) == []


def test_a_township_ledger_with_a_title_row_is_still_reported():
    grid = [["北城街道企业诉求台账"]] + ledger(GOOD)
    with pytest.raises(MissingHeaders) as err:
        validate_workbook({"台账-北城街道": grid}, ZAOYANG)
    assert "台账-北城街道" in err.value.message_zh and "标题行" in err.value.message_zh
