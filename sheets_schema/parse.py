"""Pure parsers for what people type into cells; each returns a clean value or raises CellError with the fix."""
from __future__ import annotations

import datetime as dt
import difflib
import re
import unicodedata

import phonenumbers
from phonenumbers import PhoneNumberType

FORMULA_CHARS = ("=", "+", "-", "@")
EXCEL_EPOCH = dt.datetime(1899, 12, 30)
HALF_SECOND = dt.timedelta(microseconds=500_000)
YEAR_MIN, YEAR_MAX = 2000, 2099
# Serial numbers of 2000-01-01 and 2099-12-31: anything else in a date column is not a date someone meant.
SERIAL_MIN, SERIAL_MAX = 36526, 73050
DATE_FORMS = "2026-03-05、2026/3/5、2026.3.5 或 2026年3月5日，可带时间如 2026-03-05 14:30"


class CellError(ValueError):
    """A cell's content is wrong; `message` says in Chinese what is wrong and how to fix it."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


def is_blank(raw) -> bool:
    """True for an empty cell: None, or text of spaces only."""
    return raw is None or (isinstance(raw, str) and not raw.strip())


def normalize(raw) -> str:
    """NFKC (full-width digits, letters and punctuation to half-width), stray spaces trimmed and collapsed."""
    if raw is None:
        return ""
    text = raw if isinstance(raw, str) else display(raw)
    if not text.isascii():
        text = unicodedata.normalize("NFKC", text).replace("\u3000", " ")
    return " ".join(text.split())


def display(raw) -> str:
    """The text a person sees for a cell value (for messages and JSON), never used to rewrite the cell."""
    if raw is None:
        return ""
    if isinstance(raw, bool):
        return "TRUE" if raw else "FALSE"
    if isinstance(raw, dt.datetime):
        return raw.strftime("%Y-%m-%d %H:%M:%S") if raw.time() != dt.time() else raw.strftime("%Y-%m-%d")
    if isinstance(raw, dt.date):
        return raw.isoformat()
    if isinstance(raw, float) and raw.is_integer():
        return str(int(raw))
    return str(raw)


def is_formula_like(raw) -> bool:
    """True when the text begins with = + - @, which a spreadsheet would evaluate as a formula."""
    return isinstance(raw, str) and len(raw.rstrip()) > 1 and raw[0] in FORMULA_CHARS


def formula_note(raw) -> str:
    return f"以“{raw[:1]}”开头的内容在表格软件里会被当成公式；本系统只按文字保存，永不计算或写回公式"


# ---- dates and times ---------------------------------------------------------------------------------

_DATE_RE = re.compile(
    r"(?P<y>\d{4})\s*[-/.年]\s*(?P<m>\d{1,2})\s*[-/.月]\s*(?P<d>\d{1,2})\s*日?"
    r"(?:(?:\s+|T|(?<=日))\s*(?P<H>\d{1,2})\s*[:时点]\s*(?:(?P<M>\d{1,2})\s*分?\s*(?:[:]?\s*(?P<S>\d{1,2})\s*秒?)?)?)?"
)
_COMPACT_RE = re.compile(r"(?P<y>\d{4})(?P<m>\d{2})(?P<d>\d{2})")
_SERIAL_RE = re.compile(r"\d{5}(?:\.\d+)?")


def parse_datetime(raw) -> tuple[dt.datetime, bool]:
    """A date with optional time as people type it; returns (value, has_time). Serial numbers count too."""
    if isinstance(raw, dt.datetime):
        _check_year(raw.year, raw)
        # To the nearest second: spreadsheet times are floats and come back as 09:29:59.999999.
        value = (raw.replace(tzinfo=None) + HALF_SECOND).replace(microsecond=0)
        _check_year(value.year, raw)
        return value, value.time() != dt.time()
    if isinstance(raw, dt.date):
        _check_year(raw.year, raw)
        return dt.datetime(raw.year, raw.month, raw.day), False
    if isinstance(raw, bool):
        raise CellError(f"“{display(raw)}”不是日期，请填写如 {DATE_FORMS}")
    if isinstance(raw, (int, float)):
        return _from_serial(float(raw), raw)
    text = normalize(raw)
    if _SERIAL_RE.fullmatch(text):
        return _from_serial(float(text), raw)
    m = _DATE_RE.fullmatch(text) or _COMPACT_RE.fullmatch(text)
    if not m:
        hint = "公式不会被计算，" if is_formula_like(raw) else ""
        raise CellError(f"“{display(raw)}”不是可识别的日期，{hint}请填写如 {DATE_FORMS}")
    y, mo, d = int(m["y"]), int(m["m"]), int(m["d"])
    parts = m.groupdict()
    hh, mm, ss = (int(parts.get(k) or 0) for k in ("H", "M", "S"))
    _check_year(y, raw)
    try:
        day = dt.date(y, mo, d)
    except ValueError:
        if not 1 <= mo <= 12:
            raise CellError(f"“{display(raw)}”中的月份 {mo} 不存在，月份应为 1–12，请核对") from None
        raise CellError(f"“{display(raw)}”这一天不存在（{y}年{mo}月没有{d}日），请核对日期") from None
    if hh > 23 or mm > 59 or ss > 59:
        raise CellError(f"“{display(raw)}”中的时间不存在，时应为 0–23，分、秒应为 0–59，请核对")
    return dt.datetime(day.year, day.month, day.day, hh, mm, ss), parts.get("H") is not None


def parse_date(raw) -> dt.date:
    """A calendar day (any of the forms parse_datetime accepts, time of day ignored)."""
    return parse_datetime(raw)[0].date()


def _from_serial(serial: float, raw) -> tuple[dt.datetime, bool]:
    if not SERIAL_MIN <= serial <= SERIAL_MAX:
        raise CellError(f"“{display(raw)}”不是日期（若是表格日期序号，应在 {SERIAL_MIN}–{SERIAL_MAX} 之间），"
                        f"请填写如 {DATE_FORMS}")
    value = EXCEL_EPOCH + dt.timedelta(days=serial)
    value = value.replace(microsecond=0) + dt.timedelta(seconds=round(value.microsecond / 1e6))
    return value, not float(serial).is_integer()


def _check_year(year: int, raw) -> None:
    if not YEAR_MIN <= year <= YEAR_MAX:
        raise CellError(f"“{display(raw)}”的年份 {year} 不合理（应在 {YEAR_MIN}–{YEAR_MAX} 之间），请核对")


# ---- phones ------------------------------------------------------------------------------------------

_PHONE_SPLIT = re.compile(r"\s*[,;，；、/]\s*")
_PHONE_JUNK = str.maketrans("", "", " -()（）")
OK_TYPES = {PhoneNumberType.MOBILE, PhoneNumberType.FIXED_LINE, PhoneNumberType.FIXED_LINE_OR_MOBILE,
             PhoneNumberType.TOLL_FREE, PhoneNumberType.SHARED_COST}
_CN = phonenumbers.PhoneMetadata.metadata_for_region("CN")
MOBILE_RE = re.compile(_CN.mobile.national_number_pattern)
# phonenumbers' own test for a fixed line, without its per-call overhead: in the general and fixed-line
# patterns and lengths, and in no type we do not accept (premium rate, VoIP, UAN …).
_GENERAL = (re.compile(_CN.general_desc.national_number_pattern), set(_CN.general_desc.possible_length))
_FIXED = (re.compile(_CN.fixed_line.national_number_pattern), set(_CN.fixed_line.possible_length))
_REJECTED = tuple(re.compile(d.national_number_pattern) for d in (
    _CN.premium_rate, _CN.voip, _CN.personal_number, _CN.pager, _CN.uan, _CN.voicemail)
    if d is not None and d.national_number_pattern)


def _is_fixed_line(national: str) -> bool:
    return (len(national) in _GENERAL[1] and len(national) in _FIXED[1] and _GENERAL[0].fullmatch(national)
            is not None and _FIXED[0].fullmatch(national) is not None
            and not any(p.fullmatch(national) for p in _REJECTED))


def parse_phones(raw) -> tuple[str, ...]:
    """One or more phone numbers (、/，separated) as E.164 strings; mobiles and landlines with area code."""
    if isinstance(raw, (int, float)) and not isinstance(raw, bool):
        raw = display(raw)
    text = normalize(raw)
    parts = [p for p in _PHONE_SPLIT.split(text) if p]
    if not parts:
        raise CellError("电话为空，请填写手机号或带区号的固定电话")
    return tuple(parse_phone(p) for p in parts)


def parse_phone(text: str) -> str:
    """One number: an 11-digit mobile in an allocated range, or a landline with its area code."""
    digits = text.translate(_PHONE_JUNK)
    if digits.startswith("+86"):
        digits = digits[3:]
    elif digits.startswith("0086"):
        digits = digits[4:]
    if len(digits) == 11 and digits.isdigit() and MOBILE_RE.fullmatch(digits):
        return "+86" + digits  # the common case, decided by phonenumbers' own CN mobile pattern
    if digits[:1] == "0" and digits.isdigit() and _is_fixed_line(digits[1:]):
        return "+86" + digits[1:]
    if not digits.isdigit():
        raise CellError(f"“{text}”不是电话号码，只能包含数字和 -，如 13812345678 或 0632-7711401")
    if digits.startswith("1"):
        if len(digits) != 11:
            raise CellError(f"手机号“{text}”是 {len(digits)} 位，手机号应为 11 位，请核对")
        raise CellError(f"手机号“{text}”的号段 {digits[:3]} 未分配，不是有效手机号，请核对")
    try:
        number = phonenumbers.parse(digits if digits.startswith(("0", "4", "8")) else "0" + digits, "CN")
    except phonenumbers.NumberParseException:
        number = None
    if number is None or not phonenumbers.is_valid_number(number) or phonenumbers.number_type(number) not in OK_TYPES:
        if not digits.startswith(("0", "4", "8")) and len(digits) in (7, 8):
            raise CellError(f"固定电话“{text}”缺少区号，请写成如 0632-7711401")
        raise CellError(f"“{text}”不是有效的电话号码：手机号为 11 位（如 13812345678），固定电话须带区号（如 0632-7711401）")
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


# ---- unified social credit code (GB 32100-2015) --------------------------------------------------------

CREDIT_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
_CREDIT_VALUE = {c: i for i, c in enumerate(CREDIT_ALPHABET)}
_CREDIT_WEIGHTS = tuple(pow(3, i, 31) for i in range(17))


def credit_check_char(first17: str) -> str:
    """The 18th character of a unified social credit code, computed from the first 17 (GB 32100-2015)."""
    total = sum(_CREDIT_VALUE[c] * w for c, w in zip(first17, _CREDIT_WEIGHTS))
    return CREDIT_ALPHABET[(31 - total % 31) % 31]


def parse_credit_code(raw) -> str:
    """An 18-character unified social credit code; any registration-authority letter (9, N, Y, A …) is fine."""
    code = normalize(raw).replace(" ", "").upper()
    if len(code) != 18:
        raise CellError(f"统一社会信用代码应为 18 位，“{display(raw)}”是 {len(code)} 位，请核对营业执照")
    bad = sorted({c for c in code if c not in _CREDIT_VALUE})
    if bad:
        hint = "（不使用 I、O、Z、S、V；请注意数字 0 和字母 O、数字 1 和字母 I）" if set(bad) & set("IOZSV") else ""
        raise CellError(f"统一社会信用代码“{display(raw)}”含有不允许的字符 {'、'.join(bad)}{hint}")
    if not code[2:8].isdigit():
        raise CellError(f"统一社会信用代码“{display(raw)}”的第 3–8 位应为行政区划代码（数字），请核对")
    expected = credit_check_char(code[:17])
    if code[17] != expected:
        raise CellError(f"统一社会信用代码“{display(raw)}”校验位不符（第 18 位应为 {expected}），多半是抄错了某一位，请核对营业执照")
    return code


# ---- enums, integers, emails, unit lists ----------------------------------------------------------------

def enum_key(raw) -> str:
    """How an option is compared: normalised, with all spaces removed."""
    return normalize(raw).replace(" ", "")


def suggest(value: str, allowed) -> str | None:
    """The allowed value closest to what was typed (投拆 → 投诉), or None when nothing is close."""
    candidates = [a for a in allowed if value and (value in a or a in value)]
    if len(candidates) == 1:
        return candidates[0]
    close = difflib.get_close_matches(value, list(allowed), n=1, cutoff=0.5)
    return close[0] if close else None


def parse_enum(raw, allowed) -> str:
    """One of the allowed values (after normalising); otherwise a message listing them, with a guess."""
    value = enum_key(raw)
    for option in allowed:
        if value == option or value == enum_key(option):
            return option
    guess = suggest(value, allowed)
    hint = f"您是不是要填“{guess}”？" if guess else ""
    raise CellError(f"“{display(raw)}”不是可选的值。{hint}可选：{'、'.join(allowed)}")


def parse_int(raw, low=None, high=None) -> int:
    """A whole number within bounds; 3.0 counts, 3.5 and 三 do not."""
    if isinstance(raw, bool):
        raise CellError(f"“{display(raw)}”不是整数")
    if isinstance(raw, float) and raw.is_integer():
        value = int(raw)
    elif isinstance(raw, int):
        value = raw
    else:
        text = normalize(raw).removesuffix("天").removesuffix("个工作日").strip()
        if not re.fullmatch(r"[+-]?\d+", text):
            raise CellError(f"“{display(raw)}”不是整数，请只填写数字，如 5")
        value = int(text)
    if (low is not None and value < low) or (high is not None and value > high):
        raise CellError(f"“{display(raw)}”超出范围，应在 {low}–{high} 之间")
    return value


_EMAIL_RE = re.compile(r"[A-Za-z0-9._%+\-]+@[A-Za-z0-9\-]+(?:\.[A-Za-z0-9\-]+)*\.[A-Za-z]{2,}")


def parse_email(raw) -> str:
    """An e-mail address such as name@example.gov.cn (full-width ＠ and dots are normalised)."""
    text = normalize(raw).replace(" ", "")
    if not _EMAIL_RE.fullmatch(text):
        raise CellError(f"“{display(raw)}”不是有效的电子邮箱，应如 zhangsan@example.gov.cn")
    return text


_UNIT_SPLIT = re.compile(r"\s*[,;，；、/\n]\s*")


def split_units(raw) -> tuple[str, ...]:
    """Unit names from a cell that may list several (、，, ; / or line breaks between them)."""
    return tuple(p for p in _UNIT_SPLIT.split(normalize(raw) if raw is not None else "") if p)


_NOT_WORD = re.compile(r"[\W_]+")


def text_key(raw) -> str:
    """Text reduced for matching: NFKC, lower case, no spaces or punctuation."""
    text = raw if isinstance(raw, str) else display(raw)
    if not text.isascii():
        text = unicodedata.normalize("NFKC", text)
    return _NOT_WORD.sub("", text.lower())
