"""`jiesu demo`: a ready-to-explore district on this machine (what `make run` starts)."""
import click


@click.command("demo")
@click.option("--serve", is_flag=True, help="随后启动网页服务和定时任务 / then start the web service and the scheduler")
@click.option("--reset", is_flag=True, help="删除并重建演示台账和状态库 / rebuild the demo ledger and state")
@click.pass_context
def demo(ctx, serve, reset):
    """建立演示台账(承办单位、派单目录、知识库和各阶段诉求)并运行一次同步 / set up demo data and sync once."""
    from datetime import datetime
    from pathlib import Path
    from zoneinfo import ZoneInfo

    import demo as data
    import profiles
    from connector import ledger_for
    from connector.setup import default_spec
    from jobs.cycle import run_cycle

    cfg = ctx.obj.config
    source = cfg.ledger.sources()[0]
    path = Path(source.path) if source.path else None
    if cfg.ledger.backend != "xlsx" or path is None:
        raise click.UsageError("jiesu demo 只用于本地工作簿 / demo data is for the local workbook backend")
    if reset:
        path.unlink(missing_ok=True)
        db = cfg.state.url.removeprefix("sqlite:///")
        if cfg.state.url.startswith("sqlite:///"):
            Path(db).unlink(missing_ok=True)
    if not path.exists():
        today = datetime.now(ZoneInfo(cfg.timezone)).date()
        ledger = ledger_for(cfg.ledger, source)
        ledger.init(default_spec())
        ledger.write([], {"承办单位": data.unit_rows(), "派单目录": data.rule_rows(),
                          "知识库": data.knowledge_rows(),
                          "台账": data.requests(today, profiles.load(cfg.profile))})
        click.echo(f"已建立演示台账 {path}")
    report = run_cycle(cfg)
    click.echo(report.summary())
    _demo_account(cfg)
    if serve:
        from cli.web_cmds import serve as serve_command
        ctx.invoke(serve_command)


DEMO_USER, DEMO_PASSWORD = "demo", "jiesu-demo-2026"


def _demo_account(cfg) -> None:
    """A coordinator account for exploring the demo, only while the store has no account at all."""
    from datetime import datetime, timezone

    from store import Store
    from web.auth import hash_password
    with Store.from_config(cfg) as store:
        if not store.users():
            store.user_save(DEMO_USER, hash_password(DEMO_PASSWORD), "coordinator", datetime.now(timezone.utc))
            click.echo(f"演示账户(协调机构): {DEMO_USER} / {DEMO_PASSWORD}")


def register(group):
    group.add_command(demo)
