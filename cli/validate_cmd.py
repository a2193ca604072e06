"""`jiesu validate FILE.xlsx [--profile P] [--json]`: print every problem in a ledger workbook."""
import json

import click

from cli.common import fail

DEFAULT_PROFILE = "zaoyang"  # its 工作台账 is the closest to the ledger's columns, and it has exclusions


def load_profile(profile_id: str):
    """The district profile by id, or a bilingual exit 2 naming the ids that exist."""
    import profiles
    if not hasattr(profiles, "load"):
        fail("区配置尚未安装（profiles.load 不存在）", "the profiles package has no load(); install the profiles", 2)
    try:
        return profiles.load(profile_id)
    except (LookupError, OSError, ValueError) as exc:  # unknown id, missing or broken profile file
        known = ", ".join(profiles.ids()) if hasattr(profiles, "ids") else ""
        fail(f"没有名为“{profile_id}”的区配置（可用：{known}）",
             f"no profile {profile_id!r} (known: {known}): {exc}", 2)


@click.command("validate")
@click.argument("path", metavar="FILE.xlsx", type=click.Path(dir_okay=False))
@click.option("--profile", "profile_id", default=DEFAULT_PROFILE, show_default=True,
              help="区配置 / district profile id (yicheng, shanting, gangnan, zaoyang, zibo)")
@click.option("--json", "as_json", is_flag=True, help="以 JSON 列表输出 / print a JSON list of problems")
def validate(path, profile_id, as_json):
    """校验台账工作簿并列出每个问题 / validate a ledger workbook; exit 0 clean, 1 errors, 2 unreadable."""
    from connector.workbook import WorkbookError, read_workbook
    from sheets_schema import SchemaError, validate_workbook

    profile = load_profile(profile_id)
    try:
        workbook = read_workbook(path)
        problems = validate_workbook(workbook, profile)
    except WorkbookError as exc:
        zh, _, en = str(exc).partition(" / ")
        fail(zh, en or zh, 2)
    except SchemaError as exc:
        fail(exc.message_zh, exc.message_en, 2)
    if as_json:
        click.echo(json.dumps([p.to_dict() for p in problems], ensure_ascii=False, indent=1))
    else:
        for p in problems:
            mark = "错误" if p.level == "error" else "提示"
            shown = "" if p.value is None else f" “{p.to_dict()['value']}”"
            click.echo(f"{p.sheet}!第{p.row}行 [{p.column}]{shown} {mark}: {p.message}")
        errors = sum(p.level == "error" for p in problems)
        click.echo(f"共 {errors} 处错误，{len(problems) - errors} 条提示 / "
                   f"{errors} errors, {len(problems) - errors} warnings")
    raise SystemExit(1 if any(p.level == "error" for p in problems) else 0)


def register(group):
    group.add_command(validate)
