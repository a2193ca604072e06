"""A district's policy profile as plain values; parsed from a TOML mapping and validated on load."""
from __future__ import annotations

import re
import string
from dataclasses import dataclass, field
from datetime import time
from typing import Mapping


class ProfileError(ValueError):
    """A profile file is wrong: names the file, the key and the problem."""

    def __init__(self, source: str, key: str, problem: str):
        super().__init__(f"{source}: {key}: {problem}")
        self.source, self.key, self.problem = source, key, problem


LIMIT_KINDS = ("working_days", "calendar_days", "hours", "immediate")
MILESTONES = ("contact", "reply", "resolve")  # the three every later part knows; profiles may add more
DEFAULT_MILESTONE_LABELS = {"contact": "启动核实、联系企业", "reply": "答复", "resolve": "办结"}
NOTICE_KINDS = ("reminder_letter", "supervision_form", "rectification_notice", "interview_notice",
                "assignment_form", "transfer_form", "acceptance_form", "handling_report")
NOTICE_LABELS = {"reminder_letter": "提醒敦促函", "supervision_form": "督办单", "rectification_notice": "整改通知书",
                 "interview_notice": "约谈通知书", "assignment_form": "交办单", "transfer_form": "转办单",
                 "acceptance_form": "受理单", "handling_report": "承办单"}
# What supervision rules count, and what they lead to (see docs/profiles.md for each meaning).
EVENTS = ("overdue", "yellow_light", "red_light", "not_signed", "repeat_request", "unsatisfied",
          "improper_close_request", "shirking", "false_feedback", "falsification", "irregular_handling",
          "dereliction", "confidentiality_breach", "retaliation", "long_unresolved")
ACTIONS = NOTICE_KINDS + ("referral", "review_form", "escalate_complex", "supervision_office",
                          "second_handling", "bulletin")
WINDOWS = ("", "month", "ticket")
# Names shared with domain.metrics (one concept, one name): rates weigh positively, lights deduct.
RATE_METRICS = ("on_time_rate", "first_contact_rate", "resolution_rate", "satisfaction_rate", "visit_coverage_rate")
DEDUCTION_METRICS = ("yellow_lights", "red_lights")
METRICS = RATE_METRICS + DEDUCTION_METRICS
EXTENSION_RULES = ("total", "multiple", "approval")


@dataclass(frozen=True)
class Exclusion:
    """One acceptance exclusion (不予受理): the reason shown to people and the words that suggest it."""
    reason: str
    keywords: tuple[str, ...]


@dataclass(frozen=True)
class Limit:
    """One time limit: N working days (optionally ending at a cut-off time), N calendar days
    (art. 203 roll-forward), N hours, or immediate. `text` is the seed's own wording."""
    kind: str
    amount: int = 0
    cutoff: time | None = None
    text: str = ""

    def scaled(self, amount: int) -> "Limit":
        """The same kind of limit with another length (used by extensions)."""
        return Limit(self.kind, amount, self.cutoff, self.text)

    def describe(self) -> str:
        """Short Chinese wording, e.g. '3个工作日(12:00前)' or '24小时'."""
        if self.kind == "immediate":
            return "即时"
        unit = {"working_days": "个工作日", "calendar_days": "日", "hours": "小时"}[self.kind]
        return f"{self.amount}{unit}" + (f"({self.cutoff:%H:%M}前)" if self.cutoff else "")


@dataclass(frozen=True)
class LimitRule:
    """Milestone limits for the tickets whose category and problem type match (empty tuple: any)."""
    categories: tuple[str, ...]
    problem_types: tuple[str, ...]
    milestones: Mapping[str, Limit]
    note: str = ""

    def matches(self, category: str, problem_type: str | None) -> bool:
        if self.categories and category not in self.categories:
            return False
        return not self.problem_types or problem_type in self.problem_types


@dataclass(frozen=True)
class Extension:
    """Approved extension of `resolve`: `total` (a fixed total of working days), `multiple` (at most
    `factor` x the original added), or `approval` (length set on approval; `factor` x original if not given)."""
    rule: str
    working_days: int | None = None
    factor: int = 1
    text: str = ""


