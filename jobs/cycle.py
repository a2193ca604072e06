"""The sync cycle: read every ledger, validate, number, dispatch, decide, write service cells back in one
batch, and record what changed; ledgers and rows unchanged since the last cycle are skipped (docs/cycle.md).
Orchestration only: every decision is made in domain/ or sheets_schema/."""
from __future__ import annotations

import functools
import hashlib
import logging
import marshal
from dataclasses import dataclass, field, replace
from datetime import datetime

import profiles
from connector.base import ROW_ID_HEADER, CellWrite, Grid, LedgerError, Row
from domain import dispatch as dispatching
from domain.deadlines import Due
from domain.workflow import (EXCLUDED, PENDING, Round, deadline_inputs, decide, next_change, next_round,
                             soon_begins, soon_until)
from jobs import clock
from jobs.district import (LedgerRead, build_calendar, context_digest, dispatch_rules, grid_rows, knowledge_base,
                           ledger_context, open_ledgers, profile_digest, read_all, unit_directory)
from jobs.identities import plan_appends, plan_new_rows, route_submissions
from sheets_schema import LEDGER, SUPERVISION_SHEET, blocking_rows, read_records, summaries, validate_sheet
from sheets_schema.tickets import TICKET_FIELDS, ticket_from_values
from store import Mark, NumberRequest, Store, TicketStateRecord

log = logging.getLogger(__name__)

