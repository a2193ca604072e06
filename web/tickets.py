"""Tickets as the pages show them: the cycle's state plus the row's last seen cells, who may see them,
their light, how urgent they are, and the dashboard's filters."""
from __future__ import annotations

import gc
import threading
import weakref
from bisect import bisect_left, insort
from collections import Counter
from dataclasses import dataclass, field
from operator import attrgetter

from web.auth import Viewer

LIGHTS = ("红灯", "黄灯")
FLAG_LABELS = {"calendar_missing": "缺节假日安排", "calendar_override": "工作日历更正", "dispatch_conflict": "派单冲突",
               "self_complaint": "投诉对象为承办单位", "returned": "已回退待派单", "extension_pending": "延期待审批",
               "unsatisfied_after_redo": "二次办理仍不满意", "deadline_input": "时限无法计算",
               "exclusion": "疑似不予受理", "duplicate": "疑似重复", "kept_copy": "工作簿内容已另存"}
# Screening warnings the cycle writes into 校验结果; the dashboard raises them as flags too.
_SCREENING = (("疑似不予受理", "exclusion"), ("疑似重复", "duplicate"))


class cached_property:
    """functools.cached_property without the lock Python 3.11's takes on each first access (a fifth of loading
    100,000 tickets); two threads computing the same value at once is harmless."""

    def __init__(self, fn):
        self.fn, self.name, self.__doc__ = fn, fn.__name__, fn.__doc__

    def __get__(self, obj, owner=None):
        if obj is None:
            return self
        value = obj.__dict__[self.name] = self.fn(obj)
        return value


@dataclass(frozen=True)
class Ticket:
    """One ledger row: its state (see docs/architecture.md) and cells ({header: text})."""
    ledger_id: str
    row_id: str
    number: str | None
    unit: str | None
    status: str
    state: dict
    cells: dict = field(default_factory=dict)

    @cached_property
    def township(self) -> str:
        return self.state.get("township") or self.cells.get("所属镇街") or self.ledger_id

    @cached_property
    def category(self) -> str:
        return self.state.get("category") or self.cells.get("诉求类别") or ""

    @cached_property
    def received(self) -> str:
        return self.state.get("received") or self.cells.get("受理时间") or ""

    @cached_property
    def month(self) -> str:
        return self.received[:7]

    @cached_property
    def co_units(self) -> tuple[str, ...]:
        return tuple(self.state.get("co_units") or ())

    @cached_property
    def light(self) -> str:
        """红灯 / 黄灯 / "" — from the scan (state or the 督办状态 cell) or the status itself."""
        for value in (self.state.get("light"), self.status, self.cells.get("督办状态")):
            if value in LIGHTS:
                return value
        return ""

    @cached_property
    def flags(self) -> list[dict]:
        """The cycle's coordinator flags, plus 疑似不予受理 / 疑似重复 from the row's 校验结果."""
        out = list(self.state.get("flags") or ())
        summary = self.cells.get("校验结果", "")
        out += [{"kind": kind, "message": summary} for word, kind in _SCREENING if word in summary]
        return out

    @cached_property
    def urgency(self) -> int:
        """0 red, 1 yellow, 2 overdue, 3 due soon, 4 a coordinator flag, 9 nothing to look at."""
        if self.light == "红灯":
            return 0
        if self.light == "黄灯":
            return 1
        if self.status == "已超期" or self.state.get("overdue"):
            return 2
        if self.status == "即将到期" or self.state.get("due_soon"):
            return 3
        if self.flags or self.state.get("errors"):
            return 4
        return 9

    @cached_property
    def flagged(self) -> bool:
        return self.urgency < 9

    @cached_property
    def order(self) -> tuple:
        """The dashboard's order: most urgent first, then the oldest, then by number (ties by row)."""
        return (self.urgency, self.received, self.number or "", self.ledger_id, self.row_id)


