"""Declarative column and worksheet types: header, kind, required, allowed values, length limit, owner."""
from __future__ import annotations

import unicodedata
from dataclasses import dataclass, field

# Who may write a column. The service writes only SERVICE columns, ever.
CLERK = "clerk"            # 受理人员 / 镇街登记窗口
UNIT = "unit"              # 承办单位
COORDINATOR = "coordinator"  # 营商办 / 平台 / 工作专班
SERVICE = "service"        # this program
OWNERS = (CLERK, UNIT, COORDINATOR, SERVICE)
OWNER_LABELS = {CLERK: "受理人员", UNIT: "承办单位", COORDINATOR: "协调机构", SERVICE: "系统"}

# Kinds of cell content; each has a parser in sheets_schema.parse.
TEXT = "text"
DATETIME = "datetime"      # a date, with or without a time of day
DATE = "date"              # a calendar day only
PHONE = "phone"            # one or more mobiles / landlines
CREDIT_CODE = "credit_code"
ENUM = "enum"
UNITS = "units"            # one or more handling-unit names separated by 、，, ;
INTEGER = "integer"
EMAIL = "email"
KIND_NAMES = {TEXT: "文本", DATETIME: "日期时间", DATE: "日期", PHONE: "电话", CREDIT_CODE: "统一社会信用代码",
              ENUM: "选项", UNITS: "单位名称", INTEGER: "整数", EMAIL: "电子邮箱"}


@dataclass(frozen=True)
class Column:
    """One worksheet column, found by its header text (or an alias), never by letter."""
    header: str
    kind: str
    owner: str
    required: bool = False
    choices: tuple[str, ...] = ()          # allowed values for ENUM; empty means "from the profile"
    choices_from: str = ""                 # Profile attribute holding the allowed values, e.g. "categories"
    strict: bool = True                    # an ENUM value outside the list is an error (else a warning)
    max_length: int | None = None
    min_value: int | None = None
    max_value: int | None = None
    aliases: tuple[str, ...] = ()          # other header texts people use for the same column
    hidden: bool = False                   # the connector hides it (the row identity)
    single: bool = False                   # UNITS: exactly one unit (the lead unit)
    note: str = ""                         # what the column means, for docs/ledger.md

    def allowed(self, profile=None) -> tuple[str, ...]:
        """The allowed values of an ENUM column, taking them from the profile when the column says so."""
        if self.choices_from and profile is not None:
            values = getattr(profile, self.choices_from, None)
            if values is None and isinstance(getattr(profile, "extra", None), dict):
                values = profile.extra.get(self.choices_from)
            if values:
                return tuple(values)
        return self.choices


@dataclass(frozen=True)
class Order:
    """Two time columns whose values must not run backwards (later >= earlier)."""
    earlier: str
    later: str
    level: str = "error"


@dataclass(frozen=True)
class Sheet:
    """One worksheet of a ledger workbook: its title and columns, in the order a new sheet shows them."""
    name: str
    columns: tuple[Column, ...]
    owner: str
    orders: tuple[Order, ...] = ()
    title_prefix: bool = False             # also matches titles like 台账-坛山街道 (one ledger per township)
    note: str = ""
    _by_header: dict = field(default_factory=dict, compare=False, repr=False)

    def __post_init__(self):
        for col in self.columns:
            for name in (col.header, *col.aliases):
                self._by_header[header_key(name)] = col

    def column(self, header: str) -> Column:
        """The column whose header (or alias) is this text; KeyError if none."""
        return self._by_header[header_key(header)]

    def find(self, header) -> Column | None:
        """The column for a header cell as typed, or None for a column of the person's own."""
        if header is None:
            return None
        return self._by_header.get(header_key(str(header)))

    @property
    def headers(self) -> tuple[str, ...]:
        return tuple(c.header for c in self.columns)

    def owned_by(self, owner: str) -> tuple[Column, ...]:
        return tuple(c for c in self.columns if c.owner == owner)

    def matches_title(self, title: str) -> bool:
        key = header_key(title)
        return key == self.name or (self.title_prefix and key.startswith(self.name))


_HEADER_STRIP = str.maketrans("", "", " \t\r\n*＊※")


def header_key(text: str) -> str:
    """How a header is compared: NFKC, no spaces or required-markers (*), no trailing (必填)/(选填)."""
    key = unicodedata.normalize("NFKC", str(text)).translate(_HEADER_STRIP)
    for suffix in ("(必填)", "(选填)", "(系统)", "(系统填写)"):
        if key.endswith(suffix):
            key = key[: -len(suffix)]
    return key
