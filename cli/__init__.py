"""The `jiesu` console command: one click group, one module per subcommand family."""
import click

from cli import common


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.option("--config", "config_path", type=click.Path(dir_okay=False), default=None,
              envvar="JIESU_CONFIG", help="配置文件 (TOML) / config file; default: built-in demo settings")
@click.pass_context
def main(ctx, config_path):
    """接诉即办 jiesu: enterprise requests handled on receipt, on shared spreadsheet ledgers."""
    ctx.obj = common.Context(config_path)


def _register():
    # Each family adds its commands here; import order is the order shown in --help.
    from cli import calendar_cmds
    calendar_cmds.register(main)
    from cli import ledger_cmds
    ledger_cmds.register(main)
    from cli import validate_cmd
    validate_cmd.register(main)
    from cli import store_cmds
    store_cmds.register(main)
    from cli import server_cmds
    server_cmds.register(main)
    from cli import cycle_cmds
    cycle_cmds.register(main)
    from cli import demo_cmds
    demo_cmds.register(main)
    from cli import intake_cmds
    intake_cmds.register(main)
    from cli import scan_cmds
    scan_cmds.register(main)
    from cli import report_cmds
    report_cmds.register(main)
    from cli import web_cmds
    web_cmds.register(main)


_register()
