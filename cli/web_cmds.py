"""`jiesu serve` (the web service under waitress, with the scheduler in the same process) and
`jiesu user add` (accounts; the password is read from stdin)."""
import sys

import click

from cli.common import fail


@click.command("serve")
@click.option("--host", default=None, help="监听地址 / listen address (default: [web] host)")
@click.option("--port", type=int, default=None, help="端口 / port (default: [web] port)")
@click.option("--threads", type=int, default=8, show_default=True, help="工作线程数 / worker threads")
@click.option("--no-scheduler", is_flag=True, help="不在本进程运行定时任务 / do not run the jobs here")
@click.pass_context
def serve(ctx, host, port, threads, no_scheduler):
    """运行网页服务（看板、在线诉求、进度查询、webhook、API）/ serve the web app with waitress."""
    import logging

    from waitress import serve as waitress_serve

    from app import create_app
    from store import Store, StoreError
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    cfg = ctx.obj.config
    host, port = host or cfg.web.host, port or cfg.web.port
    if not cfg.web.secret_key():
        click.echo(f"提示: 未设置环境变量 {cfg.web.secret_key_env}，会话在重启后失效 / "
                   f"warning: {cfg.web.secret_key_env} is not set; sessions end on restart", err=True)
    try:
        cfg.var_dir.mkdir(parents=True, exist_ok=True)
        store = Store.from_config(cfg)
    except StoreError as exc:
        fail(str(exc), str(exc), 2)
    app = create_app({"JIESU": cfg, "STORE": store})
    _warm_in_background(store)
    if not store.users():
        click.echo("提示: 尚无网页账户，请先运行 jiesu user add NAME --role coordinator（密码从标准输入读取）/ "
                   "no accounts yet: add one with `jiesu user add NAME --role coordinator`", err=True)
    runner = None
    if cfg.scheduler.enabled and not no_scheduler:
        from jobs.scheduler import LeasedScheduler
        runner = LeasedScheduler(cfg, ctx.obj.config_path, store, ttl_seconds=cfg.scheduler.lease_ttl_seconds)
        runner.start_in_background()
    click.echo(f"接诉即办网页服务: http://{host}:{port}/ (定时任务{'随本进程运行' if runner else '未启用'})")
    try:
        waitress_serve(app, host=host, port=port, threads=threads, ident="jiesu")
    except OSError as exc:
        fail(f"无法监听 {host}:{port}: {exc}", f"cannot listen on {host}:{port}: {exc}", 2)
    finally:
        if runner:
            runner.stop()


def _warm_in_background(store):
    """The dashboard's ticket cache loaded while the server starts (~10 s at 100,000 tickets), so the first
    coordinator does not wait for it; a failure is logged and the first request loads it instead."""
    import logging
    import threading

    from web import tickets

    def warm():
        try:
            tickets.warm(store)
        except Exception:  # noqa: BLE001 — serving goes on; the first request will try again
            logging.getLogger("jiesu.web").exception("看板缓存预加载失败 / warming the dashboard cache failed")
    thread = threading.Thread(target=warm, name="jiesu-warm", daemon=True)
    thread.start()
    return thread


@click.group("user")
def user():
    """网页账户 / web accounts."""


@user.command("add")
@click.argument("name")
@click.option("--role", type=click.Choice(["coordinator", "township", "unit"]), required=True,
              help="coordinator 协调机构 / township 镇街受理人员 / unit 承办单位")
@click.option("--unit", default=None, help="承办单位名称 (role unit)")
@click.option("--township", default=None, help="镇街名称 (role township)")
@click.pass_context
def user_add(ctx, name, role, unit, township):
    """新建或更新账户；密码从标准输入读取（一行）/ create or update an account; the password comes from stdin."""
    from datetime import datetime, timezone

    from store import Store, StoreError
    from web.auth import hash_password
    if role == "unit" and not unit:
        fail("承办单位账户需要 --unit", "role unit needs --unit", 2)
    if role == "township" and not township:
        fail("镇街账户需要 --township", "role township needs --township", 2)
    if role == "coordinator" and (unit or township):
        fail("协调机构账户不限单位或镇街，请去掉 --unit/--township",
             "a coordinator sees everything: drop --unit/--township", 2)
    if sys.stdin.isatty():
        import getpass
        password = getpass.getpass("密码 / password: ")
    else:
        password = sys.stdin.readline().rstrip("\r\n")
    if len(password) < 10:
        fail("密码至少 10 个字符", "the password needs at least 10 characters", 2)
    cfg = ctx.obj.config
    try:
        cfg.var_dir.mkdir(parents=True, exist_ok=True)
        with Store.from_config(cfg) as store:
            created = store.user_save(name, hash_password(password), role, datetime.now(timezone.utc),
                                      unit=unit if role == "unit" else None,
                                      township=township if role == "township" else None)
    except StoreError as exc:
        fail(str(exc), str(exc), 2)
    click.echo(f"{'已新建' if created else '已更新'}账户 {name}（{role}）/ {'created' if created else 'updated'} {name}")


def register(group):
    group.add_command(serve)
    group.add_command(user)
