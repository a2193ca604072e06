"""A district's policy profile as plain values; parsed from a TOML mapping and validated on load."""
from __future__ import annotations

from dataclasses import dataclass, field


class ProfileError(ValueError):
    """A profile file is wrong: names the file, the key and the problem."""

    def __init__(self, source: str, key: str, problem: str):
        super().__init__(f"{source}: {key}: {problem}")
        self.source, self.key, self.problem = source, key, problem


@dataclass(frozen=True)
class Exclusion:
    """One acceptance exclusion (不予受理): the reason shown to people and the words that suggest it."""
    reason: str
    keywords: tuple[str, ...]


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
