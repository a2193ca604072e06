"""A notice's facts built from plain values: what it says, to whom, by when (pure, no clock, no I/O)."""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, datetime

from notices import privacy
from notices.text import zh_date, zh_moment


@dataclass(frozen=True)
class Kind:
    """One kind of notice: its identifier, its Chinese name, and whether it is a dispatch form."""
    id: str
    label: str
    dispatch: bool = False


KINDS: dict[str, Kind] = {k.id: k for k in (
    Kind("reminder_letter", "提醒敦促函"),
    Kind("supervision_form", "督办单"),
    Kind("rectification_notice", "整改通知书"),
    Kind("interview_notice", "约谈通知书"),
    Kind("assignment_form", "交办单", dispatch=True),
    Kind("transfer_form", "转办单", dispatch=True),
)}

# 发文字号: issuer code, year in 〔〕 (U+3014/3015, never [] or ()), serial, 号.
_NUMBER = re.compile(r"^[^\s〔〕]*〔\d{4}〕第?\d+号$")


class NoticeError(ValueError):
    """A notice cannot be built from these values; the message is Chinese and names the field."""


@dataclass(frozen=True)
class Notice:
    """Everything a rendered notice shows. Contact fields are empty unless the privacy rule allows them."""
    kind: str
    label: str
    title: str
    number: str
    issuer: str
    addressee: str
    ticket_number: str
    matter: str
    received: str
    due: str
    lateness: str
    situation: str
    demand: str
    reply_by: str
    issued: str
    enterprise: str = ""
    enterprise_address: str = ""
    contact_name: str = ""
    contact_phone: str = ""
    contact_withheld: bool = False
    co_units: tuple[str, ...] = ()
    problem_type: str = ""
    limit: str = ""
    meeting: str = ""
    remarks: str = ""
    attachments: tuple[str, ...] = ()
    cc: tuple[str, ...] = ()
    round: int = 1
    extra: dict = field(default_factory=dict)


def build_notice(kind: str, *, number: str, issuer: str, addressee: str, ticket_number: str,
                 matter: str, received: date | datetime, due: date | datetime | None,
                 reply_by: date | datetime, issued: date, lateness: str = "",
                 situation: str | None = None, demand: str | None = None, title: str | None = None,
                 reply_to: str | None = None, basis: str | None = None,
                 enterprise: str = "", enterprise_address: str = "",
                 contact_name: str = "", contact_phone: str = "", complained_units=(),
                 co_units=(), problem_type: str = "", limit: str = "",
                 meeting_time: datetime | None = None, meeting_place: str = "",
                 remarks: str = "", attachments=(), cc=(), round: int = 1) -> Notice:
    """Build the facts of one notice; personal data is kept only where `privacy` allows it."""
    spec = KINDS.get(kind)
    if spec is None:
        raise NoticeError(f"未知的通知种类: {kind!r} (可选: {', '.join(KINDS)})")
    for name, value in (("发文字号", number), ("发文机关", issuer), ("主送单位", addressee),
                        ("诉求编号", ticket_number)):
        if not value or not str(value).strip():
            raise NoticeError(f"{spec.label}缺少{name}")
    issued = _day(issued)
    if not _NUMBER.match(number.strip()):
        raise NoticeError(f"发文字号格式不对: {number!r}, 应如 督〔2026〕12号 (年份用六角括号〔〕)")
    if _day(reply_by) < issued:
        raise NoticeError(f"反馈期限 {zh_date(reply_by)} 早于成文日期 {zh_date(issued)}")

    carry = privacy.may_carry_contact(kind, addressee, complained_units)
    names = () if carry else (contact_name,)
    clean = (lambda s: s or "") if carry else (lambda s: privacy.scrub(s or "", names))
    reply_to = reply_to or issuer
    basis_clause = f"根据{basis}规定，" if basis else ""
    facts = dict(
        ticket=ticket_number, due=zh_moment(due) if due else "", lateness=lateness,
        reply_by=zh_moment(reply_by), reply_to=reply_to, basis=basis_clause,
        days=(_day(reply_by) - issued).days, issuer=issuer,
        meeting_time=zh_moment(meeting_time) if meeting_time else "", meeting_place=meeting_place,
    )
    situation = clean(situation) if situation else _default_situation(kind, facts)
    demand = demand if demand else _DEMANDS[kind].format(**facts)
    return Notice(
        kind=kind, label=spec.label, title=title or spec.label, number=number.strip(),
        issuer=issuer.strip(), addressee=addressee.strip(), ticket_number=ticket_number.strip(),
        matter=clean(matter), received=zh_moment(received), due=facts["due"],
        lateness=lateness, situation=situation, demand=demand, reply_by=facts["reply_by"],
        issued=zh_date(issued),
        enterprise=enterprise if spec.dispatch else "",
        enterprise_address=enterprise_address if spec.dispatch else "",
        contact_name=contact_name if carry else "", contact_phone=contact_phone if carry else "",
        contact_withheld=spec.dispatch and not carry and bool(contact_name or contact_phone),
        co_units=tuple(co_units), problem_type=problem_type, limit=limit,
        meeting=_meeting(facts), remarks=clean(remarks), attachments=tuple(attachments),
        cc=tuple(cc), round=round,
    )


def _day(value: date | datetime) -> date:
    return value.date() if isinstance(value, datetime) else value


def _default_situation(kind: str, f: dict) -> str:
    if KINDS[kind].dispatch:
        return ""
    late = f"，{f['lateness']}" if f["lateness"] else ""
    if f["due"]:
        return f"该诉求应于{f['due']}前办结并反馈，截至目前仍未向{f['reply_to']}反馈办理结果{late}。"
    return f"该诉求办理进度滞后{late}。"


def _meeting(f: dict) -> str:
    if f["meeting_time"] and f["meeting_place"]:
        return f"{f['meeting_time']}在{f['meeting_place']}"
    return ""


# The demand sentences follow the seeds' wording (zaoyang 督办单; gangnan 提醒敦促函/整改通知书/约谈通知书).
_DEMANDS = {
    "reminder_letter": "{basis}现予以提醒敦促，请贵单位高度重视，限期办结，于{reply_by}前将办理结果向{reply_to}反馈。",
    "supervision_form": "{basis}现予以提醒并进行督办，请于{days}日内（{reply_by}前）将办理结果向{reply_to}反馈。",
    "rectification_notice": "{basis}现对该事项挂牌督办，并列入月度监测通报。请贵单位立即整改，"
                            "于{reply_by}前将整改情况书面报送{reply_to}。",
    "interview_notice": "{basis}决定约谈贵单位主要负责人。请贵单位主要负责人按通知的时间、地点准时参加，"
                        "并于{reply_by}前将书面情况说明报送{reply_to}。",
    "assignment_form": "请牵头办理部门会同配合办理部门于{due}前办结，并于{reply_by}前将办理结果向{reply_to}反馈。",
    "transfer_form": "请承办单位于{due}前办理完毕，并于{reply_by}前将办理结果向{reply_to}反馈。",
}
