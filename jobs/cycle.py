"""The sync cycle: read every ledger, validate, number, dispatch, decide, write service cells back in one
batch, and record what changed. Orchestration only: every decision is made in domain/ or sheets_schema/."""
from __future__ import annotations

import hashlib
import logging
from dataclasses import dataclass, field
from datetime import datetime

import profiles
from connector import ledger_for
from connector.base import ROW_ID_HEADER, CellWrite, LedgerError, new_row_id
from domain import dispatch as dispatching
from domain.calendar import OverrideError, WorkCalendar, parse_override_rows
from domain.deadlines import Due
from domain.workflow import EXCLUDED, PENDING, Round, deadline_inputs, decide, next_round, soon_until
from jobs import clock
from sheets_schema import (CALENDAR_SHEET, DISPATCH_SHEET, KNOWLEDGE_SHEET, LEDGER, SUPERVISION_SHEET,
                           UNITS_SHEET, blocking_rows, read_records, summaries, validate_sheet)
from sheets_schema.parse import normalize
from sheets_schema.tickets import TICKET_FIELDS, first_unit, ticket_from_values
from store import NumberRequest, Store, TicketStateRecord

log = logging.getLogger(__name__)

OPTIONAL_SHEETS = (UNITS_SHEET.name, DISPATCH_SHEET.name, CALENDAR_SHEET.name, KNOWLEDGE_SHEET.name,
                   SUPERVISION_SHEET.name)
# The ledger columns the cycle itself reads typed (validation reads them all).
RECORD_HEADERS = frozenset(TICKET_FIELDS) | {"所属镇街", "主要诉求", "配合单位"}
DUE_COLUMNS = {"contact": "应联系时限", "reply": "应答复时限", "resolve": "应办结时限"}


@dataclass
class LedgerRead:
    """One township ledger as read this cycle."""
    source: object
    ledger: object
    snapshot: object
    title: str

    @property
    def grid(self):
        return self.snapshot[self.title]

    @property
    def id(self) -> str:
        return self.source.id


@dataclass
class CycleReport:
    """What one cycle did, for the command line, the job log and tests."""
    cycle_id: int | None = None
    rows: int = 0
    numbered: list[str] = field(default_factory=list)
    errors: int = 0
    warnings: int = 0
    written_cells: int = 0
    write_calls: int = 0
    appended: int = 0
    missed: list[str] = field(default_factory=list)
    flags: int = 0
    events: int = 0
    pending_years: set = field(default_factory=set)
    missing_next_year: int | None = None     # from 1 November, next year while the calendar lacks it
    escalation: object = None

    def summary(self) -> str:
        return (f"周期 {self.cycle_id}: {self.rows} 行, 新编号 {len(self.numbered)}, 错误 {self.errors}, "
                f"警告 {self.warnings}, 写回 {self.written_cells} 格 ({self.write_calls} 次), 追加 {self.appended} 行, "
                f"事件 {self.events}, 待处理标记 {self.flags}"
                + (f", 未能写回 {len(self.missed)}" if self.missed else ""))


def open_ledgers(cfg) -> list[tuple[object, object]]:
    """(source, Ledger) for every township ledger of the district."""
    return [(source, ledger_for(cfg.ledger, source)) for source in cfg.ledger.sources()]


def read_all(pairs) -> list[LedgerRead]:
    reads = []
    for source, ledger in pairs:
        title = source.worksheet or LEDGER.name
        snapshot = ledger.read([title], optional=OPTIONAL_SHEETS)   # `jiesu init` adds sheets a workbook lacks
        reads.append(LedgerRead(source, ledger, snapshot, title))
    return reads


def _grid_rows(grid) -> list[list]:
    """Header and rows laid out at their sheet row numbers (blank rows kept blank), so that the row numbers
    validation reports are the ones people see."""
    out = [list(grid.header)]
    for r in grid.rows:
        out.extend([] for _ in range(r.number - len(out) - 1))
        out.append(list(r.values))
    return out


def district_sheet(reads, name) -> list[list] | None:
    """A district-wide sheet (承办单位, 派单目录, 工作日历 …) from every ledger that has it, headers of the first."""
    found = [r.snapshot.grids[name] for r in reads if name in r.snapshot.grids]
    if not found:
        return None
    rows = _grid_rows(found[0])
    for g in found[1:]:
        index = {h: i for i, h in enumerate(g.header)}
        for row in g.rows:
            rows.append([row.values[index[h]] if h in index and index[h] < len(row.values) else None
                         for h in found[0].header])
    return rows


