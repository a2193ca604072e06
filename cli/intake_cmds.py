"""`jiesu import`: queue the rows of the configured intake sources now (the cycle also does it each run)."""
import click


@click.command("import")
@click.option("--source", "names", multiple=True, help="只导入这些来源(名称见配置 [[intake.sources]])")
@click.option("--now", "now_text", default=None, help="固定当前时间, 如 2026-11-02T09:30")
@click.pass_context
def import_cmd(ctx, names, now_text):
    """导入 12345 导出文件或表单回复表; 同一行只导入一次 / import intake sources (each row once)."""
    from cli.cycle_cmds import _now
    from cli.common import fail
    from connector.base import LedgerError
    from jobs.intake import import_source
    from store import Store
    cfg = ctx.obj.config
    sources = [s for s in cfg.intake_sources if not names or s.name in names]
    if not sources:
        fail("配置中没有这些导入来源", "no such intake source in the config", 2)
    with Store.from_config(cfg) as store:
        for source in sources:
            try:
                r = import_source(cfg, source, store, _now(cfg, now_text))
            except (LedgerError, OSError, ValueError) as exc:
                fail(f"导入来源“{source.name}”读取失败: {exc}", f"cannot read intake source {source.name}", 2)
            click.echo(f"{r.source}: 新增 {r.added} 条, 已导入过 {r.already} 条; 下一次同步时写入台账")


def register(group):
    group.add_command(import_cmd)
