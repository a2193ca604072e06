"""Identities for what is new in a ledger: rows typed since the last cycle and web submissions to append.

Claim, then act: the identity (记录标识) a new row or submission will get is recorded in the store before
the one write that puts it in the sheet, so a cycle that dies in between is redone with the same identity —
and the number already bound to it — instead of a second one."""
from __future__ import annotations

from connector.base import ROW_ID_HEADER, Row, new_row_id
from jobs import clock
from store import Reservation


def plan_new_rows(store, lr, now) -> dict[str, Row]:
    """Give every typed row without a 记录标识 the identity reserved for it before (same typed cells) or a
    new reserved one; the in-memory grid shows it from now on. Returns {row_id: row as read}, since the
    write must find the row by its typed cells: the sheet does not have the identity yet."""
    grid = lr.grid
    id_col = grid.col(ROW_ID_HEADER)
    if id_col is None:
        return {}
    new = [(i, r) for i, r in enumerate(grid.rows) if not grid.row_id(r)]
    if not new:
        return {}
    reserved = store.row_reservations(lr.id)     # the cycle releases them once its write has landed
    present = {grid.row_id(r) for r in grid.rows} if reserved else set()
    landed = [r.row_id for r in reserved if r.row_id in present]
    if landed:   # a cycle that died after its write landed
        store.release_row_reservations(lr.id, landed)
    free: dict[str, list[Reservation]] = {}
    for r in reserved:
        if r.row_id not in present:
            free.setdefault(r.content, []).append(r)
    originals, fresh = {}, []
    for i, row in new:
        content = grid.ref(row, lr.ledger.service_headers).fingerprint
        candidates = free.get(content, [])
        pick = next((c for c in candidates if c.row_number == row.number), candidates[0] if candidates else None)
        if pick is not None:
            candidates.remove(pick)
            rid = pick.row_id
        else:
            rid = new_row_id()
            fresh.append(Reservation(lr.id, rid, content, row.number))
        values = list(row.values) + [""] * max(0, id_col + 1 - len(row.values))
        values[id_col] = rid
        grid.rows[i] = Row(row.number, tuple(values))
        originals[rid] = row
    store.reserve_row_ids(fresh, now)
    return originals


def route_submissions(pending, township_names: list[str]) -> dict[int, list]:
    """Which ledger each submission goes to: the township office its 所属镇街 names, else the first ledger."""
    out: dict[int, list] = {}
    for sub in pending:
        township = str((sub.fields or {}).get("所属镇街") or "").strip()
        out.setdefault(township_names.index(township) if township in township_names else 0, []).append(sub)
    return out


def plan_appends(store, lr, pending, now, zone: str) -> list[tuple[object, dict]]:
    """Web submissions to append to this ledger, each as (submission, {header: value}) carrying the identity
    claimed for it in the store; a submission whose claimed identity is already in the sheet (an earlier
    cycle appended it and died before saying so) is marked appended instead of being appended twice."""
    present = {lr.grid.row_id(r) for r in lr.grid.rows} if any(s.row_id for s in pending) else set()
    out = []
    for sub in pending:
        if sub.row_id and sub.ledger_id == lr.id and sub.row_id in present:
            store.intake_update(sub.id, appended_at=now)
            continue
        rid = sub.row_id if sub.row_id and sub.ledger_id == lr.id else new_row_id()
        if rid != sub.row_id:
            store.intake_update(sub.id, ledger_id=lr.id, row_id=rid)
        fields = {h: v for h, v in (sub.fields or {}).items() if lr.grid.col(h) is not None and h != ROW_ID_HEADER}
        fields.setdefault("受理时间", clock.cell(clock.to_local(sub.received_at, zone)))
        fields.setdefault("渠道", "政府网站")
        if lr.grid.col(ROW_ID_HEADER) is not None:
            fields[ROW_ID_HEADER] = rid
        out.append((sub, fields))
    return out