def build_calendar(reads) -> tuple[WorkCalendar, list[str], str]:
    """Official data plus the 工作日历 sheet; a bad override row is reported, never half-applied. The third
    value names the overrides in force, so dues computed under other overrides are not reused."""
    rows = district_sheet(reads, CALENDAR_SHEET.name)
    if not rows or len(rows) < 2:
        return WorkCalendar.official(), [], ""
    header = rows[0]
    records = [dict(zip(header, r)) for r in rows[1:] if any(v not in (None, "") for v in r)]
    try:
        overrides = parse_override_rows(records)
    except OverrideError as exc:
        return WorkCalendar.official(), [exc.zh], ""
    tag = hashlib.blake2b(repr(sorted(map(repr, overrides))).encode(), digest_size=8).hexdigest()
    return WorkCalendar.official(overrides), [], tag


def dispatch_rules(reads) -> list[dispatching.DispatchRule]:
    rows = district_sheet(reads, DISPATCH_SHEET.name)
    if not rows:
        return []
    out = []
    for rec in read_records(DISPATCH_SHEET, rows):
        v = rec.values
        lead = first_unit(v.get("牵头单位"))
        if not lead:
            continue
        keywords = tuple(k for k in normalize(v.get("关键词") or "").replace("，", "、").replace(",", "、").split("、") if k)
        out.append(dispatching.DispatchRule(v.get("诉求类别"), keywords, lead, tuple(v.get("配合单位") or ())))
    return out


def unit_directory(reads) -> dict[str, dict]:
    """承办单位 by name: {header: value} (handler, emails, head …)."""
    rows = district_sheet(reads, UNITS_SHEET.name)
    if not rows:
        return {}
    return {rec.values["单位名称"]: rec.values for rec in read_records(UNITS_SHEET, rows) if rec.values.get("单位名称")}


