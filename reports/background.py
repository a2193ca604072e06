"""A function run in a forked child process while the caller goes on: the bulletin's charts on the second core."""
from __future__ import annotations

import multiprocessing
import os
import threading
from typing import Any, Callable


def can_fork() -> bool:
    """Only a single-threaded process forks: the child gets a copy of the calling thread alone, so a lock
    another thread held at that moment (logging's, the store's pool, jieba's) would stay held in it for
    ever. The scheduler and the web server have threads; `jiesu report` has not."""
    return hasattr(os, "fork") and "fork" in multiprocessing.get_all_start_methods() \
        and threading.active_count() == 1


class Background:
    """fn(*args) computed in a forked child from the moment this is made; result() waits for it. Where
    forking is unsafe (can_fork) or the child fails, result() computes it here instead, so the caller
    always gets the value (or fn's own exception). fn's result must be picklable; fn must not write
    anything the parent relies on (the child's memory is its own)."""

    def __init__(self, fn: Callable[..., Any], *args: Any, fork: bool | None = None):
        self._fn, self._args = fn, args
        self._proc = self._conn = None
        self._value: tuple | None = None  # (value,) once known
        if fork if fork is not None else can_fork():
            ctx = multiprocessing.get_context("fork")
            self._conn, child_end = ctx.Pipe(duplex=False)
            # The child leaves through os._exit (multiprocessing's way): no atexit hooks, no final collection.
            self._proc = ctx.Process(target=_child, args=(child_end, fn, args), daemon=True)
            self._proc.start()
            child_end.close()

    @property
    def forked(self) -> bool:
        return self._proc is not None

    def result(self) -> Any:
        if self._value is None:
            ok = False
            if self._proc is not None:
                try:
                    ok, value = self._conn.recv()
                except (EOFError, OSError):  # the child died without a word (killed, out of memory)
                    pass
                finally:
                    self._conn.close()
                    self._proc.join()
            self._value = (value if ok else self._fn(*self._args),)
        return self._value[0]


def _child(conn, fn, args) -> None:
    try:
        try:
            value = (True, fn(*args))
        except BaseException as e:  # noqa: BLE001 — the parent computes it again and raises it there
            value = (False, repr(e))
        conn.send(value)
    finally:
        conn.close()