# The ledger columns the cycle itself reads typed (validation reads them all).
RECORD_HEADERS = frozenset(TICKET_FIELDS) | {"所属镇街", "主要诉求", "配合单位"}
DUE_COLUMNS = {"contact": "应联系时限", "reply": "应答复时限", "resolve": "应办结时限"}


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
        context = context_digest(profile, calendar_tag, rules, units, knowledge_tag, zone)
        rules_tag = f"{profile_digest(profile)[:12]}|{calendar_tag}"    # what dues depend on besides the row
        for msg in calendar_problems:
            wanted_flags["calendar:override"] = ("calendar_override", msg, None)
        if local_now.month >= 11 and local_now.year + 1 not in calendar.known_years:
            report.missing_next_year = local_now.year + 1
            wanted_flags[f"calendar:{local_now.year + 1}"] = (
                "calendar_missing", f"请在工作日历中录入{local_now.year + 1}年节假日安排", None)

        # 1. Look at every ledger. One unchanged since the last cycle (same digest, same district context)
        #    is quiet: only its tickets due a recheck are decided again. Any other is validated row by row,
        #    and its new rows and pending submissions get identities claimed in the store before the one
        #    write that puts them in the sheet.
        pending = route_submissions(store.intake_pending(), [lr.source.name for lr in reads])
        marks = store.ledger_marks()
        works, states, numbers = [], {}, {}
        for i, lr in enumerate(reads):
            w = LedgerWork(lr, lr.digest or lr.grid.digest(), marks.get(lr.id), ledger_context(context, lr))
            # A mark holds for this ledger under the same context, and only forward in time (a rehearsal
            # with an earlier --now looks at every row).
            same_context = (not escalate and w.mark is not None and w.mark.context == w.context
                            and (w.mark.marked_at is None or w.mark.marked_at <= now))
            w.quiet = same_context and w.mark.digest == w.digest and not pending.get(i)
            if w.quiet:
                look = _look_quiet(w, store, states, numbers, now)
            else:
                rows = grid_rows(lr.grid)
                w.problems = validate_sheet(LEDGER, rows, title=lr.title, profile=profile, units=unit_names)
                w.notes = summaries(w.problems, lr.title, len(rows))
                w.blocked = blocking_rows(w.problems, lr.title)
                w.new_rows = plan_new_rows(store, lr, now)
                w.appends = plan_appends(store, lr, pending.get(i, []), now, zone)
                look = _look_changed(w, store, states, numbers, now, same_context)
            w.records = _typed(LEDGER, lr.grid.header, look, profile) if look else []
            works.append(w)
        changed = [w.lr.id for w in works if w.mark is not None and not w.quiet]
        if changed:
            store.set_ledger_marks([], changed, now)   # their marks promise nothing any more

        # 2. Number every valid row of the ledgers looked at in full, all in one call (numbers run across the
        #    district); a quiet ledger's tickets keep theirs.
        requests = []
        for w in works:
            if w.quiet:
                continue
            by_number = {r.number: r for r in w.lr.grid.rows}
            for rec in w.records:
                rid = w.lr.grid.row_id(by_number[rec.row])
                received = rec.values.get("受理时间")
                if rid and rec.row not in w.blocked and received is not None:
                    requests.append(_number_request(w.lr.id, rid, received, zone))
        appended = _appended_requests(works, profile, unit_names, zone)
        requests += [req for req, _ in appended]
        assigned = store.assign_numbers(profile, requests, now) if requests else {}
        numbers.update(assigned)
        for req, fields in appended:   # a valid submission goes into the sheet with its number
            fields["诉求编号"] = assigned[(req.ledger_id, req.row_id)]
        for sub in store.intake_unnumbered():
            if (sub.ledger_id, sub.row_id) in numbers:
                store.intake_update(sub.id, number=numbers[(sub.ledger_id, sub.row_id)])

        # 3. Dispatch, decide, and collect the service cells each row should show.
        within = profile.reminders.due_soon_working_days
        begins = functools.lru_cache(maxsize=None)(lambda day: soon_begins(calendar, day, within))
        new_states, wants, kb_todo, records_by_key = [], {}, {}, {}
        for w in works:
            lr = w.lr
            if w.quiet:
                report.rows += w.mark.rows
                report.errors += w.mark.errors
                report.warnings += w.mark.warnings
            else:
                w.errors = sum(1 for p in w.problems if p.level == "error")
                w.warnings = sum(1 for p in w.problems if p.level == "warning")
                report.errors += w.errors
                report.warnings += w.warnings
                report.rows += len(w.skipped)
            by_number = {r.number: r for r in lr.grid.rows}
            for rec in w.records:
                row = by_number[rec.row]
                rid = lr.grid.row_id(row)
                if not rid:
                    continue
                if not w.quiet:
                    report.rows += 1
                    w.rows += 1
                number = numbers.get((lr.id, rid))
                key = (lr.id, rid)
                prior = states.get(key)
                values = dict(rec.values)
                want = {"校验结果": w.notes.get(rec.row, "")}
                if number:
                    want["诉求编号"] = number
                state = {"number": number, "township": values.get("所属镇街") or lr.source.name,
                         "category": values.get("诉求类别"), "problem_type": values.get("问题类型"),
                         "errors": rec.row in w.blocked}
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
                recheck = None
                if ticket is not None:
                    rnd = _round(prior)
                    inputs = f"{rules_tag}|{sorted(deadline_inputs(profile, ticket, next_round(profile, ticket, rnd)).items())}"
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
                    change = next_change(decision, ticket, local_now, begins)
                    recheck = None if change is None else clock.to_utc(change, zone)
                if knowledge and state["category"] == "咨询" and number:
                    matter = _text(values.get("主要诉求"))
                    state["kb"] = f"{knowledge_tag}|{matter}"
                    if prior is None or prior.state.get("kb") != state["kb"]:
                        kb_todo[key] = matter
                if prior is not None and "sig" in prior.state:
                    # settled at write-back time, once every want is known
                    state["sig"], state["settled"] = prior.state["sig"], prior.state.get("settled")
                record = TicketStateRecord(lr.id, rid, number, state.get("unit"), state.get("status", ""), state,
                                           recheck_at=recheck)
                if _changed(prior, record):
                    new_states.append(record)
                records_by_key[key] = (prior, record)
                wants[key] = (lr, row, want, fill)

        _suggest_answers(knowledge, kb_todo, wants)

        if escalate:
            current = {**states, **{(s.ledger_id, s.row_id): s for s in new_states}}
            report.escalation = _escalate(cfg, store, profile, calendar, current, units, now, wants)

        # 4. Write back what differs, one batch per ledger (new rows' identities and submissions included);
        #    nothing at all when nothing changed. The scan's 督办记录 rows go to the first workbook that has
        #    that sheet.
        log_ledger = next((w.lr.id for w in works if SUPERVISION_SHEET.name in w.lr.snapshot.grids), None)
        wants_of: dict[str, list] = {}
        for (lid, rid), entry in wants.items():
            wants_of.setdefault(lid, []).append((rid, entry))
        resigned = []    # states whose signature the write-back changed
        for w in works:
            writes, rid_of = _plan_writes(w, wants_of.get(w.lr.id, []), records_by_key, resigned)
            appends = {}
            if w.appends:
                appends[w.lr.title] = [fields for _, fields in w.appends]
            if report.escalation is not None and w.lr.id == log_ledger and report.escalation.supervision_rows:
                appends[SUPERVISION_SHEET.name] = report.escalation.supervision_rows
            if writes or appends:
                _write(w, writes, appends, rid_of, records_by_key, resigned, store, report, now)

        # 5. Remember: row snapshots and events first, then ticket states (whose row signatures promise that
        #    the snapshot is recorded), then the ledger marks (which promise the states), then flags.
        numbers_of: dict[str, dict] = {}
        for (lid, rid), number in numbers.items():
            numbers_of.setdefault(lid, {})[rid] = number
        for w in works:
            report.events += len(store.record_rows(w.lr.id, w.cells, now, cycle_id=report.cycle_id,
                                                   numbers=numbers_of.get(w.lr.id, {}), complete=not w.quiet,
                                                   unchanged=w.unchanged | w.skipped))
        seen_states = {(s.ledger_id, s.row_id) for s in new_states}
        new_states += [r for r in resigned if (r.ledger_id, r.row_id) not in seen_states]
        store.save_ticket_states(new_states, now)
        store.set_ledger_marks([m for m in (w.next_mark() for w in works) if m is not None], [], now)
        decided = {w.lr.id: w.rechecked for w in works if w.quiet}
        skipped = {(w.lr.id, rid) for w in works for rid in w.skipped}
        report.flags = _sync_flags(store, wanted_flags, now, decided, skipped)
        report.numbered = sorted(n for k, n in assigned.items() if not (states.get(k) and states[k].number))
        store.cycle_finish(report.cycle_id, now, "ok", report.summary())
        return report
    except Exception as exc:
        store.cycle_finish(report.cycle_id, now, "failed", f"{type(exc).__name__}: {exc}")
        raise