def _text(value) -> str:
    """A cell's value as the service compares it with what it wants to write."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, datetime):
        return value.strftime(clock.CELL_FORMAT)
    return str(value).strip()


def run_cycle(cfg, *, now: datetime | None = None, escalate: bool = False, store: Store | None = None,
              ledgers=None) -> CycleReport:
    """One full cycle over all ledgers of the district at `now` (aware; default: the real clock)."""
    now = now or clock.parse_now(None, cfg.timezone)
    own_store = store is None
    store = store or Store.from_config(cfg)
    try:
        return _run(cfg, store, now, escalate, ledgers)
    finally:
        if own_store:
            store.close()


def _run(cfg, store: Store, now: datetime, escalate: bool, ledgers) -> CycleReport:
    zone = cfg.timezone
    local_now = clock.to_local(now, zone)
    profile = profiles.load(cfg.profile)
    report = CycleReport()
    report.cycle_id = store.cycle_start(now, kind="scan" if escalate else "sync")
    try:
        wanted_flags: dict[str, tuple[str, str, str | None]] = {}   # key -> (kind, message, ticket)
        _import_sources(cfg, store, now, wanted_flags)
        reads = read_all(ledgers or open_ledgers(cfg))
        calendar, calendar_problems, calendar_tag = build_calendar(reads)
        soon_limit = soon_until(calendar, local_now, profile.reminders.due_soon_working_days)
        rules = dispatch_rules(reads)
        units = unit_directory(reads)
        unit_names = tuple(units) or None
        knowledge, knowledge_tag = knowledge_base(reads)
        states = store.ticket_states()
        for msg in calendar_problems:
            wanted_flags["calendar:override"] = ("calendar_override", msg, None)
        if local_now.month >= 11 and local_now.year + 1 not in calendar.known_years:
            report.missing_next_year = local_now.year + 1
            wanted_flags[f"calendar:{local_now.year + 1}"] = (
                "calendar_missing", f"请在工作日历中录入{local_now.year + 1}年节假日安排", None)

        # 1. Validate every ledger; give rows without an identity one, in a first small write, so that a
        #    number is only ever bound to an identity that is already in the sheet (no gap after a crash).
        per_ledger = []
        for lr in reads:
            rows = _grid_rows(lr.grid)
            problems = validate_sheet(LEDGER, rows, title=lr.title, profile=profile, units=unit_names)
            records = read_records(LEDGER, rows, profile, only=RECORD_HEADERS)
            per_ledger.append((lr, rows, problems, records))
        _assign_identities(per_ledger, store, now, report, zone)

        # 2. Number every valid row, all ledgers in one call (numbers run across the district).
        requests = []
        for lr, rows, problems, records in per_ledger:
            blocked = blocking_rows(problems, lr.title)
            by_number = {r.number: r for r in lr.grid.rows}
            for rec in records:
                row = by_number[rec.row]
                rid = lr.grid.row_id(row)
                received = rec.values.get("受理时间")
                if rid and rec.row not in blocked and received is not None:
                    requests.append(NumberRequest(lr.id, rid, clock.to_utc(received, zone).astimezone(
                        clock.ZoneInfo(zone))))
        numbers = store.assign_numbers(profile, requests, now) if requests else {}
        for sub in store.intake_unnumbered():
            if (sub.ledger_id, sub.row_id) in numbers:
                store.intake_update(sub.id, number=numbers[(sub.ledger_id, sub.row_id)])

        # 3. Dispatch, decide, and collect the service cells each row should show.
        new_states, wants, kb_todo, records_by_key = [], {}, {}, {}
        for lr, rows, problems, records in per_ledger:
            notes = summaries(problems, lr.title, len(rows))
            report.errors += sum(1 for p in problems if p.level == "error")
            report.warnings += sum(1 for p in problems if p.level == "warning")
            blocked = blocking_rows(problems, lr.title)
            by_number = {r.number: r for r in lr.grid.rows}
            for rec in records:
                row = by_number[rec.row]
                rid = lr.grid.row_id(row)
                if not rid:
                    continue
                report.rows += 1
                number = numbers.get((lr.id, rid))
                key = (lr.id, rid)
                prior = states.get(key)
                values = dict(rec.values)
                want = {"校验结果": notes.get(rec.row, "")}
                if number:
                    want["诉求编号"] = number
                state = {"number": number, "township": values.get("所属镇街") or lr.source.name,
                         "category": values.get("诉求类别"), "problem_type": values.get("问题类型"),
                         "errors": rec.row in blocked}
                fill = {}
                if number and not values.get("承办单位") and rules:
                    d = dispatching.choose(rules, values.get("诉求类别"), values.get("主要诉求") or "",
                                           values.get("投诉对象"))
                    if d.lead:
                        fill = {"承办单位": d.lead, **({"配合单位": "、".join(d.co_units)} if d.co_units else {})}
                        values["承办单位"] = (d.lead,)
                    elif d.conflict:
                        wanted_flags[f"dispatch:{lr.id}:{rid}"] = ("dispatch_conflict", d.conflict, number)
                ticket = ticket_from_values(values) if number else None
                if ticket is not None:
                    rnd = _round(prior)
                    inputs = f"{calendar_tag}|{sorted(deadline_inputs(profile, ticket, next_round(profile, ticket, rnd)).items())}"
                    decision = decide(profile, calendar, ticket, rnd, local_now, soon_limit=soon_limit,
                                      dues=_known_dues(prior, inputs))
                    state["inputs"] = inputs
                    want.update(_due_cells(decision))
                    want["办理轮次"] = str(decision.round.number)
                    want["督办状态"] = decision.status
                    if decision.unknown_year:
                        report.pending_years.add(decision.unknown_year)
                    for f in decision.flags:
                        wanted_flags[f"{f.kind}:{lr.id}:{rid}"] = (f.kind, f.message, number)
                    state.update(_state_from_decision(decision, ticket, prior, local_now, values))
                if knowledge and state["category"] == "咨询" and number:
                    matter = _text(values.get("主要诉求"))
                    state["kb"] = f"{knowledge_tag}|{matter}"
                    if prior is None or prior.state.get("kb") != state["kb"]:
                        kb_todo[key] = matter
                if prior is not None and "sig" in prior.state:
                    state["sig"] = prior.state["sig"]   # settled at write-back time, once every want is known
                record = TicketStateRecord(lr.id, rid, number, state.get("unit"), state.get("status", ""), state)
                if _changed(prior, record):
                    new_states.append(record)
                records_by_key[key] = (prior, record)
                wants[key] = (lr, row, want, fill)

        _suggest_answers(knowledge, kb_todo, wants)

        if escalate:
            current = {**states, **{(s.ledger_id, s.row_id): s for s in new_states}}
            report.escalation = _escalate(cfg, store, profile, calendar, current, units, now, wants)

        # 4. Write back what differs, one batch per ledger; nothing at all when nothing changed. The scan's
        #    督办记录 rows go to the first workbook that has that sheet.
        log_ledger = next((lr.id for lr, *_ in per_ledger if SUPERVISION_SHEET.name in lr.snapshot.grids), None)
        wants_of: dict[str, list] = {}
        for (lid, rid), entry in wants.items():
            wants_of.setdefault(lid, []).append((rid, entry))
        cells_of: dict[str, tuple[dict, set]] = {}
        resigned = []    # states whose signature the write-back changed
        for lr, rows, problems, records in per_ledger:
            writes, cells, unchanged = [], {}, set()
            header_tag = repr(lr.grid.header)
            recorded = store.cycle_snapshot_ids(lr.id)
            for rid, (lr2, row, want, fill) in wants_of.get(lr.id, ()):
                prior, record = records_by_key[(lr.id, rid)]
                sig = _signature(header_tag, row, want, fill)
                if rid in recorded and prior is not None and prior.state.get("sig") == sig:
                    # Same cells as read and same wants as a cycle that found nothing to write and recorded
                    # this very row: nothing to write now, and its snapshot is already what we would record.
                    unchanged.add(rid)
                    continue
                diff = {h: v for h, v in want.items()
                        if lr.grid.col(h) is not None and _text(lr.grid.value(row, h)) != _text(v)}
                if diff:
                    writes.append(CellWrite(lr.grid.ref(row, lr.ledger.service_headers), diff))
                if fill:
                    _fill_blank(lr, row, fill, writes)
                if prior is not None and record.state.get("sig") != (None if diff or fill else sig):
                    resigned.append(record)
                if diff or fill:
                    record.state.pop("sig", None)
                else:
                    record.state["sig"] = sig
                seen = {h: _text(v) for h, v in lr.grid.record(row).items() if h != ROW_ID_HEADER}
                seen.update({h: _text(v) for h, v in fill.items() if h in seen and not seen[h]})
                seen.update({h: _text(v) for h, v in want.items() if h in seen})
                cells[rid] = seen
            cells_of[lr.id] = (cells, unchanged)
            appends = {}
            if report.escalation is not None and lr.id == log_ledger and report.escalation.supervision_rows:
                appends = {SUPERVISION_SHEET.name: report.escalation.supervision_rows}
            if writes or appends:
                result = lr.ledger.write(writes, appends or None)
                report.write_calls += 1
                report.written_cells += sum(len(w.values) for w in writes)
                report.missed += [f"{lr.id}:{m.ref.row_id or m.ref.number}: {m.reason}" for m in result.missed]

        # 5. Remember: row snapshots and events first, then ticket states (whose row signatures promise that
        #    the snapshot is recorded), then flags.
        numbers_of: dict[str, dict] = {}
        for (lid, rid), number in numbers.items():
            numbers_of.setdefault(lid, {})[rid] = number
        for lr, rows, problems, records in per_ledger:
            cells, unchanged = cells_of[lr.id]
            nums = numbers_of.get(lr.id, {})
            report.events += len(store.record_rows(lr.id, cells, now, cycle_id=report.cycle_id, numbers=nums,
                                                   complete=True, unchanged=unchanged))
        seen_states = {(s.ledger_id, s.row_id) for s in new_states}
        new_states += [r for r in resigned if (r.ledger_id, r.row_id) not in seen_states]
        store.save_ticket_states(new_states, now)
        _sync_flags(store, wanted_flags, now)
        report.flags = len(wanted_flags)
        report.numbered = sorted(n for k, n in numbers.items() if not (states.get(k) and states[k].number))
        store.cycle_finish(report.cycle_id, now, "ok", report.summary())
        return report
    except Exception as exc:
        store.cycle_finish(report.cycle_id, now, "failed", f"{type(exc).__name__}: {exc}")
        raise


def _assign_identities(per_ledger, store, now, report, zone: str) -> None:
    """Rows typed since the last cycle get a 记录标识 (and pending web submissions are appended) in one write
    per ledger; the in-memory grid is updated so the rest of the cycle sees the identities."""
    by_ledger = route_submissions(store.intake_pending(), [lr.source.name for lr, *_ in per_ledger])
    for i, (lr, rows, problems, records) in enumerate(per_ledger):
        new = [(idx, row) for idx, row in enumerate(lr.grid.rows) if not lr.grid.row_id(row)
               and any(v not in (None, "") for v in row.values)]
        appends = _intake_rows(by_ledger.get(i, []), lr, zone)
        if not new and not appends:
            continue
        writes = [CellWrite(lr.grid.ref(row, lr.ledger.service_headers), {ROW_ID_HEADER: new_row_id()})
                  for _, row in new]
        result = lr.ledger.write(writes, {lr.title: [fields for _, fields in appends]} if appends else None)
        report.write_calls += 1
        landed = {id(l.ref): l.row_id for l in result.landed}
        id_col = lr.grid.col(ROW_ID_HEADER)
        for (idx, row), w in zip(new, writes):
            rid = landed.get(id(w.ref))
            if rid and id_col is not None:
                values = list(row.values) + [None] * max(0, id_col + 1 - len(row.values))
                values[id_col] = rid
                lr.grid.rows[idx] = type(row)(row.number, tuple(values))
        report.missed += [f"{lr.id}:{m.ref.number}: {m.reason}" for m in result.missed]
        for (submission, _), rid in zip(appends, result.appended.get(lr.title, [])):
            store.intake_update(submission.id, ledger_id=lr.id, row_id=rid, appended_at=now)
            report.appended += 1


def route_submissions(pending, township_names: list[str]) -> dict[int, list]:
    """Which ledger each submission goes to: the township office its 所属镇街 names, else the first ledger."""
    out: dict[int, list] = {}
    for sub in pending:
        township = str((sub.fields or {}).get("所属镇街") or "").strip()
        out.setdefault(township_names.index(township) if township in township_names else 0, []).append(sub)
    return out


def _intake_rows(pending, lr, zone: str) -> list[tuple[object, dict]]:
    """Web submissions as ledger rows ({header: value}); only the ledger's own headers are written."""
    out = []
    for sub in pending:
        fields = {h: v for h, v in (sub.fields or {}).items() if lr.grid.col(h) is not None and h != ROW_ID_HEADER}
        fields.setdefault("受理时间", clock.cell(clock.to_local(sub.received_at, zone)))
        fields.setdefault("渠道", "政府网站")
        out.append((sub, fields))
    return out


