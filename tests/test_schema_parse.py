"""The per-cell parsers on what clerks really type: dates, phones, credit codes, options, formulas."""
import datetime as dt

import phonenumbers
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sheets_schema import parse
from sheets_schema.parse import CellError

CATEGORIES = ("咨询", "求助", "投诉", "举报", "意见建议")


@pytest.mark.parametrize("typed, expected, has_time", [
    ("2026-03-05", dt.datetime(2026, 3, 5), False),
    ("2026/3/5", dt.datetime(2026, 3, 5), False),
    ("2026.3.5", dt.datetime(2026, 3, 5), False),
    ("2026年3月5日", dt.datetime(2026, 3, 5), False),
    ("２０２６年３月５日", dt.datetime(2026, 3, 5), False),           # full-width digits
    (" 2026-03-05 ", dt.datetime(2026, 3, 5), False),                # stray spaces
    ("2026-03-05 14:30", dt.datetime(2026, 3, 5, 14, 30), True),
    ("2026/3/5 9:05:07", dt.datetime(2026, 3, 5, 9, 5, 7), True),
    ("2026年3月5日14时30分", dt.datetime(2026, 3, 5, 14, 30), True),
    ("2026年3月5日 14：30", dt.datetime(2026, 3, 5, 14, 30), True),  # full-width colon
    ("20260305", dt.datetime(2026, 3, 5), False),
    ("46086", dt.datetime(2026, 3, 5), False),                       # spreadsheet serial as text
    (46086, dt.datetime(2026, 3, 5), False),                         # serial as a number
    (46086.5, dt.datetime(2026, 3, 5, 12), True),
    (dt.datetime(2026, 3, 5, 8, 0), dt.datetime(2026, 3, 5, 8, 0), True),  # openpyxl's own value
    (dt.date(2026, 3, 5), dt.datetime(2026, 3, 5), False),
])
def test_dates_in_the_forms_people_type(typed, expected, has_time):
    assert parse.parse_datetime(typed) == (expected, has_time)


@pytest.mark.parametrize("typed, fragment", [
    ("2026-02-30", "这一天不存在"),
    ("2025-02-29", "这一天不存在"),
    ("2026-13-01", "月份 13 不存在"),
    ("2026-03-05 25:00", "时间不存在"),
    ("1926-03-05", "年份 1926 不合理"),
    ("3月5日", "不是可识别的日期"),
    ("=TODAY()", "公式不会被计算"),
    (13812345678, "不是日期"),
    (True, "不是日期"),
])
def test_impossible_or_unreadable_dates_are_errors(typed, fragment):
    with pytest.raises(CellError) as err:
        parse.parse_datetime(typed)
    assert fragment in err.value.message
    assert "2026-03-05" in err.value.message or "核对" in err.value.message  # every message says how to fix it


def test_leap_day_exists_in_a_leap_year():
    assert parse.parse_date("2028-02-29") == dt.date(2028, 2, 29)


@pytest.mark.parametrize("typed, expected", [
    ("13812345678", ("+8613812345678",)),
    ("138 1234 5678", ("+8613812345678",)),
    ("138-1234-5678", ("+8613812345678",)),
    ("１３８１２３４５６７８", ("+8613812345678",)),
    ("+86 13812345678", ("+8613812345678",)),
    (13812345678, ("+8613812345678",)),                  # a number cell
    ("0632-7711401", ("+866327711401",)),                # Zaozhuang landline with area code
    ("(0632)7711401", ("+866327711401",)),
    ("010-62345678", ("+861062345678",)),
    ("13812345678、0632-7711401", ("+8613812345678", "+866327711401")),
])
def test_valid_phones(typed, expected):
    assert parse.parse_phones(typed) == expected


@pytest.mark.parametrize("typed, fragment", [
    ("1381234567", "是 10 位"),            # the ten-digit phone number
    ("138123456789", "是 12 位"),
    ("12012345678", "号段 120 未分配"),     # unallocated range
    ("14012345678", "号段 140 未分配"),
    ("7711401", "缺少区号"),
    ("138abc45678", "不是电话号码"),
])
def test_invalid_phones(typed, fragment):
    with pytest.raises(CellError) as err:
        parse.parse_phones(typed)
    assert fragment in err.value.message


@settings(max_examples=150, deadline=None)
@given(st.from_regex(r"1[0-9]{10}", fullmatch=True))
def test_mobile_fast_rule_agrees_with_phonenumbers(number):
    """Our regex shortcut for 11-digit mobiles must accept exactly what phonenumbers calls a valid mobile."""
    try:
        parsed = phonenumbers.parse(number, "CN")
        official = phonenumbers.is_valid_number(parsed) and phonenumbers.number_type(parsed) in (
            phonenumbers.PhoneNumberType.MOBILE, phonenumbers.PhoneNumberType.FIXED_LINE_OR_MOBILE)
    except phonenumbers.NumberParseException:
        official = False
    try:
        parse.parse_phone(number)
        ours = True
    except CellError:
        ours = False
    assert ours == official