def _look_quiet(w: "LedgerWork", store, states: dict, numbers: dict, now) -> list:
    """The rows of a quiet ledger to decide again: those whose recheck time has come (their states join
    `states`, their numbers `numbers`); their 校验结果 stays what the sheet shows."""
    lr = w.lr
    due = store.ticket_states(lr.id, recheck_by=now)
    states.update(due)
    numbers.update({k: s.number for k, s in due.items() if s.number})
    w.rechecked = {rid for _, rid in due}
    look = [r for r in lr.grid.rows if lr.grid.row_id(r) in w.rechecked] if due else []
    w.notes = {r.number: _text(lr.grid.value(r, "校验结果")) for r in look}
    w.recorded = store.cycle_snapshot_ids(lr.id, among=w.rechecked) if due else set()
    return look


def _look_changed(w: "LedgerWork", store, states: dict, numbers: dict, now, same_context: bool) -> list:
    """The rows of a changed (validated) ledger to decide: all but those whose cells and 校验结果 are as when
    last decided under the same district context, with no recheck due (an edit elsewhere in the ledger
    does not concern them); the looked-at rows' states join `states`, the others' numbers `numbers`."""
    lr = w.lr
    w.recorded = store.cycle_snapshot_ids(lr.id)
    briefs = store.ticket_briefs(lr.id) if same_context else {}
    look = []
    for r in lr.grid.rows:
        rid = lr.grid.row_id(r)
        brief = briefs.get(rid) if rid else None
        if brief is not None and _settled(brief, rid, w, r, now):
            w.skipped.add(rid)
            if brief.number:
                numbers[(lr.id, rid)] = brief.number
        else:
            look.append(r)
    w.rows = len(w.skipped)
    states.update(store.ticket_states(lr.id, row_ids=None if not w.skipped else
                                      [rid for rid in map(lr.grid.row_id, look) if rid]))
    return look


