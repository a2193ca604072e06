"""Where the service's clock meets the domain's: aware UTC in the store, naive local wall time in the domain."""
from __future__ import annotations

from datetime import datetime, timezone
from zoneinfo import ZoneInfo

CELL_FORMAT = "%Y-%m-%d %H:%M"   # how the service writes a time into a sheet cell


def parse_now(text: str | None, zone: str) -> datetime:
    """`--now` (ISO, local wall time unless it names an offset) or the real clock, as aware UTC."""
    if not text:
        return datetime.now(timezone.utc)
    dt = datetime.fromisoformat(text)
    if dt.tzinfo is None:
        dt = dt.replace(tzinfo=ZoneInfo(zone))
    return dt.astimezone(timezone.utc)


def to_local(dt: datetime, zone: str) -> datetime:
    """Aware instant -> naive local wall time (what the domain computes with)."""
    return dt.astimezone(ZoneInfo(zone)).replace(tzinfo=None)


def to_utc(local: datetime, zone: str) -> datetime:
    """Naive local wall time -> aware UTC (what the store keeps)."""
    return local.replace(tzinfo=ZoneInfo(zone)).astimezone(timezone.utc)


def iso(local: datetime | None) -> str | None:
    return None if local is None else local.isoformat(timespec="seconds")


def from_iso(text: str | None) -> datetime | None:
    return None if not text else datetime.fromisoformat(text)


def cell(local: datetime) -> str:
    return local.strftime(CELL_FORMAT)
