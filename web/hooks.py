"""POST /hooks/sheets: the spreadsheet plugin asks for an immediate cycle of one ledger. Every call is
signed (HMAC-SHA256 with the shared webhook secret over timestamp, nonce and body), fresh, and used once."""
from __future__ import annotations

import hashlib
import hmac
import json

from flask import Blueprint, jsonify, request

from web.context import res

bp = Blueprint("hooks", __name__)

MAX_SKEW_SECONDS = 300
NONCE_KEEP_SECONDS = 2 * MAX_SKEW_SECONDS + 60
TS_HEADER, NONCE_HEADER, SIG_HEADER = "X-Jiesu-Timestamp", "X-Jiesu-Nonce", "X-Jiesu-Signature"


def signature(secret: str, timestamp: str, nonce: str, body: bytes) -> str:
    """Hex HMAC-SHA256 of "timestamp\\nnonce\\nbody" (what the Apps Script computes)."""
    message = timestamp.encode() + b"\n" + nonce.encode() + b"\n" + body
    return hmac.new(secret.encode(), message, hashlib.sha256).hexdigest()


def _refuse(status: int, zh: str, en: str):
    return jsonify(error=f"{zh} / {en}"), status


def _ledger_id(payload: dict) -> str | None:
    """The ledger the call names: its id (township name / 台账) or its spreadsheet key."""
    sources = res().cfg.ledger.sources()
    wanted = payload.get("ledger")
    key = payload.get("spreadsheet_id")
    for s in sources:
        if (wanted and s.id == wanted) or (key and (s.key or res().cfg.ledger.key) == key):
            return s.id
    return None


@bp.post("/hooks/sheets")
def sheets():
    r = res()
    secret = r.app_config.get("WEBHOOK_SECRET") or r.cfg.web.webhook_secret()
    if not secret:
        return _refuse(503, "未配置 webhook 密钥", "no webhook secret configured")
    ts, nonce, sig = (request.headers.get(h, "") for h in (TS_HEADER, NONCE_HEADER, SIG_HEADER))
    body = request.get_data(cache=True)
    if not (ts and nonce and sig) or len(nonce) > 200:
        return _refuse(401, "缺少签名", "missing signature headers")
    if not hmac.compare_digest(signature(secret, ts, nonce, body), sig.lower()):
        return _refuse(401, "签名不符", "bad signature")
    try:
        sent = int(ts)
    except ValueError:
        return _refuse(401, "时间戳无效", "bad timestamp")
    now = r.now()
    if abs(now.timestamp() - sent) > MAX_SKEW_SECONDS:
        return _refuse(401, "请求已过期", "stale request")
    if not r.store.nonce_use(nonce, now, keep_seconds=NONCE_KEEP_SECONDS):
        return _refuse(409, "重复的请求（nonce 已用过）", "replayed request")
    try:
        payload = json.loads(body or b"{}")
    except ValueError:
        return _refuse(400, "请求内容不是 JSON", "body is not JSON")
    ledger_id = _ledger_id(payload if isinstance(payload, dict) else {})
    if ledger_id is None:
        return _refuse(404, "没有这个台账", "unknown ledger")
    queued = r.store.request_cycle(ledger_id, now)
    return jsonify(ledger=ledger_id, queued=queued), 202


def init_app(app) -> None:
    app.register_blueprint(bp)