def _changed(prior, record) -> bool:
    """Whether a ticket state differs from the one stored (so it must be saved)."""
    return prior is None or (prior.state, prior.number, prior.unit, prior.status) != \
        (record.state, record.number, record.unit, record.status)


def _signature(header_tag: str, row, want: dict, fill: dict) -> str:
    """A row's cells as read, the ledger's header and the service cells the cycle wants for it: when a later
    cycle finds the same signature, the row needs no write and its snapshot is unchanged."""
    text = repr((header_tag, row.values, sorted(want.items()), sorted(fill.items())))
    return hashlib.blake2b(text.encode(), digest_size=16).hexdigest()


def _round(prior) -> Round:
    if prior is None:
        return Round()
    s = prior.state
    return Round(s.get("round") or 1, clock.from_iso(s.get("returned")), clock.from_iso(s.get("last_visit")))


def knowledge_base(reads) -> tuple[list[dict], str]:
    """The 知识库 entries ({header: text}) and a tag that changes whenever one of them does."""
    rows = district_sheet(reads, KNOWLEDGE_SHEET.name)
    if not rows:
        return [], ""
    entries = [{h: _text(v) for h, v in zip(rows[0], r)} for r in rows[1:] if any(_text(v) for v in r)]
    return entries, hashlib.blake2b(repr(entries).encode(), digest_size=8).hexdigest()


