"""Escalation over 100,000 open ticket states (domain.escalation.plan + display) beside a naive per-row loop."""
import time
from datetime import datetime, timedelta

N, NAIVE_N, UNITS, OVERDUE_EVERY = 100_000, 2_000, 200, 20
NOW = datetime(2026, 3, 20, 12, 1)


def _states():
    """TicketStateRecord-shaped values: 1 in 20 overdue on resolve, 1 in 10 due soon, 5 % already lit."""
    from store.tickets import TicketStateRecord
    base = datetime(2026, 3, 2, 9)
    out = {}
    for i in range(N):
        due = (base + timedelta(days=(i % 30))).replace(hour=23, minute=59, second=59)
        overdue = ["resolve"] if i % OVERDUE_EVERY == 0 else []
        soon = ["resolve"] if not overdue and i % 10 == 1 else []
        state = {"number": f"〔2026〕第{i:06d}号", "unit": f"单位{i % UNITS}", "round": 1, "stage": "办理中",
                 "status": "已超期" if overdue else "即将到期" if soon else "正常",
                 "received": base.isoformat(), "dues": {"resolve": due.isoformat()}, "overdue": overdue,
                 "due_soon": soon, "flags": []}
        out[("台账", f"r{i}")] = TicketStateRecord("台账", f"r{i}", state["number"], state["unit"], state["status"],
                                                 state)
    return out


def _history(states):
    from domain.escalation import History, PastLight
    lit = [s for s in states.values() if s.state["overdue"]][::2]
    return History(lights=tuple(PastLight(s.number, s.unit, "yellow", "resolve", 1, NOW - timedelta(days=1))
                                for s in lit))


def _fast(profile, calendar, states, history_of):
    from domain.escalation import display, plan, split_states
    history = history_of(states)
    views, quiet = split_states(states.values(), frozenset(l.ticket for l in history.lights))
    out = plan(profile, calendar, views, history, NOW)
    by_ticket = {}
    for l in history.lights:
        by_ticket.setdefault(l.ticket, []).append(l)
    cells = {v.key: display(profile, v, by_ticket.get(v.number, ()), ()) for v in views}
    cells.update((k, (status, "")) for k, status in quiet.items())
    return out, cells


def _naive(profile, calendar, states, history):
    """Baseline: per row, look through the whole light history and recompute each due from the profile."""
    from domain.deadlines import due_after
    from domain.escalation import display, view_from_state
    lights = 0
    for (l, r), s in states.items():
        v = view_from_state(l, r, s.number, s.unit, s.status, s.state)
        mine = [x for x in history.lights if x.ticket == v.number]
        for m in v.overdue:
            if not any(x.milestone == m for x in mine):
                lights += 1
            elif due_after(calendar, profile.supervision.red_after, mine[0].at).at < NOW:
                lights += 1
        display(profile, v, mine, ())
    return lights


def run():
    import profiles
    from domain.calendar import WorkCalendar
    import domain.escalation  # noqa: F401  (imported before timing: pandas comes with the deadline engine)
    profile, calendar = profiles.load("yicheng"), WorkCalendar.official()
    calendar.is_working_day(NOW.date())
    states = _states()
    fast = float("inf")
    for _ in range(3):   # best of three: the machine is shared
        t = time.perf_counter()
        out, cells = _fast(profile, calendar, states, _history)
        fast = min(fast, time.perf_counter() - t)
    print(f"scan of {N:,} open tickets ({N // OVERDUE_EVERY:,} overdue, half of them lit before): "
          f"{fast:.2f} s -> {len(out.lights):,} lights, {len(out.notices):,} notices, {len(cells):,} display rows")
    sample = dict(list(states.items())[:NAIVE_N])
    history = _history(states)
    t = time.perf_counter()
    _naive(profile, calendar, sample, history)
    naive = (time.perf_counter() - t) / NAIVE_N * N
    print(f"naive per-row loop (measured on {NAIVE_N:,} rows, scaled to {N:,}): {naive:.1f} s "
          f"({naive / fast:.0f}x slower)")


if __name__ == "__main__":
    run()