@dataclass(frozen=True)
class Redo:
    """Handling rounds after an unsatisfied return visit: round 2.. counts `limit` (None: the round-1
    limit) from the return; after `max_rounds`, `after_max` says what happens."""
    max_rounds: int = 2
    limit: Limit | None = None
    after_max: str = ""
    text: str = ""


@dataclass(frozen=True)
class Trigger:
    """A supervision rule: `count` `event`s (per unit, within `window`) lead to `action`;
    `limit` is the period attached (the deadline a notice sets, or how long before it fires)."""
    event: str
    action: str
    count: int = 1
    window: str = ""
    limit: Limit | None = None
    text: str = ""


@dataclass(frozen=True)
class Supervision:
    """Lights and escalation: a milestone passing without feedback lights yellow and sends
    `overdue_notice`; still no feedback `red_after` that notice lights red; then `triggers`."""
    overdue_notice: str = "reminder_letter"
    red_after: Limit = field(default_factory=lambda: Limit("working_days", 1))
    triggers: tuple[Trigger, ...] = ()


@dataclass(frozen=True)
class Reminders:
    """Due-soon reminders: a ticket is due soon within `due_soon_working_days`; mails go out at `send_hours`."""
    due_soon_working_days: int = 1
    send_hours: tuple[int, ...] = (9,)
    working_days_only: bool = True


@dataclass(frozen=True)
class Metrics:
    """Ranking weights (rates summing to 1; lights as negative deductions per light), targets (rates
    0..1) and reporting cadence."""
    weights: Mapping[str, float] = field(default_factory=lambda: {
        "on_time_rate": 0.3, "resolution_rate": 0.3, "satisfaction_rate": 0.3, "first_contact_rate": 0.1,
        "yellow_lights": -1.0, "red_lights": -2.0})
    targets: Mapping[str, float] = field(default_factory=dict)
    cadence: tuple[str, ...] = ("month",)


@dataclass(frozen=True)
class Profile:
    """Everything district-specific. Fields below are the contract other packages rely on;
    the deadline, extension and escalation rules are added by the calendar work."""
    id: str
    name: str
    seed: str
    categories: tuple[str, ...]            # 诉求类别 allowed, e.g. 咨询 求助 投诉 举报 意见建议
    problem_types: tuple[str, ...]         # 问题类型 allowed, e.g. 简单 一般 复杂
    ticket_number_format: str              # e.g. "〔{year}〕第{seq:04d}号"
    exclusions: tuple[Exclusion, ...] = ()
    satisfaction_levels: tuple[str, ...] = ("满意", "不满意")
    satisfied_levels: tuple[str, ...] = ("满意",)
    extra: dict = field(default_factory=dict)
    # --- deadline rules -------------------------------------------------------------------------
    milestone_labels: Mapping[str, str] = field(default_factory=lambda: dict(DEFAULT_MILESTONE_LABELS))
    limit_rules: tuple[LimitRule, ...] = ()
    default_problem_types: Mapping[str, str] = field(default_factory=dict)  # category -> problem type
    extension: Extension | None = None
    redo: Redo = field(default_factory=Redo)
    jurisdiction_return: Limit | None = None    # a unit returns a ticket not its own within this
    jurisdiction_redecide: Limit | None = None  # the coordinator names the unit within this
    # --- supervision, notices, reminders, metrics -------------------------------------------------
    supervision: Supervision = field(default_factory=Supervision)
    notice_number_formats: Mapping[str, str] = field(default_factory=dict)  # notice kind -> format
    reminders: Reminders = field(default_factory=Reminders)
    metrics: Metrics = field(default_factory=Metrics)
    timezone: str = "Asia/Shanghai"

    def effective_problem_type(self, category: str, problem_type: str | None) -> str | None:
        """The given problem type, else the category's default (e.g. zaoyang 咨询 -> 简单), else None."""
        return problem_type or self.default_problem_types.get(category)

    def rule_for(self, category: str, problem_type: str | None) -> LimitRule | None:
        """The first limit rule matching, or None (only when a required problem type is missing)."""
        pt = self.effective_problem_type(category, problem_type)
        return next((r for r in self.limit_rules if r.matches(category, pt)), None)

    def ticket_number(self, year: int, seq: int) -> str:
        return self.ticket_number_format.format(year=year, seq=seq)

    def notice_number(self, kind: str, year: int, seq: int) -> str:
        """E.g. notice_number('reminder_letter', 2026, 3) -> '峄接诉督〔2026〕3号'."""
        return self.notice_number_formats[kind].format(year=year, seq=seq)

    def is_satisfied(self, level: str) -> bool:
        return level in self.satisfied_levels

    @property
    def milestone_names(self) -> tuple[str, ...]:
        """Milestones this profile uses, in label order."""
        used = {m for r in self.limit_rules for m in r.milestones}
        return tuple(m for m in self.milestone_labels if m in used)


