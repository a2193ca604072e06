"""Commands that run the service's work: `jiesu sync` (one cycle now) and `jiesu worker` (the scheduler)."""
import json

import click

from cli.common import fail


def _now(cfg, text):
    from jobs import clock
    try:
        return clock.parse_now(text, cfg.timezone)
    except ValueError:
        fail(f"时间格式不对: {text}(应为 2026-11-02T09:30)", f"malformed --now: {text} (want YYYY-MM-DDTHH:MM)", 2)


@click.command("sync")
@click.option("--now", "now_text", default=None, help="固定当前时间(用于演练和测试), 如 2026-11-02T09:30")
@click.option("--json", "as_json", is_flag=True, help="以 JSON 输出本次周期的结果")
@click.pass_context
def sync(ctx, now_text, as_json):
    """立即运行一次同步周期: 校验、编号、派单、计算时限、写回系统列 / run one sync cycle now."""
    from connector.base import LedgerError
    from jobs.cycle import run_cycle
    cfg = ctx.obj.config
    try:
        report = run_cycle(cfg, now=_now(cfg, now_text))
    except LedgerError as exc:
        zh, _, en = str(exc).partition(" / ")
        fail(zh, en or zh, 2)
    if as_json:
        click.echo(json.dumps({"cycle": report.cycle_id, "rows": report.rows, "numbered": report.numbered,
                               "errors": report.errors, "warnings": report.warnings,
                               "written_cells": report.written_cells, "write_calls": report.write_calls,
                               "appended": report.appended, "events": report.events, "flags": report.flags,
                               "missed": report.missed, "pending_years": sorted(report.pending_years)},
                              ensure_ascii=False))
    else:
        click.echo(report.summary())
        for line in report.missed:
            click.echo(f"未能写回: {line}", err=True)


@click.command("worker")
@click.pass_context
def worker(ctx):
    """只运行定时任务(每个部署只有一个进程真正调度) / run the scheduler alone (one per deployment)."""
    import logging
    from jobs.scheduler import LeasedScheduler
    from store import Store
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    cfg = ctx.obj.config
    with Store.from_config(cfg) as store:
        runner = LeasedScheduler(cfg, ctx.obj.config_path, store)
        click.echo(f"调度进程 {runner.holder} 已启动; 持有租约时运行任务 / scheduler standing by")
        try:
            runner.run_forever()
        except KeyboardInterrupt:
            runner.stop()


def register(group):
    group.add_command(sync)
    group.add_command(worker)
