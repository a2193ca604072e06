"""`jiesu sheets-server`: the local Google-Sheets-v4-compatible server for tests and offline work."""
import socket
import sys

import click


def register(group):
    group.add_command(sheets_server)


@click.command("sheets-server")
@click.option("--host", default="127.0.0.1", show_default=True, help="监听地址 / address to listen on")
@click.option("--port", default=8090, show_default=True, type=click.IntRange(0, 65535),
              help="端口 (0 = 任一空闲端口) / port (0 = any free port)")
@click.option("--quota", "per_minute", default=None, type=click.IntRange(1, None),
              help="每个客户端每分钟请求上限 (读写分开计) / requests per minute per client, reads and writes "
                   "counted apart, answered with 429 like Google; default: no limit")
@click.option("--access-log/--no-access-log", default=True, show_default=True, help="打印每个请求 / log requests")
def sheets_server(host, port, per_minute, access_log):
    """本地 Google Sheets v4 兼容服务 (内存中, 不需要 Google 帐号) / a local Sheets v4 server, in memory."""
    from connector.sheets_server import Quota, RunningServer
    from cli.common import fail

    try:
        _probe(host, port)  # werkzeug would print its own English message and exit; we say it in both languages
        server = RunningServer(host, port, quota=Quota(per_minute), quiet=not access_log)
    except OSError as exc:
        fail(f"无法在 {host}:{port} 上监听: {exc.strerror or exc}", f"cannot listen on {host}:{port}: {exc}")
    click.echo(f"sheets-server: {server.url}  (api_base = \"{server.url}\")")
    sys.stdout.flush()  # a parent process waits for this line to learn the port
    click.echo("数据只在内存中, 停止后即丢失 / data lives in memory only; Ctrl-C stops the server", err=True)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.stop()


def _probe(host: str, port: int) -> None:
    """Raise OSError now if the address cannot be bound."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    with socket.socket(family, socket.SOCK_STREAM) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        probe.bind((host, port))