def _plan_writes(w: "LedgerWork", entries, records_by_key, resigned: list) -> tuple[list, dict]:
    """The service cells of one ledger that differ from the sheet, as CellWrites (with {RowRef: row id});
    each row's snapshot to record, and the signature and settled key it will have once the write lands."""
    lr = w.lr
    writes, rid_of = [], {}
    header_tag = repr(lr.grid.header)
    for rid, (_, row, want, fill) in entries:
        prior, record = records_by_key[(lr.id, rid)]
        sig = _signature(header_tag, row, want, fill)
        if rid in w.recorded and prior is not None and prior.state.get("sig") == sig:
            # Same cells as read and same wants as a cycle that found nothing to write and recorded this
            # very row: nothing to write now, and its snapshot is already what we would record.
            w.unchanged.add(rid)
            settled = _settled_key(w, row, want["校验结果"])
            if record.state.get("settled") != settled:
                record.state["settled"] = settled
                resigned.append(record)
            continue
        read_as = w.new_rows.get(rid, row)    # a new row is found by its typed cells, not its identity
        diff = {h: v for h, v in want.items()
                if lr.grid.col(h) is not None and _text(lr.grid.value(read_as, h)) != _text(v)}
        if rid in w.new_rows:
            diff[ROW_ID_HEADER] = rid
        ref = lr.grid.ref(read_as, lr.ledger.service_headers)
        if diff:
            writes.append(CellWrite(ref, diff))
        if fill:
            writes.append(CellWrite(ref, fill, only_if_blank=True))  # a person's choice still wins
            w.fills = True
        rid_of[ref] = rid
        after = _written(lr.grid, row, diff)
        # The signature the row will have once the write lands, unless a dispatch fill may or may not.
        new_sig = None if fill else _signature(header_tag, after, want, {})
        if prior is not None and record.state.get("sig") != new_sig:
            resigned.append(record)
        if new_sig is None:
            record.state.pop("sig", None)
            record.state.pop("settled", None)
        else:   # as the next cycle should read the row
            record.state["sig"], record.state["settled"] = new_sig, _settled_key(w, after, want["校验结果"])
        if after is not row:
            w.after[row.number] = after
        seen = {h: _text(v) for h, v in lr.grid.record(row).items() if h != ROW_ID_HEADER}
        seen.update({h: _text(v) for h, v in fill.items() if h in seen and not seen[h]})
        seen.update({h: _text(v) for h, v in want.items() if h in seen})
        w.cells[rid] = seen
    return writes, rid_of


def _write(w: "LedgerWork", writes, appends, rid_of, records_by_key, resigned: list, store, report, now) -> None:
    """One ledger's one write; what missed it loses its signature (its next look is a full one), new rows'
    reservations are released, appended submissions are told where they landed."""
    lr = w.lr
    result = lr.ledger.write(writes, appends or None)
    report.write_calls += 1
    if result.kept:
        # Open until a coordinator has seen it: what the clerk made is safe in the copy, not in the ledger.
        store.raise_flag(f"kept_copy|{lr.id}|{result.kept.path}", "kept_copy",
                         f"{lr.title}的工作簿含{'、'.join(result.kept.parts)},本服务写回时无法原样保留;写回前已把"
                         f"此前版本另存为 {result.kept.path}。请把这些内容放到另一个工作簿中。", now)
    report.written_cells += sum(len(x.values) for x in writes)
    report.missed += [f"{lr.id}:{m.ref.row_id or m.ref.number}: {m.reason}" for m in result.missed]
    for m in result.missed:
        w.missed = True
        rid = rid_of.get(m.ref)
        record = records_by_key[(lr.id, rid)][1] if rid is not None else None
        if record is not None and record.state.pop("sig", None) is not None:
            record.state.pop("settled", None)
            resigned.append(record)
    landed = [rid_of[x.ref] for x in result.landed if rid_of.get(x.ref) in w.new_rows]
    if landed:
        store.release_row_reservations(lr.id, landed)   # in the sheet now
    for (sub, fields), rid in zip(w.appends, result.appended.get(lr.title, [])):
        number = {"number": fields["诉求编号"]} if fields.get("诉求编号") else {}
        store.intake_update(sub.id, ledger_id=lr.id, row_id=rid, appended_at=now, **number)
        report.appended += 1


