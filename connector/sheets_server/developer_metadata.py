"""Developer metadata: created, updated, deleted (batchUpdate requests), searched and fetched by id."""
from __future__ import annotations

import copy
import random

from typing import TYPE_CHECKING

from connector.sheets_server.errors import not_found
from connector.sheets_server.fields import apply_fields
from connector.sheets_server.model import Spreadsheet

if TYPE_CHECKING:
    from connector.sheets_server.batch_update import Context


def _metadata_home(ctx: Context, location: dict) -> list:
    if location.get("spreadsheet"):
        return ctx.ss.developer_metadata
    if "sheetId" in location:
        return ctx.sheet(location["sheetId"]).developer_metadata
    if "dimensionRange" in location:
        return ctx.sheet(location["dimensionRange"].get("sheetId")).developer_metadata
    raise ctx.error("A developer metadata location is required.")


def _all_metadata(ss: Spreadsheet):
    yield ss.developer_metadata
    for sheet in ss.sheets:
        yield sheet.developer_metadata


def create_developer_metadata(ctx: Context, body: dict) -> dict:
    meta = copy.deepcopy(body.get("developerMetadata", {}))
    home = _metadata_home(ctx, meta.get("location", {}))
    taken = {m["metadataId"] for group in _all_metadata(ctx.ss) for m in group}
    if meta.get("metadataId") in taken:
        raise ctx.error(f"Developer metadata with id {meta['metadataId']} already exists.")
    meta.setdefault("metadataId", random.randint(1, 2_147_483_646))
    meta.setdefault("visibility", "DOCUMENT")
    location = meta["location"]
    span = location.get("dimensionRange", {})
    location.setdefault("locationType", "SPREADSHEET" if location.get("spreadsheet") else
                        "SHEET" if "sheetId" in location else
                        "ROW" if span.get("dimension") == "ROWS" else "COLUMN")
    home.append(meta)
    return {"createDeveloperMetadata": {"developerMetadata": copy.deepcopy(meta)}}


def _matches(meta: dict, lookup: dict) -> bool:
    for key in ("metadataId", "metadataKey", "metadataValue", "visibility"):
        if key in lookup and meta.get(key) != lookup[key]:
            return False
    location = meta.get("location", {})
    if "locationType" in lookup and location.get("locationType") != lookup["locationType"]:
        return False
    wanted = lookup.get("metadataLocation", {})
    if "sheetId" in wanted and wanted["sheetId"] not in (location.get("sheetId"),
                                                         location.get("dimensionRange", {}).get("sheetId")):
        return False
    return True


def _filtered(ss: Spreadsheet, filters: list[dict]):
    for group in _all_metadata(ss):
        for meta in list(group):
            if any(_matches(meta, f.get("developerMetadataLookup", {})) for f in filters):
                yield group, meta


def update_developer_metadata(ctx: Context, body: dict) -> dict:
    found = []
    for _, meta in _filtered(ctx.ss, body.get("dataFilters") or []):
        apply_fields(meta, body.get("developerMetadata", {}), body.get("fields") or "*")
        found.append(copy.deepcopy(meta))
    return {"updateDeveloperMetadata": {"developerMetadata": found}}


def delete_developer_metadata(ctx: Context, body: dict) -> dict:
    gone = []
    for group, meta in _filtered(ctx.ss, [body.get("dataFilter", {})]):
        group.remove(meta)
        gone.append(meta)
    return {"deleteDeveloperMetadata": {"deletedDeveloperMetadata": gone}}


def search(ss: Spreadsheet, body: dict) -> dict:
    """developerMetadata:search: every match with the filters it matched (an empty object when none)."""
    matched = []
    for _, meta in _filtered(ss, body.get("dataFilters") or []):
        filters = [f for f in body["dataFilters"] if _matches(meta, f.get("developerMetadataLookup", {}))]
        matched.append({"developerMetadata": copy.deepcopy(meta), "dataFilters": filters})
    return {"matchedDeveloperMetadata": matched} if matched else {}


def get(ss: Spreadsheet, metadata_id: str) -> dict:
    for group in _all_metadata(ss):
        for meta in group:
            if str(meta["metadataId"]) == metadata_id:
                return copy.deepcopy(meta)
    raise not_found()
