"""`jiesu user add` reads the password from stdin; `jiesu serve` answers /healthz from a second process."""
import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

from click.testing import CliRunner
from werkzeug.security import check_password_hash

from cli import main
from store import Store


def _env(tmp_path):
    return {"JIESU_VAR_DIR": str(tmp_path), "JIESU_CONFIG": ""}


def test_user_add_reads_the_password_from_stdin_and_checks_scope(tmp_path):
    runner = CliRunner()
    env = _env(tmp_path)
    res = runner.invoke(main, ["user", "add", "wang", "--role", "unit", "--unit", "区住建局"],
                        input="a long secret 1\n", env=env)
    assert res.exit_code == 0, res.output
    assert "已新建" in res.output and "a long secret" not in res.output
    with Store(f"sqlite:///{tmp_path / 'state.db'}") as store:
        rec = store.user_get("wang")
    assert (rec.role, rec.unit) == ("unit", "区住建局") and check_password_hash(rec.password_hash, "a long secret 1")
    res = runner.invoke(main, ["user", "add", "li", "--role", "unit"], input="a long secret 1\n", env=env)
    assert res.exit_code == 2 and "--unit" in res.output
    res = runner.invoke(main, ["user", "add", "li", "--role", "coordinator"], input="short\n", env=env)
    assert res.exit_code == 2 and "至少 10" in res.output


def test_serve_answers_healthz(tmp_path):
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    env = {**os.environ, **_env(tmp_path), "JIESU_SCHEDULER__ENABLED": "false"}
    env.pop("JIESU_CONFIG")
    proc = subprocess.Popen([str(Path(sys.executable).parent / "jiesu"), "serve", "--port", str(port)], env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    try:
        for _ in range(100):
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=2) as resp:
                    assert resp.status == 200 and b'"status":"ok"' in resp.read().replace(b" ", b"")
                    break
            except OSError:
                time.sleep(0.1)
        else:
            proc.terminate()
            raise AssertionError("jiesu serve did not answer: " + proc.communicate()[0])
    finally:
        proc.terminate()
        proc.wait(timeout=10)