def _weighted_sum_is_zero(code: str) -> bool:
    """GB 32100 in its other form: all 18 characters, the 18th weighted 1, sum to 0 mod 31."""
    values = [parse.CREDIT_ALPHABET.index(c) for c in code]
    return (sum(v * pow(3, i, 31) for i, v in enumerate(values[:17])) + values[17]) % 31 == 0


def test_credit_code_published_example_is_valid():
    assert parse.parse_credit_code("91350100M000100Y43") == "91350100M000100Y43"
    assert parse.parse_credit_code(" ９１３５０１００ｍ０００１００ｙ４３") == "91350100M000100Y43"


@pytest.mark.parametrize("first", list("123456789ANY"))
def test_credit_code_registration_authority_letters_are_accepted(first):
    body = first + "1370400MA3C12345"
    code = body + parse.credit_check_char(body)
    assert _weighted_sum_is_zero(code)   # independent of credit_check_char's own arithmetic
    assert parse.parse_credit_code(code) == code


@pytest.mark.parametrize("typed, fragment", [
    ("91350100M000100Y44", "校验位不符（第 18 位应为 3）"),
    ("91350100M000100Y4", "应为 18 位"),
    ("91350100M0001O0Y43", "不允许的字符 O"),
    ("9135AB00M000100Y43", "行政区划代码"),
])
def test_credit_code_errors(typed, fragment):
    with pytest.raises(CellError) as err:
        parse.parse_credit_code(typed)
    assert fragment in err.value.message


@settings(max_examples=150, deadline=None)
@given(st.text(alphabet=parse.CREDIT_ALPHABET, min_size=2, max_size=2),
       st.text(alphabet="0123456789", min_size=6, max_size=6),
       st.text(alphabet=parse.CREDIT_ALPHABET, min_size=9, max_size=9),
       st.sampled_from(parse.CREDIT_ALPHABET))
def test_credit_code_accepts_exactly_the_right_check_character(head, region, body, last):
    code = head + region + body + last
    try:
        parse.parse_credit_code(code)
        accepted = True
    except CellError:
        accepted = False
    assert accepted == _weighted_sum_is_zero(code)


def test_options_with_did_you_mean():
    assert parse.parse_enum("投诉", CATEGORIES) == "投诉"
    assert parse.parse_enum(" 投 诉 ", CATEGORIES) == "投诉"
    with pytest.raises(CellError) as err:
        parse.parse_enum("投拆", CATEGORIES)
    assert "您是不是要填“投诉”" in err.value.message and "咨询、求助、投诉、举报、意见建议" in err.value.message
    with pytest.raises(CellError) as err:
        parse.parse_enum("意见", CATEGORIES)
    assert "意见建议" in err.value.message
    with pytest.raises(CellError) as err:
        parse.parse_enum("其他", CATEGORIES)
    assert "您是不是" not in err.value.message


def test_formula_like_text():
    assert parse.is_formula_like("=SUM(A1:A3)")
    assert parse.is_formula_like("+86 138")
    assert parse.is_formula_like("@abc")
    assert parse.is_formula_like("-1+2")
    assert not parse.is_formula_like("-")          # a lone dash is a blank placeholder, not a formula
    assert not parse.is_formula_like("＝SUM(A1)")  # full-width = is never evaluated
    assert not parse.is_formula_like(" 正常文字")
    assert not parse.is_formula_like(5)


def test_integers_and_emails():
    assert parse.parse_int("５天", 1, 60) == 5
    assert parse.parse_int(7.0, 1, 60) == 7
    for bad in ("3.5", "五", 0, 61):
        with pytest.raises(CellError):
            parse.parse_int(bad, 1, 60)
    assert parse.parse_email("zhangsan＠yicheng.gov.cn") == "zhangsan@yicheng.gov.cn"
    with pytest.raises(CellError):
        parse.parse_email("zhangsan@localhost")


def test_units_split_on_the_separators_people_use():
    assert parse.split_units("区市场监管局、区住建局，区税务局;区人社局") == ("区市场监管局", "区住建局", "区税务局", "区人社局")
    assert parse.split_units(None) == ()


@settings(max_examples=200, deadline=None)
@given(st.from_regex(r"0[1-9][0-9]{7,10}", fullmatch=True))
def test_landline_shortcut_agrees_with_phonenumbers(number):
    """Our fixed-line shortcut must accept exactly the numbers phonenumbers calls valid of a type we accept."""
    parsed = phonenumbers.parse(number, "CN")
    official = phonenumbers.is_valid_number(parsed) and phonenumbers.number_type(parsed) in parse.OK_TYPES
    try:
        ours = parse.parse_phone(number) == phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.E164)
    except CellError:
        ours = False
    assert ours == official


def test_spreadsheet_float_times_round_to_the_second():
    assert parse.parse_datetime(dt.datetime(2026, 3, 5, 9, 29, 59, 999999)) == (dt.datetime(2026, 3, 5, 9, 30), True)
    assert parse.parse_datetime(dt.datetime(2026, 3, 5, 0, 0, 0, 1)) == (dt.datetime(2026, 3, 5), False)