@dataclass
class LedgerWork:
    """One ledger's part of a cycle: how it was found, what validation said, what the write-back did."""
    lr: LedgerRead
    digest: str                      # of its 台账 grid as read
    mark: Mark | None                # how the last cycle left it
    context: str                     # what its decisions depend on besides its own rows
    quiet: bool = False              # unchanged since: only tickets due a recheck are looked at
    problems: list = field(default_factory=list)
    records: list = field(default_factory=list)
    notes: dict = field(default_factory=dict)          # row number -> 校验结果
    blocked: set = field(default_factory=set)          # row numbers with errors
    new_rows: dict = field(default_factory=dict)       # row id -> row as read, identity claimed this cycle
    appends: list = field(default_factory=list)        # (submission, fields) to append
    rows: int = 0
    errors: int = 0
    warnings: int = 0
    cells: dict = field(default_factory=dict)          # row id -> snapshot to record
    unchanged: set = field(default_factory=set)        # row ids whose snapshot is already recorded
    skipped: set = field(default_factory=set)          # row ids not looked at: settled since the last cycle
    rechecked: set = field(default_factory=set)        # a quiet ledger's row ids decided again (recheck due)
    recorded: set = field(default_factory=set)         # row ids whose snapshot a cycle recorded last
    header_bytes: bytes | None = None
    after: dict = field(default_factory=dict)          # row number -> the Row once this cycle's write lands
    fills: bool = False
    missed: bool = False

    def next_mark(self) -> Mark | None:
        """The mark to leave for the next cycle: the digest the sheet will have once this cycle's write has
        landed. None when that cannot be known (a dispatch fill, an append, a missed write): the next cycle
        then looks at every row again."""
        if self.fills or self.appends or self.missed:
            return None
        digest = self.digest
        if self.after or self.new_rows:
            grid = self.lr.grid
            digest = Grid(grid.title, grid.header, [self.after.get(r.number, r) for r in grid.rows]).digest()
        if self.quiet:
            return Mark(self.lr.id, digest, self.context, self.mark.rows, self.mark.errors, self.mark.warnings)
        return Mark(self.lr.id, digest, self.context, self.rows, self.errors, self.warnings)


def _appended_requests(works, profile, unit_names, zone) -> list[tuple[NumberRequest, dict]]:
    """Number requests for the submissions about to be appended that the ledger's own validation passes (their
    identities are already claimed), so they reach the sheet numbered; any other waits for the next cycle."""
    out = []
    for w in works:
        header = w.lr.grid.header
        if not w.appends or w.lr.grid.col(ROW_ID_HEADER) is None or w.lr.grid.col("诉求编号") is None:
            continue
        rows = [list(header)] + [[fields.get(h, "") for h in header] for _, fields in w.appends]
        blocked = blocking_rows(validate_sheet(LEDGER, rows, title=w.lr.title, profile=profile, units=unit_names))
        for rec in read_records(LEDGER, rows, profile, only=RECORD_HEADERS):
            received = rec.values.get("受理时间")
            if rec.row not in blocked and received is not None:
                fields = w.appends[rec.row - 2][1]
                out.append((_number_request(w.lr.id, fields[ROW_ID_HEADER], received, zone), fields))
    return out


