"""Profiles load from TOML, carry what later parts need, and a mistake names the file, key and problem."""
import tomllib
from pathlib import Path

import pytest

import profiles
from domain.profiles import NOTICE_KINDS, Limit, ProfileError

SOURCE = Path(profiles.__file__).parent


def test_the_five_districts_are_shipped():
    assert profiles.ids() == ["gangnan", "shanting", "yicheng", "zaoyang", "zibo"]


@pytest.mark.parametrize("pid", ["gangnan", "shanting", "yicheng", "zaoyang", "zibo"])
def test_profile_contract(pid):
    p = profiles.load(pid)
    assert p.id == pid and p.name and (Path("/work/shared/seeds") / p.seed).name == p.seed
    assert set(p.satisfied_levels) <= set(p.satisfaction_levels)
    assert "resolve" in p.milestone_names
    assert p.ticket_number(2026, 1).startswith(p.ticket_number_format.split("{")[0])
    for kind, fmt in p.notice_number_formats.items():
        assert kind in NOTICE_KINDS and "2026" in p.notice_number(kind, 2026, 7) and "7" in p.notice_number(kind, 2026, 7)
    assert p.supervision.overdue_notice in p.notice_number_formats
    assert abs(sum(w for k, w in p.metrics.weights.items() if not k.endswith("_lights")) - 1) < 1e-9
    assert p.reminders.due_soon_working_days >= 1 and p.reminders.send_hours


def test_seed_specific_rules():
    yicheng, zaoyang, shanting, gangnan, zibo = map(profiles.load, ["yicheng", "zaoyang", "shanting", "gangnan", "zibo"])
    assert yicheng.ticket_number(2026, 1) == "〔2026〕第0001号"
    assert (yicheng.extension.rule, yicheng.extension.working_days) == ("total", 14)
    assert yicheng.redo.limit == Limit("working_days", 5, None, yicheng.redo.limit.text)
    assert yicheng.jurisdiction_return.amount == yicheng.jurisdiction_redecide.amount == 1
    assert yicheng.supervision.red_after.amount == 1
    assert {(t.event, t.count, t.window, t.action) for t in yicheng.supervision.triggers} >= {
        ("yellow_light", 2, "month", "interview_notice"), ("red_light", 2, "month", "referral")}
    assert zaoyang.satisfaction_levels == ("非常满意", "满意", "基本满意", "不满意", "非常不满意")
    assert zaoyang.is_satisfied("基本满意") and not zaoyang.is_satisfied("不满意")
    assert (zaoyang.extension.rule, zaoyang.extension.factor) == ("multiple", 1)
    assert zaoyang.supervision.red_after == Limit("calendar_days", 5, None, zaoyang.supervision.red_after.text)
    assert zaoyang.notice_number("assignment_form", 2025, 3) == "〔2025〕3号"
    assert zaoyang.notice_number("handling_report", 2025, 3) == "〔2025〕第3号"
    assert zaoyang.metrics.targets["satisfaction_rate"] == 1.0 and gangnan.metrics.targets["satisfaction_rate"] == 0.95
    assert len(zaoyang.exclusions) == 9 and all(e.keywords for e in zaoyang.exclusions)
    assert {e.reason for e in shanting.exclusions} >= {"涉法事项", "涉诉事项", "涉访事项"}
    assert {t.action for t in gangnan.supervision.triggers} == {"reminder_letter", "rectification_notice", "interview_notice"}
    assert zibo.redo.limit.cutoff.hour == 12 and zibo.redo.limit.amount == 10


def _write(tmp_path, data_text, name="newdistrict"):
    path = tmp_path / f"{name}.toml"
    path.write_text(data_text, encoding="utf-8")
    return path


MINIMAL = """
id = "newdistrict"
name = "新区"
seed = "none"
categories = ["咨询", "投诉"]
ticket_number_format = "新〔{year}〕第{seq:03d}号"

[[limits]]
reply = { working_days = 2, cutoff = "17:30" }
resolve = { working_days = 6 }
"""


def test_a_new_district_is_one_toml_file(tmp_path):
    from datetime import datetime
    from domain.calendar import WorkCalendar
    from domain.deadlines import compute

    p = profiles.load_path(_write(tmp_path, MINIMAL))
    assert p.ticket_number(2026, 12) == "新〔2026〕第012号"
    dues = compute(p, WorkCalendar.official(), category="投诉", received=datetime(2026, 9, 30, 9))
    assert dues["reply"].at == datetime(2026, 10, 9, 17, 30)
    assert dues["resolve"].at == datetime(2026, 10, 14, 23, 59, 59)


