"""Configuration: the issue's TOML shape, defaults, JIESU_… overrides, secrets, and errors naming the key."""
import json
from pathlib import Path

import pytest

import config
from config import ConfigError

ISSUE_SHAPE = """\
profile = "zibo"
timezone = "Asia/Shanghai"
[ledger]
backend = "xlsx"            # or "gsheets"
path = "ledger.xlsx"
[state]
url = "sqlite:///state.db"
[mail]
host = "127.0.0.1"
port = 8025
sender = "jiesu@example.gov.cn"
"""


def write(tmp_path, text, name="jiesu.toml"):
    p = tmp_path / name
    p.write_text(text, encoding="utf-8")
    return p


def test_the_issue_shape_loads_exactly(tmp_path):
    cfg = config.load(write(tmp_path, ISSUE_SHAPE), env={})
    assert (cfg.profile, cfg.timezone, cfg.ledger.backend) == ("zibo", "Asia/Shanghai", "xlsx")
    assert cfg.ledger.path == tmp_path / "ledger.xlsx"  # relative to the config file, not the cwd
    assert cfg.state.url == f"sqlite:///{tmp_path / 'state.db'}"
    assert (cfg.mail.host, cfg.mail.effective_port, cfg.mail.sender, cfg.mail.embedded) == (
        "127.0.0.1", 8025, "jiesu@example.gov.cn", False)
    assert [s.id for s in cfg.ledger.sources()] == ["台账"]
    assert str(cfg.tz) == "Asia/Shanghai"
    with pytest.raises(Exception):
        cfg.profile = "gangnan"  # frozen


