"""The district as one cycle reads it: every township ledger, and the district-wide sheets (承办单位, 派单目录,
工作日历, 知识库) merged from whichever ledgers have them."""
from __future__ import annotations

import dataclasses
import hashlib
import json
from dataclasses import dataclass

from connector import ledger_for, read_many
from connector.base import cell_text
from domain import dispatch as dispatching
from domain.calendar import OverrideError, WorkCalendar, parse_override_rows
from jobs.code_version import running_code_digest
from sheets_schema import (CALENDAR_SHEET, DISPATCH_SHEET, KNOWLEDGE_SHEET, LEDGER, SUPERVISION_SHEET,
                           UNITS_SHEET, read_records)
from sheets_schema.parse import normalize
from sheets_schema.tickets import first_unit

OPTIONAL_SHEETS = (UNITS_SHEET.name, DISPATCH_SHEET.name, CALENDAR_SHEET.name, KNOWLEDGE_SHEET.name,
                   SUPERVISION_SHEET.name)


@dataclass
class LedgerRead:
    """One township ledger as read this cycle; `digest` is its 台账 grid's, as read."""
    source: object
    ledger: object
    snapshot: object
    title: str
    digest: str = ""

    @property
    def grid(self):
        return self.snapshot[self.title]

    @property
    def id(self) -> str:
        return self.source.id


# Ledgers kept between the cycles of one long-running process (the worker): their HTTP connections stay
# open and a Google spreadsheet's metadata is fetched once per `metadata_ttl` (docs/connectors.md) instead of
# every cycle, which halves a quiet cycle's requests. Keyed by the whole ledger configuration.
_OPEN: dict[tuple[str, str], object] = {}
_OPEN_MAX = 256


def open_ledgers(cfg) -> list[tuple[object, object]]:
    """(source, Ledger) for every township ledger of the district."""
    out = []
    for source in cfg.ledger.sources():
        key = (repr(cfg.ledger), repr(source))
        ledger = _OPEN.get(key)
        if ledger is None:
            if len(_OPEN) >= _OPEN_MAX:
                _OPEN.clear()
            ledger = _OPEN[key] = ledger_for(cfg.ledger, source)
        out.append((source, ledger))
    return out


# Township ledgers read at once: against Google each read mostly waits on the network.
READ_WORKERS = 4


def read_all(pairs) -> list[LedgerRead]:
    """Every ledger's 台账 and the district-wide sheets it has (`jiesu init` adds sheets a workbook lacks),
    read concurrently; the first ledger that cannot be read, in order, raises."""
    pairs = list(pairs)
    titles = [source.worksheet or LEDGER.name for source, _ in pairs]
    read = read_many([(ledger, [title], OPTIONAL_SHEETS) for (_, ledger), title in zip(pairs, titles)],
                     workers=READ_WORKERS, then=lambda i, snapshot: snapshot[titles[i]].digest())
    return [LedgerRead(source, ledger, snapshot, title, digest)
            for (source, ledger), (snapshot, digest), title in zip(pairs, read, titles)]


def grid_rows(grid) -> list[list]:
    """Header and rows laid out at their sheet row numbers (blank rows kept blank), so that the row numbers
    validation reports are the ones people see."""
    out = [list(grid.header)]
    for r in grid.rows:
        if r.number - len(out) > 1:
            out.extend([] for _ in range(r.number - len(out) - 1))
        out.append(list(r.values))
    return out


def district_sheet(reads, name) -> list[list] | None:
    """A district-wide sheet (承办单位, 派单目录, 工作日历 …) from every ledger that has it, headers of the first."""
    found = [r.snapshot.grids[name] for r in reads if name in r.snapshot.grids]
    if not found:
        return None
    rows = grid_rows(found[0])
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


def knowledge_base(reads) -> tuple[list[dict], str]:
    """The 知识库 entries ({header: text}) and a tag that changes whenever one of them does."""
    rows = district_sheet(reads, KNOWLEDGE_SHEET.name)
    if not rows:
        return [], ""
    entries = [{h: cell_text(v) for h, v in zip(rows[0], r)} for r in rows[1:] if any(cell_text(v) for v in r)]
    return entries, hashlib.blake2b(repr(entries).encode(), digest_size=8).hexdigest()


# A change to the code in jobs.code_version.DECIDING already changes every context digest (the next cycle
# after a deploy looks at every row again). Bump this by hand only for a change elsewhere that makes the
# cycle decide or write differently for the same sheets.
DECISIONS_VERSION = "2026-11-25.1"


def context_digest(profile, calendar_tag: str, rules, units: dict, knowledge_tag: str, zone: str) -> str:
    """A hash of everything district-wide a ledger's decisions depend on besides its own rows: the profile,
    the calendar's overrides, the 派单目录, the 承办单位 directory, the 知识库, the time zone (and the code's
    version: DECISIONS_VERSION and the digest of the deciding code)."""
    return _json_digest([DECISIONS_VERSION, running_code_digest(), profile_digest(profile), calendar_tag,
                         [dataclasses.asdict(r) for r in rules], units, knowledge_tag, zone])


def profile_digest(profile) -> str:
    """A hash of a profile's every rule: a district's limits edited in place change it too."""
    return _json_digest(dataclasses.asdict(profile))


def _json_digest(value) -> str:
    text = json.dumps(value, ensure_ascii=False, sort_keys=True, default=_plain)
    return hashlib.blake2b(text.encode(), digest_size=16).hexdigest()


def _plain(value):
    """JSON for what json does not know, the same in every process (sets sorted, not in hash order)."""
    if isinstance(value, (set, frozenset)):
        return sorted(value, key=repr)
    return repr(value)


def ledger_context(context: str, lr: LedgerRead) -> str:
    """The district context plus what one ledger's decisions take from its configuration (its township's
    name, the worksheet read as its 台账)."""
    return hashlib.blake2b(repr((context, lr.source.name, lr.title)).encode(), digest_size=16).hexdigest()
