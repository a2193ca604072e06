"""Reading several ledgers at once: threads overlap each spreadsheet's network wait (200-500 ms at Google)."""
from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from typing import Callable, Sequence

from connector.base import Ledger, Snapshot

ReadJob = tuple[Ledger, Sequence[str], Sequence[str]]  # (ledger, sheets, optional), as Ledger.read takes them


def read_many(jobs: list[ReadJob], *, workers: int = 4, then: Callable[[int, Snapshot], object] | None = None
              ) -> list:
    """`ledger.read(sheets, optional)` for every job, up to `workers` at a time; snapshots in job order.

    Every read runs to its end; then the first error in job order is raised, as the plain loop would raise
    it (workers=1 is that loop). Ledgers are safe to read from threads: an xlsx ledger reads its file, a
    gsheets ledger only its own metadata cache, and a gspread client shared between ledgers goes through
    a requests session whose connection pool is thread-safe (RetryHTTPClient counts under a lock).

    With `then`, each item is (snapshot, then(job index, snapshot)), computed in the reading thread: work on
    one snapshot overlaps the network wait of the others."""
    jobs = list(jobs)

    def one(i, ledger, sheets, optional):
        snapshot = ledger.read(sheets, optional=optional)
        return snapshot if then is None else (snapshot, then(i, snapshot))
    if workers <= 1 or len(jobs) <= 1:
        return [one(i, *job) for i, job in enumerate(jobs)]
    with ThreadPoolExecutor(max_workers=min(workers, len(jobs)), thread_name_prefix="ledger-read") as pool:
        futures = [pool.submit(one, i, *job) for i, job in enumerate(jobs)]
    for future in futures:  # the pool has joined: every read is done
        error = future.exception()
        if error is not None:
            raise error
    return [future.result() for future in futures]