def _suggest_answers(knowledge, todo: dict, wants) -> None:
    """知识库建议 for the 咨询 tickets in `todo` ({key: matter}), so a clerk can answer on the spot. The cycle
    lists only tickets whose matter or the knowledge base changed since their last suggestion: the text
    model is not cheap."""
    if not knowledge or not todo:
        return
    from reports.similar import kb_cells
    keys = list(todo)
    cells = kb_cells(knowledge, {str(i): ("咨询", todo[k]) for i, k in enumerate(keys)})
    for i, key in enumerate(keys):
        wants[key][2]["知识库建议"] = cells.get(str(i), "")


def _known_dues(prior, inputs: str):
    """The dues the last cycle computed, when nothing they depend on has changed since."""
    if prior is None or prior.state.get("inputs") != inputs or not prior.state.get("dues"):
        return None
    explain = prior.state.get("explain", {})
    return {m: Due(clock.from_iso(at), explain.get(m, "")) for m, at in prior.state["dues"].items()}


def _due_cells(decision) -> dict[str, str]:
    if decision.status == PENDING:
        return {col: "待定" for col in DUE_COLUMNS.values()}
    if decision.status == EXCLUDED:
        return {col: "" for col in DUE_COLUMNS.values()}
    return {DUE_COLUMNS[m]: clock.cell(d.at) for m, d in decision.dues.items() if m in DUE_COLUMNS}


