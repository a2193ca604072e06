"""`jiesu db upgrade|status` and `jiesu config show|check` through the real click group."""
import json

from click.testing import CliRunner

from store.db import head_revision

from cli import main


def run(*args):
    return CliRunner().invoke(main, list(args), catch_exceptions=False)


def test_db_status_then_upgrade_on_the_configured_database(tmp_path):
    cfg = tmp_path / "jiesu.toml"
    cfg.write_text('profile = "zibo"\n[state]\nurl = "sqlite:///state/jiesu.db"\n', encoding="utf-8")
    res = run("--config", str(cfg), "db", "status")
    assert res.exit_code == 1 and "jiesu db upgrade" in res.output
    res = run("--config", str(cfg), "db", "upgrade")
    head = head_revision()
    assert res.exit_code == 0 and f"→ {head}" in res.output
    assert (tmp_path / "state" / "jiesu.db").exists()  # relative to the config file
    res = run("--config", str(cfg), "db", "status")
    assert res.exit_code == 0 and f"current: {head}" in res.output


def test_config_show_prints_settings_without_secrets(tmp_path, monkeypatch):
    cfg = tmp_path / "jiesu.toml"
    cfg.write_text('[state]\nurl = "postgresql+psycopg://jiesu:hunter2@db/jiesu"\n[mail]\nhost = "smtp.example.gov.cn"\n',
                   encoding="utf-8")
    monkeypatch.setenv("JIESU_SMTP_PASSWORD", "hunter3")
    res = run("--config", str(cfg), "config", "show")
    assert res.exit_code == 0
    shown = json.loads(res.output)
    assert shown["mail"]["host"] == "smtp.example.gov.cn" and shown["mail"]["password_env"] == "JIESU_SMTP_PASSWORD"
    assert "hunter2" not in res.output and "hunter3" not in res.output


def test_a_wrong_config_exits_2_naming_the_key_in_both_languages(tmp_path):
    cfg = tmp_path / "jiesu.toml"
    cfg.write_text('[mail]\nprot = 25\n', encoding="utf-8")
    res = CliRunner().invoke(main, ["--config", str(cfg), "config", "check"])
    assert res.exit_code == 2
    assert "配置项 mail.prot" in res.output and "是否想写 port" in res.output
    assert "config key mail.prot: unknown key (did you mean port?)" in res.output
    ok = tmp_path / "ok.toml"
    ok.write_text('profile = "gangnan"\n', encoding="utf-8")
    assert run("--config", str(ok), "config", "check").exit_code == 0
