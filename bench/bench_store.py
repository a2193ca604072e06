"""State store at district scale: numbering and row snapshots for 100,000 rows in 20 township ledgers."""
import tempfile
import time
from datetime import datetime, timedelta, timezone
from pathlib import Path

from sqlalchemy import select, update

LEDGERS, PER_LEDGER, COLUMNS, SAMPLE = 20, 5000, 30, 2000
NOW = datetime(2026, 3, 5, 1, tzinfo=timezone.utc)


def _rows(ledger: int, edit: int = -1):
    base = datetime(2026, 1, 5, 8)
    return {f"L{ledger}-r{i}": {**{f"列{c}": f"值{ledger}-{i}-{c}" for c in range(COLUMNS)},
                                "受理时间": base + timedelta(minutes=i), "备注": "改" if i == edit else None}
            for i in range(PER_LEDGER)}


def _timed(fn):
    t = time.perf_counter()
    out = fn()
    return time.perf_counter() - t, out


def _naive_numbering(store, n):
    # Baseline: one transaction per row (look up, bump, insert), as a straightforward loop would do.
    from store.models import Counter, TicketNumber
    c, t = Counter.__table__, TicketNumber.__table__
    for i in range(n):
        with store.engine.begin() as conn:
            if conn.execute(select(t.c.id).where(t.c.ledger_id == "naive", t.c.row_id == f"n{i}")).first():
                continue
            last = conn.execute(select(c.c.last).where(c.c.series == "ticket:naive", c.c.year == 2026)).scalar()
            if last is None:
                conn.execute(c.insert().values(series="ticket:naive", year=2026, last=0))
                last = 0
            conn.execute(update(c).where(c.c.series == "ticket:naive", c.c.year == 2026).values(last=last + 1))
            conn.execute(t.insert().values(profile="naive", year=2026, seq=last + 1, number=f"N{last + 1}",
                                           ledger_id="naive", row_id=f"n{i}", assigned_at=NOW))


def _naive_snapshots(store, rows):
    # Baseline: one SELECT per row to compare with its snapshot.
    import json
    from store.models import RowSnapshot
    t = RowSnapshot.__table__
    with store.engine.connect() as conn:
        for row_id in rows:
            json.loads(conn.execute(select(t.c.cells).where(t.c.ledger_id == "L0", t.c.row_id == row_id)).scalar())


def run():
    from store import Store

    with tempfile.TemporaryDirectory() as d:
        store = Store(f"sqlite:///{Path(d) / 'bench.db'}")
        total = LEDGERS * PER_LEDGER
        reqs = [(f"L{l}", f"L{l}-r{i}", datetime(2026, 1, 5, 8) + timedelta(minutes=i))
                for l in range(LEDGERS) for i in range(PER_LEDGER)]
        first, _ = _timed(lambda: store.assign_numbers("bench", reqs, NOW, number_format="〔{year}〕第{seq:05d}号"))
        again, _ = _timed(lambda: store.assign_numbers("bench", reqs, NOW, number_format="〔{year}〕第{seq:05d}号"))
        naive, _ = _timed(lambda: _naive_numbering(store, SAMPLE))
        print(f"numbering, {total} new rows in {LEDGERS} ledgers: {first:.2f} s "
              f"(naive per-row transactions: {naive / SAMPLE * total:.1f} s extrapolated from {SAMPLE} rows, "
              f"{naive / SAMPLE * total / first:.0f}x slower)")
        print(f"numbering rerun, all {total} already numbered: {again:.2f} s")

        rows = [_rows(l) for l in range(LEDGERS)]
        t_new, _ = _timed(lambda: [store.record_rows(f"L{l}", rows[l], NOW) for l in range(LEDGERS)])
        t_same, ev = _timed(lambda: sum(len(store.record_rows(f"L{l}", rows[l], NOW)) for l in range(LEDGERS)))
        edited = [_rows(l, edit=l) for l in range(LEDGERS)]
        t_edit, ev2 = _timed(lambda: sum(len(store.record_rows(f"L{l}", edited[l], NOW)) for l in range(LEDGERS)))
        sample = list(rows[0])[:SAMPLE]
        t_naive, _ = _timed(lambda: _naive_snapshots(store, sample))
        print(f"snapshots, first sight of {total} rows x {COLUMNS + 2} columns: {t_new:.2f} s")
        print(f"snapshots, unchanged rerun: {t_same:.2f} s, {ev} events "
              f"(naive per-row lookups: {t_naive / SAMPLE * total:.1f} s extrapolated from {SAMPLE} rows)")
        print(f"snapshots, one edit per ledger: {t_edit:.2f} s, {ev2} events")

        msg = {"to": ["u@example.gov.cn"], "subject": "督办单", "text": "t",
               "attachments": [{"filename": "a.pdf", "content_type": "application/pdf", "data": b"x" * 30000}]}
        t_enq, _ = _timed(lambda: [store.outbox_enqueue(f"k{i}", msg, now=NOW) for i in range(1000)])
        t_claim, got = _timed(lambda: store.outbox_claim(NOW, 1000))
        print(f"outbox: enqueue 1000 messages with a 30 kB PDF {t_enq:.2f} s, claim them {t_claim:.2f} s ({len(got)})")
        store.close()
