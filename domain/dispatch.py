"""Choosing a ticket's lead and co-units from the dispatch catalogue (派单目录), and refusing a complaint's
own target."""
from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class DispatchRule:
    """One catalogue row: matters of `category` (any if empty) mentioning any of `keywords` (any if empty)."""
    category: str | None
    keywords: tuple[str, ...]
    lead: str
    co_units: tuple[str, ...] = ()


@dataclass(frozen=True)
class Dispatch:
    lead: str | None
    co_units: tuple[str, ...] = ()
    conflict: str | None = None     # why no unit was filled in, for the coordinator
    rule: DispatchRule | None = None


def choose(rules: list[DispatchRule], category: str | None, text: str, complaint_target: str | None) -> Dispatch:
    """The most specific matching rule (keyword and category > keyword > category); a rule whose lead unit is
    the object of the complaint is never used: the ticket is left for the coordinator with the reason."""
    text = text or ""

    def score(rule: DispatchRule) -> int | None:
        if rule.category and rule.category != category:
            return None
        hit = any(k and k in text for k in rule.keywords)
        if rule.keywords and not hit:
            return None
        return (2 if rule.keywords else 0) + (1 if rule.category else 0)

    ranked = sorted(((s, i, r) for i, r in enumerate(rules) if (s := score(r)) is not None),
                    key=lambda t: (-t[0], t[1]))
    if not ranked:
        return Dispatch(None)
    rule = ranked[0][2]
    if complaint_target and _names_same_unit(rule.lead, complaint_target):
        return Dispatch(None, conflict=f"投诉对象“{complaint_target}”即派单目录指定的承办单位“{rule.lead}”，"
                                       f"不得交其本单位办理，请协调机构指定承办单位", rule=rule)
    co = tuple(u for u in rule.co_units if not (complaint_target and _names_same_unit(u, complaint_target)))
    return Dispatch(rule.lead, co, rule=rule)


def _names_same_unit(unit: str, target: str) -> bool:
    a, b = unit.strip(), target.strip()
    return bool(a and b) and (a in b or b in a)
