"""Commands about time: `jiesu deadline` (a ticket's milestones) and `jiesu due` (one period)."""
import json
import re
from datetime import datetime, time

import click

from cli.common import fail

_DATETIME = re.compile(r"(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{1,2}):(\d{2})(?::(\d{2}))?)?")


def _parse_time_of(value: str, option: str, date_only_ok: bool) -> datetime:
    m = _DATETIME.fullmatch((value or "").strip())
    shape = "YYYY-MM-DD[THH:MM]" if date_only_ok else "YYYY-MM-DDTHH:MM"
    if m and (date_only_ok or m[4] is not None):
        try:
            return datetime(int(m[1]), int(m[2]), int(m[3]), int(m[4] or 0), int(m[5] or 0), int(m[6] or 0))
        except ValueError:
            pass
    fail(f"{option} 的时间“{value}”格式不对,应为 {shape}(如 2026-10-09T09:30)",
         f"{option}: malformed time {value!r}, expected {shape} (e.g. 2026-10-09T09:30)")


def _calendar(overrides_path):
    """The official calendar, plus the override CSV when one is given."""
    from domain.calendar import OverrideError, WorkCalendar, parse_overrides

    if not overrides_path:
        return WorkCalendar.official()
    try:
        with open(overrides_path, encoding="utf-8-sig") as fh:
            text = fh.read()
    except OSError as exc:
        fail(f"无法读取工作日历覆盖表 {overrides_path}: {exc.strerror}",
             f"cannot read calendar overrides {overrides_path}: {exc.strerror}")
    except UnicodeDecodeError:
        fail(f"工作日历覆盖表 {overrides_path} 不是 UTF-8 文本", f"calendar overrides {overrides_path} is not UTF-8 text")
    try:
        return WorkCalendar.official(parse_overrides(text, source=str(overrides_path)))
    except OverrideError as exc:
        fail(exc.zh, exc.en)


def _bilingual(exc):
    """Exit with the error's own Chinese and English text."""
    fail(getattr(exc, "zh", str(exc)), getattr(exc, "en", str(exc)))


@click.command("deadline")
@click.option("--profile", "profile_id", required=True, help="区配置 / district profile id, e.g. zibo")
@click.option("--category", required=True, help="诉求类别 / category, e.g. 投诉")
@click.option("--problem-type", default=None, help="问题类型 / problem type: 简单 一般 复杂")
@click.option("--received", required=True, help="受理时间 / received time YYYY-MM-DDTHH:MM (Asia/Shanghai)")
@click.option("--extended", is_flag=True, help="已批准延期 / apply the approved extension to resolve")
@click.option("--extension-days", type=int, default=None,
              help="批准的延期长度 / approved extra length, when the approval names one")
@click.option("--round", "round_", type=int, default=1, show_default=True,
              help="办理轮次 / handling round (2 after an unsatisfied return visit)")
@click.option("--returned", default=None, help="退回重新办理时间 / return time YYYY-MM-DDTHH:MM (round 2+)")
@click.option("--calendar-overrides", type=click.Path(dir_okay=False), default=None,
              help="工作日历覆盖表 CSV (date,kind,name) / calendar override CSV")
@click.option("--json", "as_json", is_flag=True, help="输出 JSON / print one JSON object")
def deadline_cmd(profile_id, category, problem_type, received, extended, extension_days, round_, returned,
                 calendar_overrides, as_json):
    """每个办理节点的到期时间 / due time of every milestone of one ticket."""
    import profiles
    from domain.calendar import UnknownYearError
    from domain.deadlines import DeadlineError, compute

    received_at = _parse_time_of(received, "--received", date_only_ok=False)
    returned_at = _parse_time_of(returned, "--returned", date_only_ok=False) if returned else None
    try:
        profile = profiles.load(profile_id)
    except profiles.ProfileError as exc:
        zh, _, en = exc.problem.partition(" / ")
        fail(f"{exc.source}: {zh}", f"{exc.source}: {en or zh}")
    calendar = _calendar(calendar_overrides)
    try:
        dues = compute(profile, calendar, category=category, problem_type=problem_type or None,
                       received=received_at, extended=extended, round=round_, returned=returned_at,
                       extension_days=extension_days)
    except (DeadlineError, UnknownYearError) as exc:
        _bilingual(exc)
    if as_json:
        click.echo(json.dumps({
            "profile": profile.id,
            "received": received_at.isoformat(),
            "milestones": {name: due.at.isoformat() for name, due in dues.items()},
            "explain": {name: due.explain for name, due in dues.items()},
        }, ensure_ascii=False))
        return
    click.echo(f"{profile.name} {category}{'/' + problem_type if problem_type else ''} 受理 {received_at:%Y-%m-%d %H:%M}")
    for name, due in dues.items():
        label = profile.milestone_labels.get(name, name)
        click.echo(f"{name:8} {due.at:%Y-%m-%d %H:%M:%S}  {label}: {due.explain}")


@click.command("due")
@click.option("--from", "start", required=True, help="起算时间 / start YYYY-MM-DD[THH:MM]")
@click.option("--working-days", type=click.IntRange(min=0), default=None,
              help="N个工作日(次日起算) / N working days counted from the next day")
@click.option("--cutoff", default=None, help="截止时刻 / cut-off time HH:MM on the last day (default end of day)")
@click.option("--calendar-days", type=click.IntRange(min=0), default=None,
              help="N日(末日休息日顺延,民法典第203条) / N calendar days, rest-day end rolls forward")
@click.option("--calendar-overrides", type=click.Path(dir_okay=False), default=None,
              help="工作日历覆盖表 CSV (date,kind,name) / calendar override CSV")
@click.option("--explain", is_flag=True, help="另起一行说明计算过程 / also print how it was reached")
def due_cmd(start, working_days, cutoff, calendar_days, calendar_overrides, explain):
    """一个期限的到期时间 / when one period counted from a start ends."""
    from domain.calendar import UnknownYearError
    from domain.deadlines import due_in_calendar_days, due_in_working_days

    if (working_days is None) == (calendar_days is None):
        fail("须且只能给出 --working-days 或 --calendar-days 之一",
             "give exactly one of --working-days or --calendar-days")
    cut = None
    if cutoff is not None:
        m = re.fullmatch(r"([01]?\d|2[0-3]):([0-5]\d)", cutoff.strip())
        if not m:
            fail(f"--cutoff 的时刻“{cutoff}”格式不对,应为 HH:MM", f"--cutoff: malformed time {cutoff!r}, expected HH:MM")
        cut = time(int(m[1]), int(m[2]))
        if calendar_days is not None:
            fail("--cutoff 只能与 --working-days 一起用", "--cutoff only goes with --working-days")
    start_at = _parse_time_of(start, "--from", date_only_ok=True)
    calendar = _calendar(calendar_overrides)
    try:
        if working_days is not None:
            due = due_in_working_days(calendar, start_at, working_days, cut, origin="起算日")
        else:
            due = due_in_calendar_days(calendar, start_at, calendar_days, origin="起算日")
    except UnknownYearError as exc:
        _bilingual(exc)
    click.echo(due.at.isoformat())
    if explain:
        click.echo(due.explain)


def register(group):
    group.add_command(deadline_cmd)
    group.add_command(due_cmd)