def visible(user: Viewer, t: Ticket) -> bool:
    """A coordinator sees every ticket, a township clerk its township's, a unit those it leads or helps."""
    if user.role == "coordinator":
        return True
    if user.role == "township":
        return bool(user.township) and user.township in (t.township, t.ledger_id)
    if user.role == "unit":
        return bool(user.unit) and (user.unit == t.unit or user.unit in t.co_units)
    return False


def _ticket(rec, cells: dict) -> Ticket:
    return Ticket(rec.ledger_id, rec.row_id, rec.number, rec.unit or rec.state.get("unit"), rec.status, rec.state,
                  cells)


def load_uncached(store, user: Viewer) -> list[Ticket]:
    """Every ticket the user may see, read and decoded afresh (the cache's reference and the bench's baseline)."""
    states = store.ticket_states()
    cells_by_ledger: dict[str, dict] = {}
    out = []
    for (ledger_id, row_id), rec in states.items():
        if ledger_id not in cells_by_ledger:
            cells_by_ledger[ledger_id] = store.snapshots(ledger_id)
        t = _ticket(rec, cells_by_ledger[ledger_id].get(row_id, {}))
        if visible(user, t):
            out.append(t)
    return out


class Sorted(list):
    """Tickets already in the dashboard's order (urgency, received, number): filtering keeps it, no sort."""


_BY_ORDER = attrgetter("order")


def _merged(ordered: Sorted, gone: list[Ticket], came: list[Ticket]) -> Sorted:
    """A copy of `ordered` without `gone` and with `came`, each found by bisection (orders are unique: they end
    with the row), so a cycle's 1% costs a few list moves, not a sort of 100,000."""
    out = Sorted(ordered)
    for t in gone:
        i = bisect_left(out, t.order, key=_BY_ORDER)
        if i < len(out) and out[i] is t:
            del out[i]
        else:   # never expected; correctness over speed
            out = Sorted(x for x in out if x is not t)
    for t in came:
        insort(out, t, key=_BY_ORDER)
    return out


class _Tally:
    """counts() and choices() of a set of tickets, kept up to date one ticket at a time."""

    def __init__(self):
        self.status, self.light, self.flagged, self.total = Counter(), Counter(), 0, 0
        self.township, self.unit, self.category, self.month = Counter(), Counter(), Counter(), Counter()

    def add(self, t: Ticket, sign: int = 1) -> None:
        self.total += sign
        self.flagged += sign * t.flagged
        self.status[t.status] += sign
        self.light[t.light or "无"] += sign
        self.township[t.township] += sign
        for u in {u for u in (t.unit, *t.co_units) if u}:
            self.unit[u] += sign
        if t.category:
            self.category[t.category] += sign
        if t.month:
            self.month[t.month] += sign

    def counts(self) -> dict:
        return {"status": Counter({k: n for k, n in self.status.items() if n > 0}),
                "light": Counter({k: n for k, n in self.light.items() if n > 0}),
                "flagged": self.flagged, "total": self.total}

    def choices(self) -> dict:
        def present(c):
            return [k for k, n in c.items() if n > 0]
        return {"township": sorted(present(self.township)), "unit": sorted(present(self.unit)),
                "category": sorted(present(self.category)), "light": ["红灯", "黄灯", "无"],
                "month": sorted(present(self.month), reverse=True),
                "status": sorted(k for k in present(self.status) if k)}


@dataclass(frozen=True)
class View:
    """What one scope (a role with its unit or township) sees: its tickets in order, their counts and choices."""
    tickets: Sorted
    counts: dict
    choices: dict


class _Scope:
    """One scope's tickets and tally, updated from the tickets a refresh replaced rather than rebuilt."""

    def __init__(self, user: Viewer, ordered: Sorted):
        self.user = user
        self.tickets = ordered if user.role == "coordinator" else Sorted(t for t in ordered if visible(user, t))
        self.tally = _Tally()
        for t in self.tickets:
            self.tally.add(t)
        self.view = View(self.tickets, self.tally.counts(), self.tally.choices())

    def update(self, old: list[Ticket], new: list[Ticket], ordered: Sorted) -> None:
        gone = [t for t in old if visible(self.user, t)]
        came = [t for t in new if visible(self.user, t)]
        for t in gone:
            self.tally.add(t, -1)
        for t in came:
            self.tally.add(t)
        if self.user.role == "coordinator":
            self.tickets = ordered
        elif gone or came:
            self.tickets = _merged(self.tickets, gone, came)
        self.view = View(self.tickets, self.tally.counts(), self.tally.choices())


# What the lists (dashboard rows, /api/tickets items, counts, filters, urgency) read of a ticket; the cache keeps
# only these so 100,000 tickets fit in a web worker. The ticket page reads its one row whole (`get`).
LIST_STATE_KEYS = ("township", "category", "received", "co_units", "light", "flags", "errors", "stage", "round",
                   "dues", "overdue", "due_soon", "unit")
LIST_CELLS = ("所属镇街", "诉求类别", "受理时间", "督办状态", "校验结果", "诉求企业")


class _Cache:
    """One process's decoded tickets of one store, brought up to date on every request from what the store's
    change counter says was written since (one primary-key read when nothing was). Other processes' writes
    count too: the counter lives in the database."""

    def __init__(self):
        self.lock = threading.Lock()
        self._reset()

    def _reset(self) -> None:
        self.version: int | None = None
        self.states: dict = {}      # {(ledger_id, row_id): TicketStateRecord}
        self.cells: dict = {}       # {(ledger_id, row_id): {column: text}}
        self.tickets: dict = {}     # {(ledger_id, row_id): Ticket}
        self.ordered: Sorted = Sorted()
        self.scopes: dict = {}      # {(role, unit, township): _Scope}

    def refresh(self, store) -> None:
        with self.lock:
            # Loading builds millions of objects and frees none: the cyclic collector would re-scan the growing
            # heap again and again (half the time of a first load), so it waits until the cache is built.
            collecting = gc.isenabled()
            gc.disable()
            try:
                self._refresh(store)
            except BaseException:
                self._reset()       # half-applied changes must not linger: the next request starts afresh
                raise
            finally:
                if collecting:
                    gc.enable()

    def _refresh(self, store) -> None:
        ch = store.ticket_changes(self.version, state_keys=LIST_STATE_KEYS, cell_keys=LIST_CELLS)
        if not ch.changed:
            return
        touched = set(ch.states) | set(ch.cells)
        self.states.update(ch.states)
        self.cells.update(ch.cells)
        old, new = [], []
        if len(self.states) != ch.state_count or len(self.cells) != ch.snapshot_count:
            # Rows were deleted (a row gone from the ledger): drop what the store no longer has.
            state_keys, cell_keys = store.ticket_keys()
            for key in set(self.states) - state_keys:
                del self.states[key]
                if key in self.tickets:
                    old.append(self.tickets.pop(key))
            for key in set(self.cells) - cell_keys:
                del self.cells[key]
                touched.add(key)
        for key in touched:
            rec = self.states.get(key)
            if rec is not None:
                if key in self.tickets:
                    old.append(self.tickets[key])
                t = self.tickets[key] = _ticket(rec, self.cells.get(key, {}))
                new.append(t)
        if len(old) + len(new) > len(self.tickets) // 4:
            self.ordered = Sorted(sorted(self.tickets.values(), key=_BY_ORDER))
            self.scopes = {}
        else:
            self.ordered = _merged(self.ordered, old, new)
            for scope in self.scopes.values():
                scope.update(old, new, self.ordered)
        self.version = ch.version

    def view(self, user: Viewer) -> View:
        key = (user.role, user.unit, user.township)
        with self.lock:
            scope = self.scopes.get(key)
            if scope is None:
                scope = self.scopes[key] = _Scope(user, self.ordered)
            return scope.view


