"""The JSON API answers what docs/api.openapi.yaml documents; the cycle-requests job runs a cycle only when asked."""
import re
from datetime import datetime, timezone
from pathlib import Path

import pytest

from web_setup import build, login

SPEC = (Path(__file__).resolve().parent.parent / "docs" / "api.openapi.yaml").read_text(encoding="utf-8")


@pytest.fixture
def district(tmp_path):
    return build(tmp_path)


def _shape(path: str) -> str:
    return re.sub(r"<[^>]+>|\{[^}]+\}", "{}", path)


def test_every_api_route_is_documented_and_nothing_else(district):
    app = district[0]
    documented = {_shape(p) for p in re.findall(r"^  (/\S+):$", SPEC, flags=re.M)}
    served = {_shape(r.rule) for r in app.url_map.iter_rules() if r.rule.startswith(("/api/", "/hooks/", "/healthz"))}
    assert documented == served


def test_responses_carry_the_documented_keys(district):
    app, _, store = district
    client = app.test_client()
    login(client)
    required = re.search(r"^    Ticket:\n      type: object\n      required: \[([^\]]+)\]", SPEC, flags=re.M).group(1)
    keys = {k.strip() for k in required.split(",")}
    listing = client.get("/api/tickets?limit=2").get_json()
    assert listing["total"] == 3 and len(listing["tickets"]) == 2
    assert all(keys <= set(t) for t in listing["tickets"])
    first = listing["tickets"][0]
    detail = client.get(f"/api/tickets/{first['ledger']}/{first['row_id']}").get_json()
    assert keys | {"explain", "cells", "events", "notices"} <= set(detail)
    assert detail["dues"]["resolve"] and detail["explain"]["resolve"].startswith("受理次日起")
    assert client.get("/api/tickets?limit=x").status_code == 400
    assert set(client.get("/api/summary").get_json()) == {"total", "flagged", "by_status", "by_light", "last_cycle"}


def test_cycle_requests_job_runs_a_cycle_only_when_asked(district, monkeypatch, tmp_path):
    from jobs import tasks
    from jobs.schedule import jobs
    store = district[2]
    assert any(j.id == "cycle-requests" and j.func == "jobs.tasks:run_requested_cycles" for j in jobs())
    monkeypatch.setenv("JIESU_VAR_DIR", str(tmp_path))
    monkeypatch.setenv("JIESU_PROFILE", "yicheng")
    before = len(store.cycles(limit=100))
    tasks.run_requested_cycles(None)
    assert len(store.cycles(limit=100)) == before
    store.request_cycle("台账", datetime.now(timezone.utc))
    tasks.run_requested_cycles(None)
    assert len(store.cycles(limit=100)) == before + 1 and store.cycle_requests() == []