def _number_request(ledger_id: str, row_id: str, received: datetime, zone: str) -> NumberRequest:
    """A row's claim to a number; 受理时间 (local wall time) as an aware time of the district's zone."""
    return NumberRequest(ledger_id, row_id, clock.to_utc(received, zone).astimezone(clock.ZoneInfo(zone)))


def _settled(brief, rid: str, w: LedgerWork, row, now) -> bool:
    """Whether a row of a changed ledger can be left as the last cycle left it: the same cells and 校验结果
    as when it last had nothing left to write, its snapshot recorded by a cycle, no recheck due."""
    return (brief.settled is not None and rid in w.recorded and rid not in w.new_rows
            and (brief.recheck_at is None or brief.recheck_at > now)
            and brief.settled == _settled_key(w, row, w.notes.get(row.number, "")))


def _settled_key(w: LedgerWork, row, note: str) -> str:
    """A hash of the ledger's header and one row's cells, and of its 校验结果 (see _settled)."""
    if w.header_bytes is None:
        w.header_bytes = marshal.dumps(tuple(w.lr.grid.header), 2)
    cells = hashlib.blake2b(w.header_bytes + marshal.dumps(row.values, 2), digest_size=12).hexdigest()
    return f"{cells}|{hashlib.blake2b(note.encode(), digest_size=6).hexdigest()}"


def _typed(sheet, header, rows, profile) -> list:
    """read_records for some rows of a sheet, each record on its own sheet row number."""
    records = read_records(sheet, [header] + [list(r.values) for r in rows], profile, only=RECORD_HEADERS)
    return [replace(rec, row=rows[rec.row - 2].number) for rec in records]   # read_records counts from 2


def _written(grid, row, diff: dict):
    """The row's values once `diff` is written (the row itself when there is nothing to write)."""
    if not diff:
        return row
    values = list(row.values)
    for h, v in diff.items():
        if h != ROW_ID_HEADER:
            values[grid.col(h)] = v
    return Row(row.number, tuple(values))


def _changed(prior, record) -> bool:
    """Whether a ticket state differs from the one stored (so it must be saved)."""
    return prior is None or (prior.state, prior.number, prior.unit, prior.status, prior.recheck_at) != \
        (record.state, record.number, record.unit, record.status, record.recheck_at)


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


def _sync_flags(store, wanted: dict, now, quiet: dict[str, set], skipped: set) -> int:
    """Open the flags this cycle found, close the cycle's own flags that no longer apply; returns how many
    of the cycle's flags are open. Rows the cycle did not look at keep their flags: a quiet ledger's rows
    except those in `quiet` ({ledger id: row ids decided again}), and the `skipped` (ledger id, row id)."""
    for key, (kind, message, ticket) in wanted.items():
        store.raise_flag(key, kind, message, now, ticket=ticket)
    kept = 0
    for flag in store.flags(open_only=True):
        if flag.key not in wanted and flag.kind in CYCLE_FLAG_KINDS:
            if _untouched(flag.key, quiet, skipped):
                kept += 1
            else:
                store.resolve_flag(flag.key, now)
    return len(wanted) + kept


def _untouched(key: str, quiet: dict[str, set], skipped: set) -> bool:
    """Whether a row's flag (kind:ledger:row) belongs to a row this cycle did not decide."""
    parts = key.split(":")
    if len(parts) < 3:
        return False
    ledger_id, row_id = ":".join(parts[1:-1]), parts[-1]
    return (ledger_id, row_id) in skipped or (ledger_id in quiet and row_id not in quiet[ledger_id])


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


def _import_sources(cfg, store, now, wanted_flags) -> None:
    """Queue new rows of the configured intake sources; a source that cannot be read is flagged, not fatal."""
    from jobs.intake import import_source
    for source in cfg.intake_sources:
        try:
            import_source(cfg, source, store, now)
        except (LedgerError, OSError, ValueError) as exc:
            wanted_flags[f"intake:{source.name}"] = ("intake_source", f"导入来源“{source.name}”读取失败: {exc}", None)
