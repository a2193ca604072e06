"""The 出现以下情况 sentence for each supervision event the profiles name (domain/profiles.py EVENTS)."""
from __future__ import annotations

from datetime import date, datetime

from notices.text import zh_moment

# Wording after the seeds: gangnan 七 (reminder / rectification / interview triggers), yicheng 红黄灯,
# zaoyang 督办问责. Placeholders: {due} {lateness} {reply_to} {milestone} {count} {letter}.
SITUATIONS = {
    "overdue": "该诉求{milestone}时限为{due}，截至目前仍未向{reply_to}反馈{late}。",
    "yellow_light": "该诉求{milestone}时限为{due}，逾期未向{reply_to}反馈，已亮黄灯{late}。",
    "red_light": "该诉求已于{letter}发出督办，截至目前仍未向{reply_to}反馈，已亮红灯{late}。",
    "not_signed": "该诉求已派发至贵单位，签收时限为{due}，贵单位无故未签收{late}。",
    "repeat_request": "企业就该事项已{count}次反映，贵单位仍未办理。",
    "unsatisfied": "该诉求经{count}次办理，企业回访评价仍为不满意。",
    "improper_close_request": "贵单位{count}次申请办结，办理结果均不符合办结要求。",
    "shirking": "贵单位在办理过程中推诿扯皮，{count}次以非本单位职责为由退回。",
    "false_feedback": "贵单位反馈已联系企业，经回访核实企业未被联系，存在虚假反馈情形。",
    "falsification": "贵单位在办理过程中存在弄虚作假情形，造成不良影响。",
    "irregular_handling": "贵单位在办理过程中存在违规办理情形，造成不良影响。",
    "dereliction": "贵单位在办理过程中存在失职渎职情形，造成不良影响。",
    "confidentiality_breach": "贵单位在办理过程中违反保密规定，泄露诉求人信息，造成不良影响。",
    "retaliation": "贵单位存在打击报复诉求企业情形，造成重大不良影响。",
    "long_unresolved": "该诉求自{received}受理以来长期未能解决{late}。",
}


def situation(event: str, *, reply_to: str, due: date | datetime | None = None, lateness: str = "",
              milestone: str = "办结", count: int = 2, letter: date | datetime | None = None,
              received: date | datetime | None = None) -> str:
    """The sentence for `event`; KeyError names the known events when it is not one of them."""
    if event not in SITUATIONS:
        raise KeyError(f"未知的督办情形 {event!r}, 可选: {', '.join(SITUATIONS)}")
    return SITUATIONS[event].format(
        due=zh_moment(due) if due else "（未定）", late=f"，{lateness}" if lateness else "", reply_to=reply_to,
        milestone=milestone, count=count, letter=zh_moment(letter) if letter else "此前",
        received=zh_moment(received) if received else "受理之日")