def _state_from_decision(decision, ticket, prior, local_now, values) -> dict:
    """The ticket state's decision part (see docs/architecture.md); first-seen times are kept from before."""
    before = prior.state if prior else {}
    dues = {m: clock.iso(d.at) for m, d in decision.dues.items()}
    original = before.get("resolve_due_original")
    if original is None and decision.round.number == 1 and ticket.extension_approval != "同意":
        original = dues.get("resolve")
    approved_at = before.get("extension_approved_at")
    if approved_at is None and ticket.extension_approval == "同意":
        approved_at = clock.iso(local_now)
    closed_at = before.get("closed_at")
    if decision.status == "已办结" and closed_at is None:
        closed_at = clock.iso(local_now)
    return {
        "received": clock.iso(ticket.received), "unit": ticket.unit,
        "co_units": list(values.get("配合单位") or ()),
        "round": decision.round.number, "returned": clock.iso(decision.round.returned),
        "last_visit": clock.iso(decision.round.last_visit_counted),
        "dues": dues, "explain": {m: d.explain for m, d in decision.dues.items()},
        "resolve_due_original": original, "extension_approved_at": approved_at,
        "reopened_at": before.get("reopened_at") or (clock.iso(decision.round.returned)
                                                     if decision.round.number > 1 else None),
        "closed_at": closed_at, "stage": decision.stage, "status": decision.status,
        "overdue": list(decision.overdue), "due_soon": list(decision.due_soon),
        "flags": [{"kind": f.kind, "message": f.message} for f in decision.flags],
        "unknown_year": decision.unknown_year,
    }


def _sync_flags(store, wanted: dict, now) -> None:
    """Open the flags this cycle found, close the cycle's own flags that no longer apply."""
    for key, (kind, message, ticket) in wanted.items():
        store.raise_flag(key, kind, message, now, ticket=ticket)
    for flag in store.flags(open_only=True):
        if flag.key not in wanted and flag.kind in CYCLE_FLAG_KINDS:
            store.resolve_flag(flag.key, now)


# Flags the cycle raises and therefore also closes (others belong to the scan or to people).
CYCLE_FLAG_KINDS = {"intake_source", "calendar_missing", "calendar_override", "dispatch_conflict", "self_complaint", "returned",
                    "extension_pending", "unsatisfied_after_redo", "deadline_input"}


def _escalate(cfg, store, profile, calendar, states, units, now, wants):
    """The scan's step (jobs/scan.py): lights, notices, reminders; its cells join this cycle's one write."""
    from jobs.scan import escalate, issuer_for
    result = escalate(store, profile, calendar, states, units, now, issuer=issuer_for(profile))
    for key, cells in result.cells.items():
        if key in wants:
            wants[key][2].update(cells)
    return result


def _fill_blank(lr, row, fill, writes) -> None:
    """Dispatch fills 承办单位/配合单位 only while a person has left them blank (checked again at write time)."""
    writes.append(CellWrite(lr.grid.ref(row, lr.ledger.service_headers), fill, only_if_blank=True))


def _import_sources(cfg, store, now, wanted_flags) -> None:
    """Queue new rows of the configured intake sources; a source that cannot be read is flagged, not fatal."""
    from jobs.intake import import_source
    for source in cfg.intake_sources:
        try:
            import_source(cfg, source, store, now)
        except (LedgerError, OSError, ValueError) as exc:
            wanted_flags[f"intake:{source.name}"] = ("intake_source", f"导入来源“{source.name}”读取失败: {exc}", None)
