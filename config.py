"""The service's configuration: one TOML file, JIESU_… environment overrides, secrets only from env or files."""
from __future__ import annotations

import dataclasses
import difflib
import json
import os
import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from types import MappingProxyType
from typing import Any, Mapping

ENV_PREFIX = "JIESU_"
BACKENDS = ("xlsx", "gsheets")


class ConfigError(ValueError):
    """The configuration is wrong; `key` names the setting (e.g. "mail.port"), the message says how to fix it."""

    def __init__(self, key: str, zh: str, en: str, source: str | None = None):
        where = f"{source}: " if source else ""
        super().__init__(f"{where}配置项 {key}: {zh} / config key {key}: {en}")
        self.key, self.zh, self.en, self.source = key, zh, en, source


@dataclass(frozen=True)
class TownshipLedger:
    """One township office's ledger: a workbook (path), a spreadsheet (key), or one worksheet of a shared one."""
    name: str
    path: Path | None = None
    key: str | None = None
    worksheet: str | None = None

    @property
    def id(self) -> str:
        """The ledger id used in the state store (numbers, snapshots, events)."""
        return self.name


@dataclass(frozen=True)
class LedgerConfig:
    """Where the district's ledgers are: backend xlsx (local workbooks) or gsheets (Google Sheets via gspread)."""
    backend: str = "xlsx"
    path: Path | None = None
    key: str | None = None
    api_base: str | None = None
    credentials_file: Path | None = None
    credentials_env: str = "JIESU_GOOGLE_CREDENTIALS"
    townships: tuple[TownshipLedger, ...] = ()

    def sources(self) -> tuple[TownshipLedger, ...]:
        """Every ledger of the district; a config without [[ledger.townships]] has one, named "台账"."""
        if self.townships:
            return self.townships
        return (TownshipLedger(name="台账", path=self.path, key=self.key),)

    def credentials(self) -> dict | None:
        """Google service-account credentials, read now from `credentials_file` or the env var
        `credentials_env` (JSON text); None when neither is set (e.g. the local Sheets server)."""
        if self.credentials_file is not None:
            try:
                return json.loads(self.credentials_file.read_text(encoding="utf-8"))
            except (OSError, ValueError) as exc:
                raise ConfigError("ledger.credentials_file", f"无法读取凭据文件 {self.credentials_file}: {exc}",
                                  f"cannot read credentials file {self.credentials_file}: {exc}") from exc
        text = os.environ.get(self.credentials_env)
        if not text:
            return None
        try:
            return json.loads(text)
        except ValueError as exc:
            raise ConfigError("ledger.credentials_env", f"环境变量 {self.credentials_env} 不是有效的 JSON",
                              f"environment variable {self.credentials_env} is not valid JSON") from exc


@dataclass(frozen=True)
class StateConfig:
    """The state database (SQLAlchemy URL): sqlite:///path or postgresql+psycopg://user@host/db."""
    url: str = ""


@dataclass(frozen=True)
class MailConfig:
    """Outgoing mail: an SMTP server when `host` is set, else the embedded local mailbox directory."""
    host: str | None = None
    port: int | None = None
    sender: str = "jiesu@localhost"
    username: str | None = None
    password_env: str = "JIESU_SMTP_PASSWORD"
    password_file: Path | None = None
    starttls: bool = False
    ssl: bool = False
    timeout: float = 30.0
    mailbox: Path | None = None

    @property
    def embedded(self) -> bool:
        """True when mail goes to the local mailbox instead of an SMTP server."""
        return not self.host

    @property
    def effective_port(self) -> int:
        """The port to use: the configured one, else 465 for SSL, 587 for STARTTLS, 25 otherwise."""
        return self.port or (465 if self.ssl else 587 if self.starttls else 25)

    def password(self) -> str | None:
        """The SMTP password, read now from `password_file` or the env var named by `password_env`."""
        if self.password_file is not None:
            try:
                return self.password_file.read_text(encoding="utf-8").strip()
            except OSError as exc:
                raise ConfigError("mail.password_file", f"无法读取密码文件 {self.password_file}: {exc}",
                                  f"cannot read password file {self.password_file}: {exc}") from exc
        return os.environ.get(self.password_env) or None


@dataclass(frozen=True)
class WebConfig:
    """The web service: where it listens and which env vars hold its secrets."""
    host: str = "127.0.0.1"
    port: int = 8080
    secret_key_env: str = "JIESU_SECRET_KEY"
    webhook_secret_env: str = "JIESU_WEBHOOK_SECRET"

    def secret_key(self) -> str | None:
        return os.environ.get(self.secret_key_env) or None

    def webhook_secret(self) -> str | None:
        return os.environ.get(self.webhook_secret_env) or None


@dataclass(frozen=True)
class SchedulerConfig:
    """The scheduled jobs: whether `jiesu serve` also runs them, the sync interval, the lease length."""
    enabled: bool = True
    sync_interval_minutes: int = 5
    lease_ttl_seconds: int = 60


@dataclass(frozen=True)
class ReportConfig:
    """The periodic bulletin: who receives it by mail (coordinators) and where its files are kept
    (default var_dir/reports)."""
    recipients: tuple[str, ...] = ()
    out_dir: Path | None = None


@dataclass(frozen=True)
class IntakeSource:
    """Another intake source (a form's responses sheet, a 12345 export file) with its column map
    {source header: ledger header}."""
    name: str
    kind: str
    path: Path | None = None
    key: str | None = None
    worksheet: str | None = None
    columns: Mapping[str, str] = field(default_factory=lambda: MappingProxyType({}))


@dataclass(frozen=True)
class Config:
    """The whole configuration, immutable; `source` is the file it came from (None: built-in defaults)."""
    profile: str = "yicheng"
    timezone: str = "Asia/Shanghai"
    var_dir: Path = Path("var")
    ledger: LedgerConfig = LedgerConfig()
    state: StateConfig = StateConfig()
    mail: MailConfig = MailConfig()
    web: WebConfig = WebConfig()
    scheduler: SchedulerConfig = SchedulerConfig()
    report: ReportConfig = ReportConfig()
    intake_sources: tuple[IntakeSource, ...] = ()
    source: Path | None = None

    @property
    def tz(self):
        from zoneinfo import ZoneInfo
        return ZoneInfo(self.timezone)


# --- schema: every key a file may hold, its type, and how it is checked -------------------------------------

_SECTIONS = {"ledger": LedgerConfig, "state": StateConfig, "mail": MailConfig, "web": WebConfig,
             "scheduler": SchedulerConfig, "report": ReportConfig}
_LISTS = {"recipients"}  # list-valued keys, read by their section's own code, not by the scalar loop
_TOP = {"profile": str, "timezone": str, "var_dir": Path}
_TYPE_WORDS = {str: ("文本", "a string"), int: ("整数", "an integer"), float: ("数字", "a number"),
               bool: ("true 或 false", "true or false"), Path: ("路径文本", "a path string")}


def _scalar_fields(cls) -> dict[str, type]:
    out = {}
    for f in dataclasses.fields(cls):
        if f.name == "townships" or f.name in _LISTS:
            continue
        t = f.type.replace(" | None", "") if isinstance(f.type, str) else f.type
        out[f.name] = {"str": str, "int": int, "float": float, "bool": bool, "Path": Path}[t]
    return out


def _coerce(key: str, value: Any, typ: type, base: Path, source: str | None):
    def wrong():
        zh, en = _TYPE_WORDS[typ]
        return ConfigError(key, f"应为{zh}，实际是 {value!r}", f"expected {en}, got {type(value).__name__} {value!r}",
                           source)

    if typ is bool:
        if not isinstance(value, bool):
            raise wrong()
        return value
    if typ is int:
        if isinstance(value, bool) or not isinstance(value, int):
            raise wrong()
        return value
    if typ is float:
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            raise wrong()
        return float(value)
    if not isinstance(value, str):
        raise wrong()
    if typ is Path:
        p = Path(value).expanduser()
        return p if p.is_absolute() else base / p
    return value


def _env_value(name: str, text: str, typ: type):
    # Environment values are text: convert them so the same type checks apply as to the file.
    if typ is bool:
        low = text.strip().lower()
        if low in ("1", "true", "yes", "on"):
            return True
        if low in ("0", "false", "no", "off"):
            return False
        return text
    if typ in (int, float):
        try:
            return typ(text.strip())
        except ValueError:
            return text
    return text


def _unknown(key_prefix: str, key: str, known, source):
    hint = difflib.get_close_matches(key, list(known), n=1)
    zh = f"未知配置项{f'（是否想写 {hint[0]}？）' if hint else ''}，可用: {', '.join(sorted(known))}"
    en = f"unknown key{f' (did you mean {hint[0]}?)' if hint else ''}"
    return ConfigError(f"{key_prefix}{key}", zh, en, source)


def _env_overrides(env: Mapping[str, str]) -> dict[tuple[str | None, str], tuple[str, str]]:
    """{(section or None, key): (env var name, text)} for every JIESU_… variable naming a known setting."""
    out = {}
    for key in _TOP:
        name = f"{ENV_PREFIX}{key.upper()}"
        if name in env:
            out[(None, key)] = (name, env[name])
    for section, cls in _SECTIONS.items():
        for key in _scalar_fields(cls):
            # JIESU_MAIL__HOST is the unambiguous form; JIESU_MAIL_HOST is accepted too (the double wins).
            for name in (f"{ENV_PREFIX}{section.upper()}_{key.upper()}", f"{ENV_PREFIX}{section.upper()}__{key.upper()}"):
                if name in env:
                    out[(section, key)] = (name, env[name])
    return out


def load(path: str | os.PathLike | None = None, env: Mapping[str, str] | None = None) -> Config:
    """Read the TOML file at `path` (None: built-in defaults), apply JIESU_… overrides from `env`
    (default os.environ) and check everything; raises ConfigError naming the key on any problem."""
    env = os.environ if env is None else env
    source = None
    data: dict = {}
    if path is not None:
        source = Path(path)
        try:
            data = tomllib.loads(source.read_text(encoding="utf-8"))
        except FileNotFoundError:
            raise ConfigError("--config", f"找不到配置文件 {source}", f"config file not found: {source}") from None
        except (OSError, UnicodeDecodeError) as exc:
            raise ConfigError("--config", f"无法读取配置文件 {source}: {exc}", f"cannot read {source}: {exc}") from exc
        except tomllib.TOMLDecodeError as exc:
            raise ConfigError("--config", f"TOML 格式错误: {exc}", f"not valid TOML: {exc}", str(source)) from exc
        source = source.resolve()
    src = str(source) if source else None
    file_base = source.parent if source else Path.cwd()
    env_base = Path.cwd()

    allowed_top = set(_TOP) | set(_SECTIONS) | {"intake"}
    for key in data:
        if key not in allowed_top:
            raise _unknown("", key, allowed_top, src)

    overrides = _env_overrides(env)

    def value_of(section: str | None, key: str, typ: type, table: Mapping):
        full = f"{section}.{key}" if section else key
        if (section, key) in overrides:
            name, text = overrides[(section, key)]
            try:
                return _coerce(full, _env_value(name, text, typ), typ, env_base, src), True
            except ConfigError as exc:
                raise ConfigError(full, f"{exc.zh}（来自环境变量 {name}）", f"{exc.en} (from environment variable {name})",
                                  src) from None
        if key in table:
            return _coerce(full, table[key], typ, file_base, src), True
        return None, False

    top = {}
    for key, typ in _TOP.items():
        v, present = value_of(None, key, typ, data)
        if present:
            top[key] = v
    var_dir = top.get("var_dir") or (file_base / "var")
    top["var_dir"] = var_dir

    sections = {}
    for section, cls in _SECTIONS.items():
        table = data.get(section, {})
        if not isinstance(table, dict):
            raise ConfigError(section, "应为一个表 [section]", "expected a table", src)
        fields = _scalar_fields(cls)
        extra = {"townships", "keys"} if section == "ledger" else _LISTS if section == "report" else set()
        for key in table:
            if key not in fields and key not in extra:
                raise _unknown(f"{section}.", key, set(fields) | extra, src)
        kwargs = {}
        for key, typ in fields.items():
            v, present = value_of(section, key, typ, table)
            if present:
                kwargs[key] = v
        if section == "ledger":
            kwargs["townships"] = _townships(table.get("townships", []), file_base, src)
            if "keys" in table:
                kwargs["townships"] = _keys_table(table["keys"], kwargs["townships"], src)
        if section == "report" and "recipients" in table:
            kwargs["recipients"] = _recipients(table["recipients"], src)
        sections[section] = cls(**kwargs)

    intake = data.get("intake", {})
    if not isinstance(intake, dict):
        raise ConfigError("intake", "应为一个表 [intake]", "expected a table", src)
    for key in intake:
        if key != "sources":
            raise _unknown("intake.", key, {"sources"}, src)
    intake_sources = _intake_sources(intake.get("sources", []), file_base, src)

    # Defaults that depend on var_dir: the embedded workbook, SQLite file and mailbox live under it.
    ledger = sections["ledger"]
    if ledger.backend == "xlsx" and ledger.path is None and not ledger.townships:
        ledger = dataclasses.replace(ledger, path=var_dir / "ledger.xlsx")
    state = sections["state"]
    if not state.url:
        state = StateConfig(url=f"sqlite:///{var_dir / 'state.db'}")
    else:
        from_env = ("state", "url") in overrides
        state = StateConfig(url=_anchor_sqlite(state.url, env_base if from_env else file_base))
    mail = sections["mail"]
    if mail.mailbox is None:
        mail = dataclasses.replace(mail, mailbox=var_dir / "mailbox")

    cfg = Config(**top, ledger=ledger, state=state, mail=mail, web=sections["web"],
                 scheduler=sections["scheduler"], report=sections["report"], intake_sources=intake_sources, source=source)
    _check(cfg, src)
    return cfg


def _anchor_sqlite(url: str, base: Path) -> str:
    # A relative SQLite path means "next to the config file", like every other path in it.
    m = re.match(r"^(sqlite(?:\+\w+)?:///)(.+)$", url)
    if not m or m.group(2).startswith((":memory:", "/")) or m.group(2).startswith("file:"):
        return url
    return f"{m.group(1)}{base / m.group(2)}"


def _recipients(items, src) -> tuple[str, ...]:
    if not isinstance(items, list) or not all(isinstance(i, str) and "@" in i for i in items):
        raise ConfigError("report.recipients", "应为邮箱地址列表，如 [\"coord@example.gov.cn\"]",
                          'expected a list of e-mail addresses, e.g. ["coord@example.gov.cn"]', src)
    return tuple(i.strip() for i in items)


def _table_list(key: str, items, src) -> list[dict]:
    if not isinstance(items, list) or not all(isinstance(i, dict) for i in items):
        raise ConfigError(key, f"应写成 [[{key}]] 表数组", f"expected an array of tables [[{key}]]", src)
    return items


def _townships(items, base: Path, src) -> tuple[TownshipLedger, ...]:
    fields = {"name": str, "path": Path, "key": str, "worksheet": str}
    out = []
    for i, item in enumerate(_table_list("ledger.townships", items, src)):
        prefix = f"ledger.townships[{i}]."
        for k in item:
            if k not in fields:
                raise _unknown(prefix, k, fields, src)
        kwargs = {k: _coerce(prefix + k, v, fields[k], base, src) for k, v in item.items()}
        if not kwargs.get("name", "").strip():
            raise ConfigError(prefix + "name", "每个镇街台账都要有名称", "each township ledger needs a name", src)
        out.append(TownshipLedger(**kwargs))
    names = [t.name for t in out]
    dup = sorted({n for n in names if names.count(n) > 1})
    if dup:
        raise ConfigError("ledger.townships", f"镇街名称重复: {', '.join(dup)}",
                          f"duplicate township names: {', '.join(dup)}", src)
    return tuple(out)


def _keys_table(keys, townships, src) -> tuple[TownshipLedger, ...]:
    # Shorthand for gsheets: [ledger.keys] "坛山街道" = "1Abc…", one spreadsheet per township office.
    if townships:
        raise ConfigError("ledger.keys", "ledger.keys 与 [[ledger.townships]] 只能用一种",
                          "use either ledger.keys or [[ledger.townships]], not both", src)
    if not isinstance(keys, dict) or not keys or not all(isinstance(v, str) and v for v in keys.values()):
        raise ConfigError("ledger.keys", "应为 {镇街名称 = \"表格key\"} 的表", "expected a table {township = \"key\"}", src)
    return tuple(TownshipLedger(name=name, key=key) for name, key in keys.items())


def _intake_sources(items, base: Path, src) -> tuple[IntakeSource, ...]:
    fields = {"name": str, "kind": str, "path": Path, "key": str, "worksheet": str}
    out = []
    for i, item in enumerate(_table_list("intake.sources", items, src)):
        prefix = f"intake.sources[{i}]."
        for k in item:
            if k not in fields and k != "columns":
                raise _unknown(prefix, k, set(fields) | {"columns"}, src)
        kwargs = {k: _coerce(prefix + k, v, fields[k], base, src) for k, v in item.items() if k != "columns"}
        cols = item.get("columns")
        if not isinstance(cols, dict) or not cols or not all(isinstance(k, str) and isinstance(v, str)
                                                             for k, v in cols.items()):
            raise ConfigError(prefix + "columns", "需要列映射表 {来源表头 = \"台账表头\"}",
                              "needs a column map {source header = \"ledger header\"}", src)
        for k in ("name", "kind"):
            if not kwargs.get(k):
                raise ConfigError(prefix + k, "必填", "is required", src)
        if kwargs["kind"] not in ("sheet", "file"):
            raise ConfigError(prefix + "kind", f"只能是 sheet 或 file，实际是 {kwargs['kind']!r}",
                              "must be 'sheet' or 'file'", src)
        if not (kwargs.get("path") or kwargs.get("key")):
            raise ConfigError(prefix + "path", "需要 path（文件）或 key（表格）", "needs path or key", src)
        out.append(IntakeSource(**kwargs, columns=MappingProxyType(dict(cols))))
    return tuple(out)


def _check(cfg: Config, src) -> None:
    """Rules across keys, each reported against the key to fix."""
    from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

    if not re.fullmatch(r"[a-z][a-z0-9_-]*", cfg.profile):
        raise ConfigError("profile", f"区县配置名应为小写字母开头的标识，如 zibo，实际是 {cfg.profile!r}",
                          f"expected a profile id such as 'zibo', got {cfg.profile!r}", src)
    try:
        ZoneInfo(cfg.timezone)
    except (ZoneInfoNotFoundError, ValueError):
        raise ConfigError("timezone", f"未知时区 {cfg.timezone!r}，例如 Asia/Shanghai",
                          f"unknown time zone {cfg.timezone!r}", src) from None
    led = cfg.ledger
    if led.backend not in BACKENDS:
        raise ConfigError("ledger.backend", f"只能是 xlsx 或 gsheets，实际是 {led.backend!r}",
                          f"must be 'xlsx' or 'gsheets', got {led.backend!r}", src)
    for i, t in enumerate(led.sources()):
        where = f"ledger.townships[{i}]" if led.townships else "ledger"
        if led.backend == "xlsx" and not (t.path or led.path):
            raise ConfigError(f"{where}.path", "xlsx 台账需要工作簿路径 path", "an xlsx ledger needs a workbook path", src)
        if led.backend == "gsheets" and not (t.key or led.key):
            raise ConfigError(f"{where}.key", "gsheets 台账需要表格 key", "a gsheets ledger needs a spreadsheet key", src)
        if led.townships and not (t.path or t.key) and not t.worksheet:
            raise ConfigError(f"{where}.worksheet", "共用一个工作簿时，每个镇街需要自己的 worksheet",
                              "townships sharing one workbook each need their own worksheet", src)
    if not re.match(r"^(sqlite|postgresql)(\+\w+)?://", cfg.state.url):
        raise ConfigError("state.url", f"应为 sqlite:///路径 或 postgresql+psycopg://…，实际是 {cfg.state.url!r}",
                          "expected sqlite:///path or postgresql+psycopg://…", src)
    m = cfg.mail
    if m.ssl and m.starttls:
        raise ConfigError("mail.ssl", "ssl 与 starttls 只能选一个", "choose ssl or starttls, not both", src)
    if m.port is not None and not 0 < m.port < 65536:
        raise ConfigError("mail.port", f"端口应在 1–65535 之间，实际是 {m.port}", "port must be 1-65535", src)
    if "@" not in m.sender:
        raise ConfigError("mail.sender", f"发件地址无效: {m.sender!r}", f"invalid sender address {m.sender!r}", src)
    if not 0 < cfg.web.port < 65536:
        raise ConfigError("web.port", f"端口应在 1–65535 之间，实际是 {cfg.web.port}", "port must be 1-65535", src)
    if cfg.scheduler.sync_interval_minutes < 1:
        raise ConfigError("scheduler.sync_interval_minutes", "至少 1 分钟", "must be at least 1", src)
    if cfg.scheduler.lease_ttl_seconds < 5:
        raise ConfigError("scheduler.lease_ttl_seconds", "至少 5 秒", "must be at least 5", src)


def describe(cfg: Config) -> dict:
    """The effective settings as plain data for `jiesu config show` (names of secret sources, never secrets)."""
    def plain(v):
        if dataclasses.is_dataclass(v):
            return {f.name: plain(getattr(v, f.name)) for f in dataclasses.fields(v)}
        if isinstance(v, (tuple, list)):
            return [plain(x) for x in v]
        if isinstance(v, Mapping):
            return {k: plain(x) for k, x in v.items()}
        if isinstance(v, Path):
            return str(v)
        return v
    out = plain(cfg)
    from sqlalchemy.engine import make_url
    out["state"]["url"] = make_url(cfg.state.url).render_as_string(hide_password=True)
    return out
