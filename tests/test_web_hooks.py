"""POST /hooks/sheets: signed, fresh, used once; and the Apps Script's own request code, run under Node,
is accepted by the real endpoint over HTTP."""
import json
import os
import shutil
import subprocess
import uuid
from pathlib import Path

import pytest

from web.hooks import signature
from web_setup import NOW, Served, build

SECRET = "hook-secret"
ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture
def district(tmp_path):
    return build(tmp_path, secret=SECRET)


def _signed(body: bytes, *, ts=None, nonce=None, secret=SECRET):
    ts = str(int(NOW.timestamp()) if ts is None else ts)
    nonce = nonce or uuid.uuid4().hex
    return {"X-Jiesu-Timestamp": ts, "X-Jiesu-Nonce": nonce, "X-Jiesu-Signature": signature(secret, ts, nonce, body)}


def _post(client, body: bytes, headers):
    return client.post("/hooks/sheets", data=body, headers=headers, content_type="application/json")


def test_a_signed_call_queues_one_cycle_and_calls_coalesce(district):
    app, _, store = district
    client = app.test_client()
    body = json.dumps({"ledger": "台账"}).encode()
    resp = _post(client, body, _signed(body))
    assert resp.status_code == 202 and resp.get_json() == {"ledger": "台账", "queued": True}
    assert _post(client, body, _signed(body)).get_json()["queued"] is False
    assert store.cycle_requests() == ["台账"]


def test_unsigned_tampered_stale_and_replayed_calls_are_refused(district):
    app, _, store = district
    client = app.test_client()
    body = json.dumps({"ledger": "台账"}).encode()
    assert _post(client, body, {}).status_code == 401
    headers = _signed(body)
    assert _post(client, json.dumps({"ledger": "台账 "}).encode(), headers).status_code == 401   # body changed
    assert _post(client, body, {**headers, "X-Jiesu-Nonce": "other"}).status_code == 401          # nonce changed
    assert _post(client, body, _signed(body, secret="guess")).status_code == 401
    assert _post(client, body, _signed(body, ts=int(NOW.timestamp()) - 600)).status_code == 401  # stale
    assert store.cycle_requests() == []
    assert _post(client, body, headers).status_code == 202
    replay = _post(client, body, headers)
    assert replay.status_code == 409 and "replayed" in replay.get_json()["error"]
    unknown = json.dumps({"ledger": "别的台账"}).encode()
    assert _post(client, unknown, _signed(unknown)).status_code == 404


def test_without_a_configured_secret_the_hook_is_off(tmp_path):
    app, _, _ = build(tmp_path, secret=None)
    body = b"{}"
    assert _post(app.test_client(), body, _signed(body)).status_code == 503


@pytest.mark.skipif(shutil.which("node") is None, reason="node is not installed")
def test_the_apps_script_request_is_accepted_by_the_real_endpoint(district):
    app, _, store = district
    app.config["CLOCK"] = None                      # the script signs with the real time
    served = Served(app)
    try:
        out = subprocess.run(
            ["node", str(ROOT / "tests" / "apps_script_harness.js"), str(ROOT / "templates" / "apps_script" / "Code.gs")],
            env={**os.environ, "JIESU_URL": served.url + "/", "JIESU_SECRET": SECRET, "JIESU_LEDGER": "台账"},
            capture_output=True, text=True, timeout=60, check=True).stdout
    finally:
        served.stop()
    result = json.loads(out)
    assert ["立即校验", "jiesuValidateNow"] in result["menu"] and ["打开看板", "jiesuOpenDashboard"] in result["menu"]
    assert ["MENU", "接诉即办"] in result["menu"]
    assert len(result["requests"]) == 2          # the menu call and one debounced edit of 台账
    assert [r["status"] for r in result["results"]] == [202, 202]
    assert result["results"][0]["body"] == {"ledger": "台账", "queued": True}
    assert result["replay"]["status"] == 409
    assert store.take_cycle_requests() == ["台账"]


def test_a_township_spreadsheet_is_found_by_its_key(tmp_path):
    import config as config_module
    from app import create_app
    from store import Store
    toml = tmp_path / "jiesu.toml"
    toml.write_text('[ledger]\nbackend = "gsheets"\napi_base = "http://127.0.0.1:9"\n'
                    '[[ledger.townships]]\nname = "坛山街道"\nkey = "KeyTanshan"\n'
                    '[[ledger.townships]]\nname = "吴林街道"\nkey = "KeyWulin"\n', encoding="utf-8")
    cfg = config_module.load(toml)
    store = Store.from_config(cfg)
    app = create_app({"TESTING": True, "JIESU": cfg, "STORE": store, "CLOCK": lambda: NOW,
                      "WEBHOOK_SECRET": SECRET, "SECRET_KEY": "k"})
    body = json.dumps({"spreadsheet_id": "KeyWulin", "reason": "edit", "sheet": "台账"}).encode()
    resp = _post(app.test_client(), body, _signed(body))
    assert resp.status_code == 202 and resp.get_json()["ledger"] == "吴林街道"
    assert store.cycle_requests() == ["吴林街道"]
    store.close()
