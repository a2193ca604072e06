"""Ledger connectors: the local .xlsx workbook (embedded default) and Google Sheets through gspread."""
from connector.parallel import read_many  # noqa: F401  (several ledgers read at once)


def ledger_for(ledger_config, township=None, *, service_headers=None, client=None, **options):
    """The Ledger of one township from config.LedgerConfig (duck-typed: backend, path, key, api_base,
    credentials()); `township` (a TownshipLedger) overrides path/key. Its worksheet, if any, is the title the
    caller reads as the ledger sheet."""
    path = getattr(township, "path", None) or ledger_config.path
    key = getattr(township, "key", None) or ledger_config.key
    info = None
    if ledger_config.backend == "gsheets" and not ledger_config.api_base and client is None:
        info = ledger_config.credentials()
    return open_ledger(ledger_config.backend, path=path, key=key, service_headers=service_headers,
                       api_base=ledger_config.api_base, credentials_info=info, client=client, **options)


def open_ledger(backend: str = "xlsx", *, path=None, key: str | None = None, service_headers=None,
                api_base: str | None = None, credentials_file: str | None = None, credentials_info=None,
                client=None, **options):
    """The Ledger for a config: xlsx at `path`, or gsheets spreadsheet `key` (local server when api_base).

    service_headers defaults to every service-owned column of the schema (connector.setup.default_spec)."""
    if service_headers is None:
        from connector.setup import default_spec
        service_headers = default_spec().service_headers
    if backend == "xlsx":
        from connector.xlsx import XlsxLedger
        if path is None:
            raise ValueError("xlsx 台账需要文件路径 / the xlsx backend needs a path")
        return XlsxLedger(path, service_headers)
    if backend == "gsheets":
        from connector.gsheets import GSheetsLedger
        from connector.http import open_client
        if not key:
            raise ValueError("Google 表格台账需要表格 key / the gsheets backend needs a spreadsheet key")
        client = client or open_client(api_base=api_base, credentials_file=credentials_file,
                                       credentials_info=credentials_info, **options)
        return GSheetsLedger(client, key, service_headers)
    raise ValueError(f"未知的台账类型 {backend!r}(应为 xlsx 或 gsheets) / unknown backend {backend!r}")