# ------------------------------------------------------------------------------------------------
# Parsing a TOML mapping (pure: the loader in profiles/ reads the file).

_TOP_KEYS = {"id", "name", "seed", "categories", "problem_types", "ticket_number_format", "exclusions",
             "satisfaction_levels", "satisfied_levels", "extra", "milestones", "limits", "default_problem_types",
             "extension", "redo", "jurisdiction", "supervision", "numbering", "reminders", "metrics", "timezone"}


class _Reader:
    """Typed access to one table of the mapping, raising ProfileError with the dotted key."""

    def __init__(self, source: str, data, prefix: str = ""):
        self.source, self.prefix = source, prefix
        if not isinstance(data, dict):
            raise self.error("", "应为表 / must be a table")
        self.data = data

    def key(self, k) -> str:
        return f"{self.prefix}{k}" if self.prefix else str(k)

    def error(self, k, problem) -> ProfileError:
        return ProfileError(self.source, self.key(k) if k != "" else self.prefix.rstrip(".") or "(top)", problem)

    def only(self, allowed) -> None:
        for k in self.data:
            if k not in allowed:
                raise self.error(k, f"未知的键 / unknown key (allowed: {', '.join(sorted(allowed))})")

    def get(self, k, kind, default=..., check=None):
        if k not in self.data:
            if default is ...:
                raise self.error(k, "缺少此项 / missing")
            return default
        v = self.data[k]
        if kind is int and (isinstance(v, bool) or not isinstance(v, int)):
            raise self.error(k, f"应为整数 / must be an integer, got {v!r}")
        if kind is float and (isinstance(v, bool) or not isinstance(v, (int, float))):
            raise self.error(k, f"应为数字 / must be a number, got {v!r}")
        if kind in (str, bool, dict) and not isinstance(v, kind):
            raise self.error(k, f"应为{ {str: '文本', bool: 'true/false', dict: '表'}[kind]} / must be {kind.__name__}, got {v!r}")
        if kind is list:
            if not isinstance(v, list) or not all(isinstance(x, str) and x.strip() for x in v):
                raise self.error(k, f"应为文本列表 / must be a list of non-empty strings, got {v!r}")
            if len(set(v)) != len(v):
                raise self.error(k, "列表中有重复 / duplicate entries")
            v = tuple(v)
        if check and (problem := check(v)):
            raise self.error(k, problem)
        return v

    def sub(self, k) -> "_Reader":
        return _Reader(self.source, self.data[k], f"{self.key(k)}.")


def _limit(r: _Reader, k) -> Limit:
    sub = r.sub(k)
    sub.only({*LIMIT_KINDS, "cutoff", "text"})
    kinds = [x for x in LIMIT_KINDS if x in sub.data]
    if len(kinds) != 1:
        raise r.error(k, f"须且只能有一种时限 {'/'.join(LIMIT_KINDS)} / needs exactly one of {', '.join(LIMIT_KINDS)}")
    kind = kinds[0]
    if kind == "immediate":
        if sub.get("immediate", bool) is not True:
            raise sub.error("immediate", "只能为 true / must be true")
        amount = 0
    else:
        amount = sub.get(kind, int, check=lambda v: None if v > 0 else "应为正整数 / must be a positive integer")
    cutoff = None
    if "cutoff" in sub.data:
        if kind not in ("working_days", "calendar_days"):
            raise sub.error("cutoff", "截止时刻只适用于按日计算的时限 / cutoff only applies to day limits")
        cutoff = _time(sub, "cutoff")
    return Limit(kind, amount, cutoff, sub.get("text", str, ""))


