"""The local Sheets server in a child process, so its CPU is not the caller's (as Google's machines are not)."""
from __future__ import annotations

import collections
import multiprocessing
import time
from typing import Callable


class RemoteError(RuntimeError):
    """A control call failed inside the server process; the message is the child's."""


def _serve(conn, setup, args, latency: float) -> None:
    """The child: build the model, serve it on a free port, then answer control calls until told to stop."""
    from connector.sheets_server.server import RunningServer
    server = RunningServer(latency=latency)
    try:
        built = setup(server.model, *args) if setup else None
    except Exception as exc:  # tell the parent why instead of leaving it waiting
        conn.send(("error", f"{type(exc).__name__}: {exc}"))
        return
    server.start()
    conn.send(("ok", (server.url, built)))
    ops = {
        "counts": lambda: dict(server.counts),
        "reset_counts": server.reset_counts,
        "type": lambda key, sheet, cell, text: server.person(key).type(sheet, cell, text),
        "values": lambda key, sheet: server.person(key).values(sheet),
        "set_latency": lambda seconds: setattr(server, "latency", seconds),
        "peak_in_flight": lambda: server.peak_in_flight,
        "cpu": time.process_time,
    }
    try:
        while True:
            try:
                op, op_args = conn.recv()
            except EOFError:  # the parent went away
                break
            if op == "stop":
                conn.send(("ok", None))
                break
            try:
                conn.send(("ok", ops[op](*op_args)))
            except Exception as exc:
                conn.send(("error", f"{type(exc).__name__}: {exc}"))
    finally:
        server.stop()


class RemotePerson:
    """Someone editing one spreadsheet of a ServerProcess (the calls of server.Person that benches use)."""

    def __init__(self, process: "ServerProcess", spreadsheet_id: str):
        self.process, self.spreadsheet_id = process, spreadsheet_id

    def type(self, sheet: str | None, cell: str, text) -> None:
        self.process.call("type", self.spreadsheet_id, sheet, cell, text)

    def values(self, sheet: str | None = None) -> list[list[str]]:
        return self.process.call("values", self.spreadsheet_id, sheet)


class ServerProcess:
    """A RunningServer in a child process: `url`, `built` (what `setup(model, *args)` returned there),
    `counts`, `total()`, `reset_counts()`, `person(id)`, `client()`, `latency`, `peak_in_flight`, `cpu()`.

    `setup` must be a module-level function (the child is spawned, not forked, so it starts clean)."""

    def __init__(self, setup: Callable[..., object] | None = None, args: tuple = (), *, latency: float = 0.0,
                 start_timeout: float = 600.0):
        self._latency, self._ready = latency, False
        ctx = multiprocessing.get_context("spawn")
        self._conn, child = ctx.Pipe()
        self._proc = ctx.Process(target=_serve, args=(child, setup, args, latency), name="sheets-server",
                                 daemon=True)
        self._proc.start()
        child.close()
        if not self._conn.poll(start_timeout):
            self.stop()
            raise RemoteError(f"the Sheets server process did not start within {start_timeout:.0f} s")
        try:
            self.url, self.built = self._answer()
        except RemoteError:
            self.stop()
            raise
        self._ready = True

    def _answer(self):
        try:
            status, value = self._conn.recv()
        except EOFError:
            raise RemoteError(f"the Sheets server process ended (exit code {self._proc.exitcode})") from None
        if status == "error":
            raise RemoteError(value)
        return value

    def call(self, op: str, *args):
        self._conn.send((op, args))
        return self._answer()

    @property
    def counts(self) -> collections.Counter:
        return collections.Counter(self.call("counts"))

    def total(self, exclude_drive: bool = False) -> int:
        """Requests seen since the last reset (optionally Sheets API calls only)."""
        return sum(n for kind, n in self.counts.items() if not (exclude_drive and kind.startswith("drive.")))

    def reset_counts(self) -> None:
        self.call("reset_counts")

    def person(self, spreadsheet_id: str) -> RemotePerson:
        return RemotePerson(self, spreadsheet_id)

    @property
    def latency(self) -> float:
        return self._latency

    @latency.setter
    def latency(self, seconds: float) -> None:
        self.call("set_latency", seconds)
        self._latency = seconds

    @property
    def peak_in_flight(self) -> int:
        return self.call("peak_in_flight")

    def cpu(self) -> float:
        """CPU seconds the server process has used so far."""
        return self.call("cpu")

    def client(self, timeout: float | None = 30):
        """A real gspread.Client talking to this server."""
        from connector.sheets_server.client import local_client
        return local_client(self.url, timeout=timeout)

    def stop(self) -> None:
        if self._proc.is_alive() and self._ready:
            try:
                self._conn.send(("stop", ()))
                if self._conn.poll(10):
                    self._conn.recv()
            except (OSError, EOFError):
                pass
            self._proc.join(10)
        if self._proc.is_alive():  # stuck (or never ready): it holds nothing worth a clean goodbye
            self._proc.terminate()
            self._proc.join(5)
        self._conn.close()

    def __enter__(self) -> "ServerProcess":
        return self

    def __exit__(self, *exc) -> None:
        self.stop()


__all__ = ["RemoteError", "RemotePerson", "ServerProcess"]
