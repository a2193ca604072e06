"""Supervision commands: `jiesu scan` (a cycle with escalation, then delivery) and `jiesu outbox` (list, retry)."""
import json

import click

from cli.common import fail


def _now(cfg, text):
    from jobs import clock
    try:
        return clock.parse_now(text, cfg.timezone)
    except ValueError:
        fail(f"时间格式不对: {text}(应为 2026-11-02T09:30)", f"malformed --now: {text} (want YYYY-MM-DDTHH:MM)", 2)


def _store(cfg):
    from store import Store, StoreError
    try:
        return Store.from_config(cfg)
    except StoreError as exc:
        zh, _, en = str(exc).partition(" / ")
        fail(zh, en or zh, 2)


def _deliver(cfg, store, now):
    import mail
    from jobs.scan import transport_for
    return mail.deliver(store, transport_for(cfg), now, sender=cfg.mail.sender)


@click.command("scan")
@click.option("--now", "now_text", default=None, help="固定当前时间(用于演练和测试), 如 2026-11-02T09:30")
@click.option("--no-send", is_flag=True, help="只排队, 不发送邮件 / queue mail but do not deliver it now")
@click.option("--json", "as_json", is_flag=True, help="以 JSON 输出结果")
@click.pass_context
def scan(ctx, now_text, no_send, as_json):
    """督办扫描: 同步台账、亮灯、发函、提醒, 然后发送邮件 / run a cycle with escalation, then deliver mail."""
    from connector.base import LedgerError
    from jobs.cycle import run_cycle
    cfg = ctx.obj.config
    now = _now(cfg, now_text)
    with _store(cfg) as store:
        try:
            report = run_cycle(cfg, now=now, escalate=True, store=store)
        except LedgerError as exc:
            zh, _, en = str(exc).partition(" / ")
            fail(zh, en or zh, 2)
        delivery = None if no_send else _deliver(cfg, store, now)
    counts = dict(getattr(report.escalation, "counts", {}) or {})
    if as_json:
        click.echo(json.dumps({"cycle": report.cycle_id, "escalation": counts,
                               "delivery": None if delivery is None else {
                                   "sent": len(delivery.sent), "retrying": len(delivery.retrying),
                                   "failed": len(delivery.failed)}}, ensure_ascii=False))
        return
    click.echo(report.summary())
    click.echo(f"督办: 黄灯 {counts.get('yellow', 0)}, 红灯 {counts.get('red', 0)}, 函件 {counts.get('notices', 0)}, "
               f"提醒 {counts.get('reminders', 0)}, 待协调机构处理 {counts.get('flags', 0)}"
               + (f", 缺少邮箱 {counts['unaddressed']}" if counts.get("unaddressed") else ""))
    click.echo("邮件: 未发送 (--no-send)" if delivery is None else f"邮件: {delivery}")


@click.command("outbox")
@click.option("--status", type=click.Choice(["queued", "sending", "sent", "failed"]), default=None,
              help="只列出该状态的邮件")
@click.option("--retry", "retry", is_flag=False, flag_value="all", default=None, metavar="[ID]",
              help="把失败的邮件(全部, 或指定 ID)重新排队并立即发送")
@click.option("--json", "as_json", is_flag=True, help="以 JSON 输出")
@click.pass_context
def outbox(ctx, status, retry, as_json):
    """发件箱: 列出待发、已发、失败的邮件, 按需重试 / list the outbox and retry failed mail."""
    from jobs import clock
    cfg = ctx.obj.config
    with _store(cfg) as store:
        if retry is not None:
            ident = None
            if retry != "all":
                try:
                    ident = int(retry)
                except ValueError:
                    fail(f"--retry 需要邮件 ID (整数): {retry}", f"--retry wants a message id: {retry}", 2)
                if store.outbox_get(ident) is None:
                    fail(f"发件箱中没有 ID 为 {ident} 的邮件", f"no outbox message with id {ident}", 1)
            now = clock.parse_now(None, cfg.timezone)
            n = store.outbox_retry(ident, now=now)
            report = _deliver(cfg, store, now)
            if not as_json:
                click.echo(f"重新排队 {n} 封; {report}")
        items = store.outbox_list(status)
    if as_json:
        click.echo(json.dumps([_item(i) for i in items], ensure_ascii=False, default=str))
        return
    if not items:
        click.echo("发件箱为空 / outbox empty" if status is None else f"没有状态为 {status} 的邮件")
    for i in items:
        state = {"queued": "待发", "sending": "发送中", "sent": "已发", "failed": "失败"}.get(i.status, i.status)
        if i.status == "failed":
            state += "(不再自动重试)" if i.permanent else f"(将于 {_local(cfg, i.next_attempt_at)} 重试)"
        elif i.status == "queued" and i.next_attempt_at:
            state += f"(不早于 {_local(cfg, i.next_attempt_at)})"
        click.echo(f"{i.id:>5}  {state}  {', '.join(i.to)}  {i.subject}  尝试{i.attempts}次"
                   + (f"  错误: {i.last_error}" if i.last_error else ""))


def _local(cfg, at):
    from jobs.clock import cell, to_local
    return cell(to_local(at, cfg.timezone)) if at else ""


def _item(i) -> dict:
    return {"id": i.id, "key": i.key, "status": i.status, "to": i.to, "cc": i.cc, "subject": i.subject,
            "attempts": i.attempts, "created_at": i.created_at, "next_attempt_at": i.next_attempt_at,
            "sent_at": i.sent_at, "last_error": i.last_error, "permanent": i.permanent,
            "attachments": [a.get("filename") for a in i.attachments]}


def register(group):
    group.add_command(scan)
    group.add_command(outbox)