def _time(r: _Reader, k) -> time:
    text = r.get(k, str)
    m = re.fullmatch(r"([01]?\d|2[0-3]):([0-5]\d)", text.strip())
    if not m:
        raise r.error(k, f"应为 HH:MM 时刻 / must be a time HH:MM, got {text!r}")
    return time(int(m[1]), int(m[2]))


def _number_format(r: _Reader, k) -> str:
    fmt = r.get(k, str)
    try:
        names = {f for _, f, _, _ in string.Formatter().parse(fmt) if f is not None}
        if "seq" not in names or not names <= {"year", "seq"}:
            raise ValueError
        fmt.format(year=2026, seq=1)
    except (ValueError, IndexError, KeyError):
        raise r.error(k, f"编号格式须含 {{seq}},只可用 {{year}} {{seq}} / format must use {{seq}} and only "
                         f"{{year}}, {{seq}}; got {fmt!r}") from None
    return fmt


def from_mapping(data: dict, source: str) -> Profile:
    """Build and validate a Profile from a parsed TOML mapping; `source` names the file in errors."""
    r = _Reader(source, data)
    r.only(_TOP_KEYS)
    ident = r.get("id", str, check=lambda v: None if re.fullmatch(r"[a-z][a-z0-9_]*", v)
                  else "应为小写字母开头的英文标识 / must be a lowercase identifier")
    categories = r.get("categories", list, check=lambda v: None if v else "不能为空 / must not be empty")
    problem_types = r.get("problem_types", list, ())
    levels = r.get("satisfaction_levels", list, ("满意", "不满意"))
    satisfied = r.get("satisfied_levels", list, ("满意",), check=lambda v: None if v and set(v) <= set(levels)
                      else "须为 satisfaction_levels 中的等级 / must be non-empty and among satisfaction_levels")

    labels = dict(DEFAULT_MILESTONE_LABELS)
    if "milestones" in data:
        m = r.sub("milestones")
        for k in m.data:
            if not re.fullmatch(r"[a-z][a-z_]*", k):
                raise m.error(k, "里程碑名应为小写英文 / milestone name must be lowercase English")
            labels[k] = m.get(k, str)

    defaults = {}
    if "default_problem_types" in data:
        d = r.sub("default_problem_types")
        for k in d.data:
            if k not in categories:
                raise d.error(k, f"不是本区诉求类别 / not one of categories {list(categories)}")
            defaults[k] = d.get(k, str, check=lambda v: None if v in problem_types
                                else f"不是本区问题类型 / not one of problem_types {list(problem_types)}")

    rules = _limit_rules(r, categories, problem_types, labels)
    profile_kwargs = dict(
        id=ident, name=r.get("name", str), seed=r.get("seed", str), categories=categories,
        problem_types=problem_types, ticket_number_format=_number_format(r, "ticket_number_format"),
        exclusions=_exclusions(r), satisfaction_levels=levels, satisfied_levels=satisfied,
        extra=r.get("extra", dict, {}), milestone_labels=labels, limit_rules=rules,
        default_problem_types=defaults, extension=_extension(r), redo=_redo(r),
        supervision=_supervision(r), notice_number_formats=_numbering(r), reminders=_reminders(r),
        metrics=_metrics(r), timezone=r.get("timezone", str, "Asia/Shanghai"),
    )
    if "jurisdiction" in data:
        j = r.sub("jurisdiction")
        j.only({"return", "redecide"})
        profile_kwargs["jurisdiction_return"] = _limit(j, "return") if "return" in j.data else None
        profile_kwargs["jurisdiction_redecide"] = _limit(j, "redecide") if "redecide" in j.data else None
    profile = Profile(**profile_kwargs)
    _check_coverage(r, profile)
    return profile