# (what to change in a shipped profile, the key the error must name, a word of the problem)
MISTAKES = [
    ('ticket_number_format = "〔{year}〕第{seq:04d}号"', 'ticket_number_format = "〔{year}〕第号"', "ticket_number_format", "seq"),
    ('ticket_number_format = "〔{year}〕第{seq:04d}号"', 'ticket_number_format = "〔{yr}〕{seq}"', "ticket_number_format", "year"),
    ('resolve = { working_days = 7,', 'resolve = { working_days = 0,', "limits[0].resolve.working_days", "正整数"),
    ('resolve = { working_days = 7,', 'resolve = { working_days = "7",', "limits[0].resolve.working_days", "整数"),
    ('resolve = { working_days = 7,', 'resolve = { weeks = 1,', "limits[0].resolve.weeks", "unknown key"),
    ('contact = { working_days = 1,', 'contact = { working_days = 1, hours = 3,', "limits[0].contact", "exactly one"),
    ('contact = { working_days = 1,', 'contact = { hours = 1, cutoff = "12:00",', "limits[0].contact.cutoff", "cutoff"),
    ('contact = { working_days = 1,', 'contact = { working_days = 1, cutoff = "25:00",', "limits[0].contact.cutoff", "HH:MM"),
    ('contact = { working_days = 1,', 'visit = { working_days = 1,', "limits[0].visit", "milestone"),
    ('resolve = { working_days = 7,', 'finish = { working_days = 7,', "limits[0].finish", "milestone"),
    ('resolve = { working_days = 7, text = "7个工作日内解决或服务确认" }', '', "limits[0].resolve", "resolve"),
    ('rule = "total"', 'rule = "forever"', "extension.rule", "total"),
    ('working_days = 14', 'working_days = -1', "extension.working_days", "正整数"),
    ('satisfied_levels = ["满意"]', 'satisfied_levels = ["很好"]', "satisfied_levels", "satisfaction_levels"),
    ('categories = ["咨询", "求助", "投诉", "意见建议"]', 'categories = []', "categories", "empty"),
    ('categories = ["咨询", "求助", "投诉", "意见建议"]', 'categories = ["咨询", "咨询"]', "categories", "duplicate"),
    ('event = "yellow_light"', 'event = "purple_light"', "supervision.triggers[1].event", "unknown event"),
    ('action = "interview_notice"', 'action = "fire_everyone"', "supervision.triggers[1].action", "unknown action"),
    ('window = "month"', 'window = "week"', "supervision.triggers[1].window", "month"),
    ('reminder_letter = "峄接诉督〔{year}〕{seq}号"', 'warning_letter = "督〔{year}〕{seq}号"', "numbering.warning_letter", "unknown key"),
    ('send_hours = [9, 15]', 'send_hours = [9, 25]', "reminders.send_hours", "0-23"),
    ('weights = { on_time_rate = 0.4,', 'weights = { on_time_rate = 0.5,', "metrics.weights", "sum to 1"),
    ('name = "峄城区"', 'name = "峄城区"\ncolour = "red"', "colour", "unknown key"),
    ('id = "yicheng"', 'id = "Yicheng!"', "id", "lowercase"),
    ('max_rounds = 2', 'max_rounds = 0', "redo.max_rounds", ">= 1"),
    ('categories = ["咨询", "求助", "投诉", "意见建议"]', 'categories = ["咨询", "求助", "投诉", "意见建议", "举报"]\n[default_problem_types]\n"举报" = "复杂"', "default_problem_types.举报", "problem_types"),
]


@pytest.mark.parametrize("old,new,key,fragment", MISTAKES)
def test_a_mistake_names_file_key_and_problem(tmp_path, old, new, key, fragment):
    text = (SOURCE / "yicheng.toml").read_text(encoding="utf-8")
    assert old in text
    path = _write(tmp_path, text.replace(old, new, 1), "yicheng")
    with pytest.raises(ProfileError) as err:
        profiles.load_path(path)
    assert err.value.source == str(path)
    assert err.value.key == key
    assert fragment in err.value.problem
    assert str(path) in str(err.value) and key in str(err.value)


def test_uncovered_category_is_named(tmp_path):
    text = (SOURCE / "gangnan.toml").read_text(encoding="utf-8").replace('categories = ["投诉", "举报"]', 'categories = ["投诉"]')
    with pytest.raises(ProfileError) as err:
        profiles.load_path(_write(tmp_path, text, "gangnan"))
    assert err.value.key == "limits" and "举报" in err.value.problem


def test_toml_syntax_error_and_id_mismatch(tmp_path):
    with pytest.raises(ProfileError) as err:
        profiles.load_path(_write(tmp_path, "id = ", "broken"))
    assert err.value.key == "(syntax)"
    with pytest.raises(ProfileError) as err:
        profiles.load_path(_write(tmp_path, MINIMAL, "otherfile"))
    assert err.value.key == "id"


@pytest.mark.parametrize("bad", ["nope", "../zibo", "", "ZIBO"])
def test_unknown_profile(bad):
    with pytest.raises(profiles.UnknownProfileError) as err:
        profiles.load(bad)
    assert "zibo" in err.value.problem


def test_shipped_files_parse_as_plain_toml():
    for path in SOURCE.glob("*.toml"):
        assert tomllib.loads(path.read_text(encoding="utf-8"))["id"] == path.stem
