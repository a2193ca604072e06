"""Commands about the service's own state and settings: `jiesu db upgrade|status`, `jiesu config show|check`."""
import json

import click

from cli.common import fail


def _config(ctx):
    return ctx.obj.config


def _open_engine(cfg):
    from store.db import StoreError, make_engine
    try:
        return make_engine(cfg.state.url)
    except StoreError as exc:
        zh, _, en = str(exc).partition(" / ")
        fail(zh, en or zh, 2)


@click.group("db")
def db():
    """状态库 / the state database (SQLite or PostgreSQL)."""


@db.command("upgrade")
@click.pass_context
def db_upgrade(ctx):
    """把状态库升级到最新结构 / apply pending schema migrations."""
    from sqlalchemy.exc import SQLAlchemyError
    from store.db import current_revision, migrate

    engine = _open_engine(_config(ctx))
    try:
        before = current_revision(engine)
        migrate(engine)
        after = current_revision(engine)
    except SQLAlchemyError as exc:
        fail(f"无法连接或升级状态库: {exc.__class__.__name__}", f"cannot reach or upgrade the state database: {exc}", 2)
    finally:
        engine.dispose()
    click.echo(f"状态库结构版本 / schema revision: {before or '(空库 / empty)'} → {after}")


@db.command("status")
@click.pass_context
def db_status(ctx):
    """显示状态库结构版本 / show the schema revision; exit 1 when migrations are pending."""
    from sqlalchemy.exc import SQLAlchemyError
    from store.db import current_revision, head_revision

    cfg = _config(ctx)
    engine = _open_engine(cfg)
    try:
        current = current_revision(engine)
    except SQLAlchemyError as exc:
        fail(f"无法连接状态库: {exc.__class__.__name__}", f"cannot reach the state database: {exc}", 2)
    finally:
        engine.dispose()
    head = head_revision()
    click.echo(f"url: {engine.url.render_as_string(hide_password=True)}\ncurrent: {current or '-'}\nhead: {head}")
    if current != head:
        click.echo("需要执行 jiesu db upgrade / run `jiesu db upgrade`")
        raise SystemExit(1)


@click.group("config")
def config_group():
    """配置 / the configuration file and JIESU_… environment overrides."""


@config_group.command("show")
@click.pass_context
def config_show(ctx):
    """打印生效的配置（不含密码）/ print the effective settings as JSON (secrets never shown)."""
    import config as config_module
    click.echo(json.dumps(config_module.describe(_config(ctx)), ensure_ascii=False, indent=2))


@config_group.command("check")
@click.pass_context
def config_check(ctx):
    """检查配置 / check the configuration; exit 2 with the key to fix when it is wrong."""
    cfg = _config(ctx)
    click.echo(f"配置正确 / configuration OK: {cfg.source or '(内置默认 / built-in defaults)'}")


def register(group):
    group.add_command(db)
    group.add_command(config_group)