def _limit_rules(r: _Reader, categories, problem_types, labels) -> tuple[LimitRule, ...]:
    raw = _tables(r, "limits")
    rules = []
    for i, item in enumerate(raw):
        sub = _Reader(r.source, item, f"limits[{i}].")
        cats = sub.get("categories", list, ())
        for c in cats:
            if c not in categories:
                raise sub.error("categories", f"{c} 不是本区诉求类别 / {c} is not one of categories")
        pts = sub.get("problem_types", list, ())
        for p in pts:
            if p not in problem_types:
                raise sub.error("problem_types", f"{p} 不是本区问题类型 / {p} is not one of problem_types")
        milestones = {}
        for k in item:
            if k in ("categories", "problem_types", "note"):
                continue
            if k not in labels:
                raise sub.error(k, f"未知里程碑,请先在 [milestones] 中命名 / unknown milestone (known: {', '.join(labels)})")
            milestones[k] = _limit(sub, k)
        if "resolve" not in milestones:
            raise sub.error("resolve", "每条规则须有办结时限 / every rule needs a resolve limit")
        rules.append(LimitRule(cats, pts, milestones, sub.get("note", str, "")))
    if not rules:
        raise r.error("limits", "至少需要一条时限规则 / needs at least one [[limits]] rule")
    return tuple(rules)


def _tables(r: _Reader, k) -> list:
    """An array of tables ([[...]]) at key k, checked."""
    v = r.data.get(k)
    if v is None:
        raise r.error(k, "缺少此项 / missing")
    if not isinstance(v, list) or not all(isinstance(x, dict) for x in v):
        raise r.error(k, "应为表数组 [[...]] / must be an array of tables [[...]]")
    return v


def _check_coverage(r: _Reader, p: Profile) -> None:
    """Every category with every problem type (or none, when the profile has none) must have a rule."""
    for c in p.categories:
        for pt in (p.problem_types or (None,)):
            if p.rule_for(c, pt) is None:
                raise r.error("limits", f"类别 {c}{'/' + pt if pt else ''} 没有匹配的时限规则 / "
                                        f"no rule matches category {c}" + (f" with problem type {pt}" if pt else ""))


def _exclusions(r: _Reader) -> tuple[Exclusion, ...]:
    if "exclusions" not in r.data:
        return ()
    out = []
    for i, item in enumerate(_tables(r, "exclusions")):
        sub = _Reader(r.source, item, f"exclusions[{i}].")
        sub.only({"reason", "keywords"})
        out.append(Exclusion(sub.get("reason", str), sub.get("keywords", list, ())))
    return tuple(out)


def _extension(r: _Reader) -> Extension | None:
    if "extension" not in r.data:
        return None
    e = r.sub("extension")
    e.only({"rule", "working_days", "factor", "text"})
    rule = e.get("rule", str, check=lambda v: None if v in EXTENSION_RULES
                 else f"应为 {'/'.join(EXTENSION_RULES)} / must be one of {', '.join(EXTENSION_RULES)}")
    positive = lambda v: None if v > 0 else "应为正整数 / must be a positive integer"
    days = e.get("working_days", int, None if rule != "total" else ..., check=positive)
    if rule != "total" and days is not None:
        raise e.error("working_days", "只用于 rule = \"total\" / only for rule = \"total\"")
    return Extension(rule, days, e.get("factor", int, 1, check=positive), e.get("text", str, ""))


def _redo(r: _Reader) -> Redo:
    if "redo" not in r.data:
        return Redo()
    d = r.sub("redo")
    d.only({"max_rounds", "limit", "after_max", "text"})
    return Redo(d.get("max_rounds", int, 2, check=lambda v: None if v >= 1 else "至少为1 / must be >= 1"),
                _limit(d, "limit") if "limit" in d.data else None,
                d.get("after_max", str, "", check=lambda v: None if v in ("",) + ACTIONS
                      else f"未知处置 / unknown action (known: {', '.join(ACTIONS)})"),
                d.get("text", str, ""))


