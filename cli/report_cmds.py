"""`jiesu report`: the bulletin (xlsx + PDF) for a month, quarter, half-year or year."""
import sys

import click

from cli.common import fail


@click.command("report")
@click.option("--month", help="月度通报 / a month, e.g. 2026-10")
@click.option("--quarter", help="季度 / a quarter, e.g. 2026Q3")
@click.option("--half", help="半年 / a half-year, e.g. 2026H2")
@click.option("--year", help="年度 / a year, e.g. 2026")
@click.option("--out", "out_dir", type=click.Path(file_okay=False), default=None,
              help="输出目录 / output directory; default: [report] out_dir or var/reports")
@click.option("--as-of", default=None, help="数据截至 / figures as of YYYY-MM-DDTHH:MM (default: the period's end)")
@click.pass_context
def report(ctx, month, quarter, half, year, out_dir, as_of):
    """通报 / write the bulletin of one period as xlsx and PDF (一月一通报)."""
    import pandas as pd

    from config import ConfigError
    from domain.metrics import MetricsInputError, Period
    from reports import bulletin, service
    from store import StoreError

    given = [(opt, v) for opt, v in (("month", month), ("quarter", quarter), ("half", half), ("year", year)) if v]
    if len(given) != 1:
        fail("请只指定一个统计期间:--month、--quarter、--half 或 --year",
             "give exactly one period: --month, --quarter, --half or --year")
    opt, text = given[0]
    shapes = {"month": r"\d{4}-\d{1,2}", "quarter": r"\d{4}[Qq][1-4]", "half": r"\d{4}[Hh][12]", "year": r"\d{4}"}
    import re
    if not re.fullmatch(shapes[opt], text.strip()):
        fail(f"--{opt} 的值“{text}”格式不对(如 2026-10、2026Q3、2026H2、2026)",
             f"--{opt}: malformed period {text!r} (e.g. 2026-10, 2026Q3, 2026H2, 2026)")
    try:
        period = Period.parse(text)
        when = pd.Timestamp(as_of) if as_of else None
    except MetricsInputError as exc:
        fail(exc.zh, exc.en)
    except ValueError:
        fail(f"--as-of 的时间“{as_of}”无法识别", f"--as-of: unreadable time {as_of!r}")
    try:
        cfg = ctx.obj.config
        steps = list(bulletin.STEPS) + ["xlsx", "pdf"]
        with click.progressbar(length=len(steps), label=f"{period.label}通报", file=sys.stderr,
                               item_show_func=lambda s: s) as bar:
            xlsx, pdf = service.produce_for(cfg, period, out_dir, as_of=when,
                                            progress=lambda step: bar.update(1, step))
    except ConfigError as exc:
        fail(f"配置项 {exc.key}: {exc.zh}", f"config key {exc.key}: {exc.en}")
    except StoreError as exc:
        zh, _, en = str(exc).partition(" / ")
        fail(zh, en or zh)
    except MetricsInputError as exc:
        fail(exc.zh, exc.en)
    click.echo(str(xlsx))
    click.echo(str(pdf))


def register(main):
    main.add_command(report)
