"""The input frames of domain.metrics (tickets, lights, notices, referrals) built from what the store keeps."""
from __future__ import annotations

import warnings
from dataclasses import dataclass, field
from typing import Iterable, Mapping

import pandas as pd

# Ledger header -> tickets-frame column, for the cells the cycle does not copy into the ticket state.
CELL_COLUMNS = {
    "首次联系时间": "first_contact_at",
    "办结时间": "resolved_at",
    "核查结论": "finding",
    "满意度": "rating",
    "回访时间": "visited_at",
    "是否办结归档": "archived",
    "主要诉求": "text",
}
# A profile may keep whether a 属实 matter was solved in a column of its own (extra.required_columns).
SOLVED_HEADERS = ("是否解决", "问题是否解决", "解决情况")
EXCLUDED_HEADERS = ("不予受理原因", "不予受理理由")
_YES = {"是", "已解决", "解决", "true", "True", "1"}
_NO = {"否", "未解决", "false", "False", "0"}
_TIMES = ("received", "contact_due", "first_contact_at", "resolve_due_original", "resolve_due",
          "extension_approved_at", "resolved_at", "visited_at", "reopened_at")
COLUMNS = ("number", "township", "unit", "category", "problem_type", "accepted", "excluded_reason", "received",
           "contact_due", "first_contact_at", "resolve_due_original", "resolve_due", "extension_approved_at",
           "resolved_at", "finding", "solved", "rating", "visited_at", "round", "reopened_at", "archived", "text")
REFERRAL_FLAG = "referral"   # the flag kind the scan raises when a case goes to 纪检监察


@dataclass(frozen=True)
class Frames:
    """Everything a bulletin or the metrics page needs, as domain.metrics reads it."""
    tickets: pd.DataFrame
    lights: pd.DataFrame = field(default_factory=lambda: pd.DataFrame(columns=["ticket", "unit", "light",
                                                                                "milestone", "at"]))
    notices: pd.DataFrame = field(default_factory=lambda: pd.DataFrame(columns=["kind", "number", "unit",
                                                                                 "ticket", "issued_at"]))
    referrals: pd.DataFrame = field(default_factory=lambda: pd.DataFrame(columns=["ticket", "unit", "at"]))


def _solved(cells: Mapping[str, str]):
    for h in SOLVED_HEADERS:
        v = (cells.get(h) or "").strip()
        if v in _YES:
            return True
        if v in _NO:
            return False
    return None


def ticket_row(state: Mapping, cells: Mapping[str, str], number: str | None = None,
               unit: str | None = None) -> dict | None:
    """One tickets-frame row from a ticket state (docs/architecture.md) and the row's last seen cells;
    None for a row that is not a ticket yet (no number or no 受理时间)."""
    number = state.get("number") or number
    if not number or not state.get("received"):
        return None
    dues = state.get("dues") or {}
    rnd = int(state.get("round") or 1)
    original = state.get("resolve_due_original")
    # dues hold the current round's deadlines; once reopened, round 1's are only known through the
    # cycle's *_original keys, so the extended due falls back to the original one.
    resolve_due = state.get("resolve_due_first") or (dues.get("resolve") if rnd == 1 else original)
    contact_due = state.get("contact_due_first") or (dues.get("contact") if rnd == 1 else None)
    excluded = state.get("excluded_reason") or next((cells.get(h) for h in EXCLUDED_HEADERS if cells.get(h)), None)
    row = {
        "number": number,
        "township": state.get("township"),
        "unit": state.get("unit") or unit,
        "category": state.get("category"),
        "problem_type": state.get("problem_type"),
        "accepted": state.get("accepted"),
        "excluded_reason": excluded,
        "received": state.get("received"),
        "contact_due": contact_due,
        "resolve_due_original": original or resolve_due,
        "resolve_due": resolve_due or original,
        "extension_approved_at": state.get("extension_approved_at"),
        "round": rnd,
        "reopened_at": state.get("reopened_at"),
        "solved": _solved(cells),
    }
    for header, col in CELL_COLUMNS.items():
        row[col] = (cells.get(header) or None)
    if row["resolved_at"] is None:
        row["resolved_at"] = state.get("closed_at")
    if row["archived"] is not None:
        row["archived"] = row["archived"].strip() == "是"
    return row


def _times(col: pd.Series) -> pd.Series:
    """Naive local times; aware ones (the store's UTC) converted to Asia/Shanghai. Lenient: a cell that is
    not a time is left empty (validation already tells the clerk)."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)
        out = pd.to_datetime(col, errors="coerce", format="mixed")
    if getattr(out.dt, "tz", None) is not None:
        out = out.dt.tz_convert("Asia/Shanghai").dt.tz_localize(None)
    return out


def tickets_frame(rows: Iterable[Mapping | None]) -> pd.DataFrame:
    """The tickets frame from ticket_row results (None rows are skipped); times parsed, one row per number."""
    df = pd.DataFrame([r for r in rows if r is not None], columns=list(COLUMNS))
    for c in _TIMES:
        df[c] = _times(df[c])
    df = df[df["received"].notna()]
    # A number bound to two rows (a copied row) is one ticket: keep the row seen first.
    return df.drop_duplicates("number", keep="first").reset_index(drop=True)


def lights_frame(lights: Iterable) -> pd.DataFrame:
    """store.LightRecord-like objects -> ticket, unit, light, milestone, at."""
    return pd.DataFrame([{"ticket": r.ticket, "unit": r.unit, "light": r.light, "milestone": r.milestone,
                          "round": r.round, "at": r.at} for r in lights],
                        columns=["ticket", "unit", "light", "milestone", "round", "at"])


def notices_frame(notices: Iterable) -> pd.DataFrame:
    """store.IssuedNotice-like objects -> kind, number, unit, ticket, issued_at."""
    return pd.DataFrame([{"kind": n.kind, "number": n.number, "unit": n.unit, "ticket": n.ticket,
                          "issued_at": n.issued_at} for n in notices],
                        columns=["kind", "number", "unit", "ticket", "issued_at"])


def referrals_frame(flags: Iterable, unit_of: Mapping[str, str]) -> pd.DataFrame:
    """Referral flags (kind "referral") -> ticket, unit (the ticket's lead unit), at (when raised)."""
    return pd.DataFrame([{"ticket": f.ticket, "unit": unit_of.get(f.ticket), "at": f.raised_at}
                         for f in flags if f.kind == REFERRAL_FLAG],
                        columns=["ticket", "unit", "at"])


def frames_from_store(store) -> Frames:
    """Reads ticket states, snapshots, lights, notices and referral flags (resolved ones too) from the store."""
    states = store.ticket_states()
    snapshots = {lid: store.snapshots(lid) for lid in sorted({lid for lid, _ in states})}
    tickets = tickets_frame(ticket_row(rec.state, snapshots[lid].get(rid, {}), rec.number, rec.unit)
                            for (lid, rid), rec in states.items())
    unit_of = dict(zip(tickets["number"], tickets["unit"]))
    return Frames(tickets, lights_frame(store.lights()), notices_frame(store.notices()),
                  referrals_frame(store.flags(open_only=False, kind=REFERRAL_FLAG), unit_of))