def _supervision(r: _Reader) -> Supervision:
    if "supervision" not in r.data:
        return Supervision()
    s = r.sub("supervision")
    s.only({"overdue_notice", "red_after", "triggers"})
    notice = s.get("overdue_notice", str, "reminder_letter", check=lambda v: None if v in NOTICE_KINDS
                   else f"未知文书 / unknown notice kind (known: {', '.join(NOTICE_KINDS)})")
    red = _limit(s, "red_after") if "red_after" in s.data else Limit("working_days", 1)
    triggers = []
    for i, item in enumerate(_tables(s, "triggers") if "triggers" in s.data else []):
        t = _Reader(r.source, item, f"supervision.triggers[{i}].")
        t.only({"event", "action", "count", "window", "limit", "text"})
        triggers.append(Trigger(
            t.get("event", str, check=lambda v: None if v in EVENTS else f"未知事件 / unknown event (known: {', '.join(EVENTS)})"),
            t.get("action", str, check=lambda v: None if v in ACTIONS else f"未知处置 / unknown action (known: {', '.join(ACTIONS)})"),
            t.get("count", int, 1, check=lambda v: None if v >= 1 else "至少为1 / must be >= 1"),
            t.get("window", str, "", check=lambda v: None if v in WINDOWS else "应为 month 或 ticket / must be month or ticket"),
            _limit(t, "limit") if "limit" in t.data else None,
            t.get("text", str, "")))
    return Supervision(notice, red, tuple(triggers))


def _numbering(r: _Reader) -> dict[str, str]:
    if "numbering" not in r.data:
        return {}
    n = r.sub("numbering")
    n.only(set(NOTICE_KINDS))
    return {k: _number_format(n, k) for k in n.data}


def _reminders(r: _Reader) -> Reminders:
    if "reminders" not in r.data:
        return Reminders()
    m = r.sub("reminders")
    m.only({"due_soon_working_days", "send_hours", "working_days_only"})
    hours = m.data.get("send_hours", [9])
    if not isinstance(hours, list) or not hours or not all(isinstance(h, int) and not isinstance(h, bool)
                                                           and 0 <= h <= 23 for h in hours):
        raise m.error("send_hours", f"应为 0-23 的整点列表 / must be a list of hours 0-23, got {hours!r}")
    return Reminders(m.get("due_soon_working_days", int, 1, check=lambda v: None if v >= 0 else "不能为负 / must be >= 0"),
                     tuple(sorted(set(hours))), m.get("working_days_only", bool, True))


def _metrics(r: _Reader) -> Metrics:
    if "metrics" not in r.data:
        return Metrics()
    m = r.sub("metrics")
    m.only({"weights", "targets", "cadence"})
    out = {}
    for table in ("weights", "targets"):
        values = {}
        if table in m.data:
            t = m.sub(table)
            t.only(set(METRICS if table == "weights" else RATE_METRICS))
            for k in t.data:
                if k in DEDUCTION_METRICS:
                    values[k] = float(t.get(k, float, check=lambda v: None if v <= 0 else "亮灯扣分应为负数或0 / a light deduction must be <= 0"))
                else:
                    values[k] = float(t.get(k, float, check=lambda v: None if 0 <= v <= 1 else "应在0到1之间 / must be within 0..1"))
        out[table] = values
    rate_sum = sum(v for k, v in out["weights"].items() if k in RATE_METRICS)
    if out["weights"] and abs(rate_sum - 1) > 1e-9:
        raise m.error("weights", f"比率权重之和应为1 / rate weights must sum to 1, got {rate_sum:g}")
    cadence = m.get("cadence", list, ("month",), check=lambda v: None if set(v) <= {"month", "quarter", "half_year", "year"}
                    else "应为 month/quarter/half_year/year / must be among month, quarter, half_year, year")
    return Metrics(out["weights"] or Metrics().weights, out["targets"], cadence)
