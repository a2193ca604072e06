"""`jiesu deadline` and `jiesu due`: the interface later checks rely on, and their bilingual errors."""
import json
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from cli import main


def run(*args):
    return CliRunner().invoke(main, list(args))


def test_deadline_json_shape():
    r = run("deadline", "--profile", "zibo", "--category", "投诉", "--received", "2026-09-30T15:00", "--json")
    assert r.exit_code == 0, r.output
    assert json.loads(r.output) == {
        "profile": "zibo", "received": "2026-09-30T15:00:00",
        "milestones": {"reply": "2026-10-10T12:00:00", "resolve": "2026-10-27T12:00:00"},
        "explain": {"reply": "受理次日起第3个工作日(2026-10-10 周六 调休上班)12:00前",
                    "resolve": "受理次日起第15个工作日(2026-10-27 周二)12:00前"},
    }


def test_deadline_extended_and_round():
    r = run("deadline", "--profile", "yicheng", "--category", "投诉", "--received", "2026-09-30T15:00",
            "--extended", "--json")
    assert json.loads(r.output)["milestones"]["resolve"] == "2026-10-26T23:59:59"
    r = run("deadline", "--profile", "yicheng", "--category", "投诉", "--received", "2026-09-20T10:00",
            "--round", "2", "--returned", "2026-09-30T16:00", "--json")
    assert json.loads(r.output)["milestones"] == {"resolve": "2026-10-13T23:59:59"}


def test_deadline_human_output_lists_labels():
    r = run("deadline", "--profile", "yicheng", "--category", "求助", "--received", "2026-10-03T09:00")
    assert r.exit_code == 0 and "启动核实" in r.output and "2026-10-08 23:59:59" in r.output


def test_deadline_with_override_file_knows_2027(tmp_path):
    csv = tmp_path / "2027.csv"
    csv.write_text("date,kind,name\n2027-01-01,休,元旦\n2027-01-04,休,区调整\n", encoding="utf-8")
    args = ["deadline", "--profile", "yicheng", "--category", "投诉", "--received", "2026-12-24T10:00", "--json"]
    assert run(*args).exit_code == 2
    r = run(*args, "--calendar-overrides", str(csv))
    assert r.exit_code == 0, r.output
    # 12-25 12-28 12-29 12-30 12-31, then 01-05 01-06 (01-01 holiday, 01-04 overridden)
    assert json.loads(r.output)["milestones"]["resolve"] == "2027-01-06T23:59:59"


@pytest.mark.parametrize("args,zh,en", [
    (["--profile", "nowhere", "--category", "投诉", "--received", "2026-09-30T15:00"], "没有名为 nowhere", "unknown profile"),
    (["--profile", "zibo", "--category", "闲聊", "--received", "2026-09-30T15:00"], "诉求类别“闲聊”", "unknown category"),
    (["--profile", "zibo", "--category", "投诉", "--received", "2026-09-31T15:00"], "格式不对", "malformed time"),
    (["--profile", "zibo", "--category", "投诉", "--received", "yesterday"], "格式不对", "malformed time"),
    (["--profile", "zibo", "--category", "投诉", "--received", "2026-12-20T10:00"], "2027年", "no holiday data for 2027"),
    (["--profile", "zibo", "--category", "投诉", "--received", "2026-09-30T15:00", "--round", "2"], "退回", "--returned"),
    (["--profile", "shanting", "--category", "投诉", "--received", "2026-09-30T15:00"], "问题类型", "problem type"),
])
def test_deadline_bad_input(args, zh, en):
    r = CliRunner().invoke(main, ["deadline", *args, "--json"])
    assert r.exit_code == 2
    assert zh in r.output and en in r.output and "错误" in r.output and "error:" in r.output


@pytest.mark.parametrize("args,expected", [
    (["--from", "2026-09-30", "--working-days", "3"], "2026-10-10T23:59:59"),
    (["--from", "2026-09-30T10:00", "--working-days", "3", "--cutoff", "12:00"], "2026-10-10T12:00:00"),
    (["--from", "2026-10-03", "--working-days", "1"], "2026-10-08T23:59:59"),
    (["--from", "2026-09-28", "--calendar-days", "5"], "2026-10-08T23:59:59"),
    (["--from", "2026-10-05T09:00", "--calendar-days", "5"], "2026-10-10T23:59:59"),
])
def test_due(args, expected):
    r = run("due", *args)
    assert r.exit_code == 0, r.output
    assert r.output.strip() == expected


@pytest.mark.parametrize("args,en", [
    (["--from", "2026-09-30"], "exactly one"),
    (["--from", "2026-09-30", "--working-days", "3", "--calendar-days", "2"], "exactly one"),
    (["--from", "2026-09-30", "--working-days", "3", "--cutoff", "noon"], "--cutoff"),
    (["--from", "30/09/2026", "--working-days", "3"], "malformed time"),
    (["--from", "2026-12-30", "--calendar-days", "5"], "2027"),
    (["--from", "2026-09-30", "--working-days", "3", "--calendar-overrides", "/nonexistent.csv"], "cannot read"),
])
def test_due_bad_input(args, en):
    r = run("due", *args)
    assert r.exit_code == 2 and en in r.output


def test_bad_override_file_is_named(tmp_path):
    csv = tmp_path / "bad.csv"
    csv.write_text("date,kind,name\n2027-01-01,maybe,x\n", encoding="utf-8")
    r = run("due", "--from", "2026-09-30", "--working-days", "3", "--calendar-overrides", str(csv))
    assert r.exit_code == 2 and "第2行" in r.output and "bad.csv" in r.output


def test_console_script_runs(tmp_path):
    jiesu = Path(sys.executable).with_name("jiesu")
    out = subprocess.run([str(jiesu), "due", "--from", "2026-02-13", "--working-days", "1"],
                         capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "2026-02-14T23:59:59"
    helptext = subprocess.run([str(jiesu), "deadline", "--help"], capture_output=True, text=True, check=True).stdout
    assert "--calendar-overrides" in helptext and "--json" in helptext
