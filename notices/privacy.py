"""The personal-data rule for notices: who may see the enterprise contact, and scrubbing free text."""
from __future__ import annotations

import re

# Dispatch forms go to the unit that must call the enterprise back, so they may carry the contact;
# supervision notices never need it (the unit already holds the ticket by its number).
CONTACT_KINDS = frozenset({"assignment_form", "transfer_form"})

# Mobile numbers, landlines with area code, and any other run of 7+ digits (spaces or dashes allowed).
_PHONE = re.compile(r"(?<!\d)(?:\+?86[\s-]?)?(?:\d[\s-]?){6,}\d(?!\d)")
NAME_MASK = "某某"
PHONE_MASK = "×××"


def may_carry_contact(kind: str, addressee: str, complained_units) -> bool:
    """True only for a dispatch form to a unit that is not itself the object of the complaint."""
    return kind in CONTACT_KINDS and not _same_unit(addressee, complained_units)


def _same_unit(addressee: str, units) -> bool:
    a = _norm(addressee)
    return any(_norm(u) == a for u in units if u and u.strip())


def _norm(unit: str) -> str:
    return re.sub(r"\s+", "", unit or "")


def scrub(text: str, names=()) -> str:
    """Remove phone numbers and the given personal names from free text (e.g. the matter summary)."""
    if not text:
        return text or ""
    out = _PHONE.sub(PHONE_MASK, text)
    # Longest first, so "王小明" is masked whole before "王小" could leave a fragment behind.
    for name in sorted({n.strip() for n in names if n and n.strip()}, key=len, reverse=True):
        out = out.replace(name, NAME_MASK)
    return out