def test_defaults_are_the_embedded_setup_under_var(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    cfg = config.load(None, env={})
    assert cfg.source is None and cfg.var_dir == tmp_path / "var"
    assert cfg.ledger.backend == "xlsx" and cfg.ledger.path == tmp_path / "var" / "ledger.xlsx"
    assert cfg.state.url == f"sqlite:///{tmp_path / 'var' / 'state.db'}"
    assert cfg.mail.embedded and cfg.mail.mailbox == tmp_path / "var" / "mailbox"
    assert cfg.scheduler.enabled


def test_several_township_ledgers_on_google_sheets(tmp_path):
    creds = write(tmp_path, json.dumps({"type": "service_account", "client_email": "x@y"}), "sa.json")
    cfg = config.load(write(tmp_path, f"""
profile = "yicheng"
[ledger]
backend = "gsheets"
api_base = "http://127.0.0.1:8090"
credentials_file = "{creds.name}"
[[ledger.townships]]
name = "坛山街道"
key = "1AbcKey"
[[ledger.townships]]
name = "吴林街道"
key = "1DefKey"
"""), env={})
    assert [(t.id, t.key) for t in cfg.ledger.sources()] == [("坛山街道", "1AbcKey"), ("吴林街道", "1DefKey")]
    assert cfg.ledger.api_base == "http://127.0.0.1:8090"
    assert cfg.ledger.credentials() == {"type": "service_account", "client_email": "x@y"}


def test_spreadsheet_keys_one_per_township_as_a_table(tmp_path):
    cfg = config.load(write(tmp_path, """
[ledger]
backend = "gsheets"
[ledger.keys]
"坛山街道" = "1AbcKey"
"吴林街道" = "1DefKey"
"""), env={})
    assert [(t.id, t.key) for t in cfg.ledger.sources()] == [("坛山街道", "1AbcKey"), ("吴林街道", "1DefKey")]
    with pytest.raises(ConfigError) as err:
        config.load(write(tmp_path, '[ledger]\nbackend = "gsheets"\nkeys = ["1Abc"]\n'), env={})
    assert err.value.key == "ledger.keys"


def test_townships_as_worksheets_of_one_workbook_and_intake_sources(tmp_path):
    cfg = config.load(write(tmp_path, """
[ledger]
path = "district.xlsx"
[[ledger.townships]]
name = "城关街道"
worksheet = "城关台账"
[[ledger.townships]]
name = "榴园镇"
path = "liuyuan.xlsx"
[[intake.sources]]
name = "12345导出"
kind = "file"
path = "imports/12345.csv"
columns = { "工单编号" = "备注", "来电人" = "联系人", "来电号码" = "联系电话" }
"""), env={})
    a, b = cfg.ledger.sources()
    assert (a.worksheet, a.path, b.path) == ("城关台账", None, tmp_path / "liuyuan.xlsx")
    [src] = cfg.intake_sources
    assert src.path == tmp_path / "imports" / "12345.csv" and src.columns["来电号码"] == "联系电话"


def test_environment_overrides_in_both_spellings(tmp_path):
    path = write(tmp_path, ISSUE_SHAPE)
    env = {"JIESU_PROFILE": "gangnan", "JIESU_MAIL__PORT": "2525", "JIESU_MAIL_STARTTLS": "true",
           "JIESU_STATE_URL": "postgresql+psycopg://jiesu@db/jiesu", "JIESU_LEDGER__PATH": "other.xlsx",
           "JIESU_SCHEDULER__ENABLED": "no", "JIESU_UNRELATED": "ignored"}
    cfg = config.load(path, env=env)
    assert (cfg.profile, cfg.mail.port, cfg.mail.starttls, cfg.scheduler.enabled) == ("gangnan", 2525, True, False)
    assert cfg.state.url == "postgresql+psycopg://jiesu@db/jiesu"
    assert cfg.ledger.path == Path.cwd() / "other.xlsx"  # env paths are relative to where you run
    both = config.load(path, env={"JIESU_MAIL_PORT": "1", "JIESU_MAIL__PORT": "2"})
    assert both.mail.port == 2


def test_secrets_come_from_environment_or_named_files_only(tmp_path, monkeypatch):
    pw = write(tmp_path, "s3cret\n", "smtp.pw")
    cfg = config.load(write(tmp_path, ISSUE_SHAPE + 'username = "jiesu"\npassword_file = "smtp.pw"\n'), env={})
    assert cfg.mail.password() == "s3cret"
    assert "s3cret" not in json.dumps(config.describe(cfg))
    cfg = config.load(write(tmp_path, ISSUE_SHAPE + 'password_env = "MY_SMTP_PW"\n'), env={})
    monkeypatch.setenv("MY_SMTP_PW", "from-env")
    assert cfg.mail.password() == "from-env"
    with pytest.raises(ConfigError, match="mail.password"):
        config.load(write(tmp_path, ISSUE_SHAPE + 'password = "inline"\n'), env={})
    monkeypatch.setenv("JIESU_GOOGLE_CREDENTIALS", '{"type": "service_account"}')
    assert config.load(None, env={}).ledger.credentials() == {"type": "service_account"}
    pg = config.load(None, env={"JIESU_STATE__URL": "postgresql+psycopg://jiesu:pw@db/jiesu"})
    assert "pw" not in config.describe(pg)["state"]["url"]
    pw.unlink()


@pytest.mark.parametrize("text, key, words", [
    ('[ledger]\npth = "x.xlsx"\n', "ledger.pth", "path"),
    ('profil = "zibo"\n', "profil", "profile"),
    ('[mail]\nport = "8025"\n', "mail.port", "整数"),
    ('[mail]\nstarttls = "yes"\n', "mail.starttls", "true 或 false"),
    ('[mail]\nssl = true\nstarttls = true\n', "mail.ssl", "只能选一个"),
    ('[mail]\nport = 70000\n', "mail.port", "1–65535"),
    ('timezone = "Asia/Beijing"\n', "timezone", "未知时区"),
    ('profile = "Zibo County"\n', "profile", "zibo"),
    ('[ledger]\nbackend = "excel"\n', "ledger.backend", "xlsx 或 gsheets"),
    ('[ledger]\nbackend = "gsheets"\n', "ledger.key", "key"),
    ('[state]\nurl = "mysql://x"\n', "state.url", "sqlite"),
    ('[[ledger.townships]]\nname = "A"\nkey = "k"\n[[ledger.townships]]\nname = "A"\nkey = "k2"\n',
     "ledger.townships", "重复"),
    ('[[ledger.townships]]\nname = "A"\n[ledger]\npath = "d.xlsx"\n', "ledger.townships[0].worksheet", "worksheet"),
    ('[[intake.sources]]\nname = "表单"\nkind = "sheet"\nkey = "k"\n', "intake.sources[0].columns", "列映射"),
    ('ledger = "x.xlsx"\n', "ledger", "表"),
])
def test_bad_settings_name_the_key(tmp_path, text, key, words):
    with pytest.raises(ConfigError) as err:
        config.load(write(tmp_path, text), env={})
    assert err.value.key == key
    assert words in str(err.value)


def test_bad_environment_value_names_the_variable(tmp_path):
    with pytest.raises(ConfigError) as err:
        config.load(None, env={"JIESU_MAIL__PORT": "smtp"})
    assert err.value.key == "mail.port" and "JIESU_MAIL__PORT" in str(err.value)


def test_missing_and_broken_files_are_clear(tmp_path):
    with pytest.raises(ConfigError, match="找不到配置文件"):
        config.load(tmp_path / "nope.toml", env={})
    with pytest.raises(ConfigError, match="TOML"):
        config.load(write(tmp_path, "profile = \n"), env={})


def test_nothing_is_read_at_import_time(tmp_path):
    import os
    import subprocess
    import sys
    env = dict(os.environ, JIESU_MAIL__PORT="not-a-port", JIESU_CONFIG=str(tmp_path / "missing.toml"))
    proc = subprocess.run([sys.executable, "-c", "import config, cli"], env=env, capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr
