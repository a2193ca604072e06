"""A digest of the code that decides what a cycle writes, so a deploy that changes it re-looks every ledger."""
from __future__ import annotations

import hashlib
from functools import lru_cache
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
# The packages whose code turns sheets into decisions: parsing and validation, the domain rules, the
# connectors' reading of cells, and the cycle itself. Templates, the web and the store do not decide.
DECIDING = ("domain", "sheets_schema", "connector", "jobs", "profiles")


def code_digest(root: Path = ROOT, packages: tuple[str, ...] = DECIDING) -> str:
    """blake2b of every .py and .toml file under the packages (relative path and bytes, in path order);
    caches and compiled files are not code. A package that is missing counts as empty."""
    h = hashlib.blake2b(digest_size=16)
    for package in packages:
        base = root / package
        files = sorted(p for p in base.rglob("*") if p.suffix in (".py", ".toml") and "__pycache__" not in p.parts)
        for path in files:
            rel = path.relative_to(root).as_posix().encode()
            data = path.read_bytes()
            h.update(len(rel).to_bytes(4, "big") + rel + len(data).to_bytes(8, "big") + data)
    return h.hexdigest()


@lru_cache(maxsize=1)
def running_code_digest() -> str:
    """code_digest() of the code this process runs, read once: the files may change on disk under a running
    service, but its code does not until it restarts."""
    return code_digest()
