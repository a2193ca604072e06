"""Replays Google traffic recorded by gspread's own tests against the local server and compares the answers."""
import json
from pathlib import Path

import pytest
import requests

from connector.sheets_server import serve_in_thread

REPO = Path(__file__).resolve().parents[1]
# CI puts shared/ beside the clone; a worktree sits one level deeper, so look one more level up too.
CANDIDATES = [REPO.parent / "shared" / "gspread-cassettes", REPO.parent.parent / "shared" / "gspread-cassettes"]
CASSETTES = next((p for p in CANDIDATES if p.is_dir()), None)
# Values that differ per run by nature; only their type is compared.
VOLATILE = {"id", "spreadsheetId", "sheetId", "createdTime", "modifiedTime", "spreadsheetUrl"}
HOSTS = ("https://sheets.googleapis.com", "https://www.googleapis.com")


def _cassette_files():
    if CASSETTES is None:
        return [pytest.param(None, marks=pytest.mark.skip(
            reason=f"recorded gspread traffic not found (looked in {', '.join(map(str, CANDIDATES))})"))]
    return sorted(CASSETTES.glob("*.json"), key=lambda p: p.name)


def _same_type(a, b) -> bool:
    numbers = (int, float)
    if isinstance(a, bool) or isinstance(b, bool):
        return type(a) is type(b)
    return type(a) is type(b) or (isinstance(a, numbers) and isinstance(b, numbers))


def compare(recorded, ours, path="$"):
    """Differences between two JSON documents: keys, types, list lengths and all non-volatile values."""
    problems = []
    if not _same_type(recorded, ours):
        return [f"{path}: recorded {type(recorded).__name__}, local {type(ours).__name__}"]
    if isinstance(recorded, dict):
        if set(recorded) != set(ours):
            problems.append(f"{path}: keys missing {sorted(set(recorded) - set(ours))}, "
                            f"extra {sorted(set(ours) - set(recorded))}")
        for key in set(recorded) & set(ours):
            if key in VOLATILE:
                if not _same_type(recorded[key], ours[key]):
                    problems.append(f"{path}.{key}: type differs")
                continue
            problems += compare(recorded[key], ours[key], f"{path}.{key}")
    elif isinstance(recorded, list):
        if len(recorded) != len(ours):
            problems.append(f"{path}: recorded {len(recorded)} items, local {len(ours)}")
        for i, (a, b) in enumerate(zip(recorded, ours)):
            problems += compare(a, b, f"{path}[{i}]")
    elif recorded != ours:
        problems.append(f"{path}: recorded {recorded!r}, local {ours!r}")
    return problems


def _map_ids(recorded, ours, ids):
    """Learn which local id stands for each recorded one (spreadsheet ids and sheet ids)."""
    if isinstance(recorded, dict) and isinstance(ours, dict):
        for key, value in recorded.items():
            if key in ("id", "spreadsheetId", "sheetId") and key in ours and value != ours[key]:
                ids[value] = ours[key]
            elif key in ours:
                _map_ids(value, ours[key], ids)
    elif isinstance(recorded, list) and isinstance(ours, list):
        for a, b in zip(recorded, ours):
            _map_ids(a, b, ids)


def _rewrite(node, ids):
    if isinstance(node, dict):
        return {k: (ids.get(v, v) if k == "sheetId" else _rewrite(v, ids)) for k, v in node.items()}
    if isinstance(node, list):
        return [_rewrite(v, ids) for v in node]
    return node


@pytest.mark.parametrize("cassette", _cassette_files(), ids=lambda p: p.stem if p else "absent")
def test_replayed_google_traffic_gets_the_same_answers(cassette):
    interactions = json.loads(cassette.read_text())["interactions"]
    ids: dict = {}
    problems = []
    with serve_in_thread() as server, requests.Session() as http:
        for n, interaction in enumerate(interactions):
            request, response = interaction["request"], interaction["response"]
            uri = request["uri"]
            for host in HOSTS:
                uri = uri.replace(host, server.url)
            for recorded_id, local_id in ids.items():
                if isinstance(recorded_id, str):
                    uri = uri.replace(recorded_id, local_id)
            body = request.get("body")
            data = None
            if body:
                data = json.dumps(_rewrite(json.loads(body), ids)).encode()
            got = http.request(request["method"], uri, data=data, headers={"Content-Type": "application/json"})
            label = f"#{n} {request['method']} {request['uri'].split('.com', 1)[1][:90]}"
            if got.status_code != response["status"]["code"]:
                problems.append(f"{label}: status {got.status_code}, recorded {response['status']['code']}: "
                                f"{got.text[:200]}")
                continue
            text = response["body"]["string"]
            if not text.strip():
                continue
            expected = json.loads(text)
            actual = got.json()
            _map_ids(expected, actual, ids)
            problems += [f"{label}: {p}" for p in compare(expected, actual)]
    assert not problems, "\n".join(problems)