_CACHES: "weakref.WeakKeyDictionary" = weakref.WeakKeyDictionary()
_CACHES_LOCK = threading.Lock()


def _cache_of(store) -> _Cache:
    with _CACHES_LOCK:
        cache = _CACHES.get(store)
        if cache is None:
            cache = _CACHES[store] = _Cache()
    return cache


def view(store, user: Viewer) -> View:
    """The user's tickets, counts and filter choices, as of the store's last committed write."""
    cache = _cache_of(store)
    cache.refresh(store)
    return cache.view(user)


def warm(store) -> None:
    """Load the cache now (e.g. in a thread when the web process starts), so no user waits for the first load."""
    _cache_of(store).refresh(store)


def load(store, user: Viewer) -> list[Ticket]:
    """Every ticket the user may see, in the dashboard's order (shared: do not modify), with what the lists
    show of its state and cells (LIST_STATE_KEYS, LIST_CELLS); `get` reads one ticket whole."""
    return view(store, user).tickets


def get(store, user: Viewer, ledger_id: str, row_id: str) -> Ticket | None:
    """One ticket, or None when it does not exist or the user may not see it (the same answer)."""
    rec = store.ticket_state_of(ledger_id, row_id)
    if rec is None:
        return None
    t = _ticket(rec, store.snapshot_of(ledger_id, row_id))
    return t if visible(user, t) else None


FILTERS = ("township", "unit", "category", "light", "month", "status")


def apply_filters(tickets: list[Ticket], args) -> list[Ticket]:
    """Keep tickets matching every filter given (empty means any); flagged first, then by urgency and age."""
    want = {k: (args.get(k) or "").strip() for k in FILTERS}
    if isinstance(tickets, Sorted) and not any(want.values()):
        return list(tickets)
    out = []
    for t in tickets:
        if want["township"] and t.township != want["township"]:
            continue
        if want["unit"] and want["unit"] != t.unit and want["unit"] not in t.co_units:
            continue
        if want["category"] and t.category != want["category"]:
            continue
        if want["light"] and (t.light or "无") != want["light"]:
            continue
        if want["month"] and t.month != want["month"]:
            continue
        if want["status"] and t.status != want["status"]:
            continue
        out.append(t)
    if not isinstance(tickets, Sorted):
        out.sort(key=_BY_ORDER)
    return out


def counts(tickets: list[Ticket]) -> dict:
    """{"status": Counter, "light": Counter, "flagged": n, "total": n}."""
    return {"status": Counter(t.status for t in tickets),
            "light": Counter(t.light or "无" for t in tickets),
            "flagged": sum(t.flagged for t in tickets), "total": len(tickets)}


def choices(tickets: list[Ticket]) -> dict:
    """The values each filter can take among the tickets the user sees."""
    return {"township": sorted({t.township for t in tickets}),
            "unit": sorted({u for t in tickets for u in (t.unit, *t.co_units) if u}),
            "category": sorted({t.category for t in tickets if t.category}),
            "light": ["红灯", "黄灯", "无"],
            "month": sorted({t.month for t in tickets if t.month}, reverse=True),
            "status": sorted({t.status for t in tickets if t.status})}


def as_json(t: Ticket, *, full: bool = False) -> dict:
    """The API's view of a ticket."""
    out = {"ledger": t.ledger_id, "row_id": t.row_id, "number": t.number, "township": t.township,
           "category": t.category, "unit": t.unit, "co_units": list(t.co_units), "received": t.received,
           "status": t.status, "stage": t.state.get("stage"), "light": t.light or None, "round": t.state.get("round"),
           "dues": t.state.get("dues") or {}, "overdue": t.state.get("overdue") or [],
           "due_soon": t.state.get("due_soon") or [], "flags": t.flags}
    if full:
        out["explain"] = t.state.get("explain") or {}
        out["cells"] = t.cells
    return out
