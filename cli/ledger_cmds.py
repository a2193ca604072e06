"""`jiesu init`: create a ledger workbook (local or Google) or complete an existing one."""
import click

from cli.common import fail


def _report(report, where):
    click.echo(f"台账已就绪 / ledger ready: {where}")
    for note in report.notes:
        click.echo(f"  {note}")
    for title in report.created_sheets:
        click.echo(f"  新建工作表 / created worksheet: {title}")
    for title, cols in report.added_columns.items():
        click.echo(f"  「{title}」补充列 / added columns: {'、'.join(cols)}")
    if not report.created_sheets and not report.added_columns:
        click.echo("  工作表和列均已齐全,仅刷新了格式 / nothing missing; formats refreshed")


def _init_from_config(spec):
    """No PATH or key given: set up every ledger the config names ([ledger], [[ledger.townships]])."""
    from connector import ledger_for
    cfg = click.get_current_context().obj.config.ledger
    for source in cfg.sources():
        ledger = ledger_for(cfg, source, service_headers=spec.service_headers)
        titles = [source.worksheet] if getattr(source, "worksheet", None) else []
        _report(ledger.init(spec.with_ledger_titles(titles)), getattr(ledger, "path", None) or ledger.key)


@click.command("init")
@click.argument("path", required=False, type=click.Path(dir_okay=False))
@click.option("--backend", type=click.Choice(["xlsx", "gsheets"]), default=None,
              help="台账类型 / ledger backend (default: xlsx with PATH, gsheets with --key/--title)")
@click.option("--key", default=None, help="Google 表格 key / spreadsheet key (gsheets)")
@click.option("--title", default=None, help="新建 Google 表格的名称 / title of a new spreadsheet (gsheets)")
@click.option("--api-base", default=None, envvar="JIESU_SHEETS_API_BASE",
              help="Sheets 服务地址,如本地服务 http://127.0.0.1:8090 / Sheets API base URL")
@click.option("--credentials", "credentials_file", default=None, type=click.Path(dir_okay=False),
              envvar="JIESU_SHEETS_CREDENTIALS", help="服务账号密钥 JSON / service account key file")
@click.option("--ledger-title", "ledger_titles", multiple=True,
              help="台账工作表名称,可多次给出(每个镇街一个,如 台账-坛山街道)/ ledger worksheet title(s)")
def init_cmd(path, backend, key, title, api_base, credentials_file, ledger_titles):
    """创建或补齐台账工作簿(从不删除数据)/ create or complete a ledger workbook; never deletes data."""
    from connector import open_ledger
    from connector.base import LedgerError
    from connector.setup import default_spec

    spec = default_spec().with_ledger_titles(ledger_titles)
    if not (path or key or title or backend):
        try:
            return _init_from_config(spec)
        except LedgerError as exc:
            zh, _, en = str(exc).partition(" / ")
            fail(zh, en or zh, 2)
    backend = backend or ("gsheets" if (key or title) else "xlsx")
    try:
        if backend == "xlsx":
            if not path:
                fail("请给出台账文件路径,例如 jiesu init 台账.xlsx", "give the workbook PATH, e.g. jiesu init ledger.xlsx")
            if not str(path).lower().endswith((".xlsx", ".xlsm")):
                fail(f"{path} 不是 .xlsx 文件名", f"{path} is not an .xlsx file name")
            ledger = open_ledger("xlsx", path=path, service_headers=spec.service_headers)
            _report(ledger.init(spec), path)
            return
        from connector.gsheets import create_spreadsheet
        from connector.http import open_client
        client = open_client(api_base=api_base, credentials_file=credentials_file)
        if not key:
            key = create_spreadsheet(client, title or "接诉即办台账")
            click.echo(f"新建 Google 表格 / created spreadsheet: {key}")
        ledger = open_ledger("gsheets", key=key, client=client, service_headers=spec.service_headers)
        _report(ledger.init(spec), key)
    except LedgerError as exc:
        zh, _, en = str(exc).partition(" / ")
        fail(zh, en or zh, 2)


def register(group):
    group.add_command(init_cmd)
