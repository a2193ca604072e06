"""From a typed ledger record to the workflow's Ticket: the one place where ledger headers meet domain fields."""
from __future__ import annotations

from domain.workflow import Ticket

# 台账 header -> domain.workflow.Ticket field.
TICKET_FIELDS = {
    "诉求类别": "category", "受理时间": "received", "问题类型": "problem_type", "承办单位": "unit",
    "投诉对象": "complaint_target", "不予受理原因": "exclusion_reason", "签收时间": "signed_at", "回退原因": "return_reason",
    "首次联系时间": "first_contact_at", "答复时间": "replied_at", "办结时间": "resolved_at",
    "延期申请": "extension_request", "延期批准": "extension_approval", "延期天数": "extension_days",
    "回访时间": "visited_at", "满意度": "rating",
}


def first_unit(value) -> str | None:
    """The lead unit of a 承办单位 cell (the schema reads unit cells as a tuple of names)."""
    if isinstance(value, tuple):
        return value[0] if value else None
    return value or None


def ticket_from_values(values: dict) -> Ticket | None:
    """The workflow's view of one typed record's values, or None when it cannot have deadlines
    (no category or no received time: validation reports those)."""
    fields = {f: values.get(h) for h, f in TICKET_FIELDS.items()}
    if not fields["category"] or fields["received"] is None:
        return None
    fields["unit"] = first_unit(fields["unit"])
    return Ticket(**fields)
