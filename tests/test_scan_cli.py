"""`jiesu scan` and `jiesu outbox` from the command line: a real workbook, SQLite file and SMTP server."""
import json
from datetime import datetime

import openpyxl
from click.testing import CliRunner

from cli import main
from scan_support import letters, pdf_text, smtp  # noqa: F401


def _fill(path, rows):
    wb = openpyxl.load_workbook(path)
    for title, values in rows.items():
        ws = wb[title]
        head = [c.value for c in ws[1]]
        for i, record in enumerate(values, start=2):
            for h, v in record.items():
                ws.cell(i, head.index(h) + 1).value = v
    wb.save(path)


def _setup(tmp_path, port):
    book = tmp_path / "ledger.xlsx"
    assert CliRunner().invoke(main, ["init", str(book)]).exit_code == 0
    _fill(book, {
        "台账": [{"受理时间": datetime(2026, 3, 2, 9), "诉求企业": "甲公司", "联系人": "张三丰",
                  "联系电话": "13912345678", "诉求类别": "投诉", "主要诉求": "厂区门口道路破损",
                  "承办单位": "区住建局", "签收时间": datetime(2026, 3, 2, 10)}],
        "承办单位": [{"单位名称": "区住建局", "经办人": "李经办", "经办人电话": "13800000000",
                      "经办人邮箱": "li@zj.example.cn", "主要负责人": "王局长"}],
    })
    cfg = tmp_path / "jiesu.toml"
    cfg.write_text(f'profile = "yicheng"\nvar_dir = "{tmp_path}"\n[ledger]\nbackend = "xlsx"\npath = "{book}"\n'
                   f'[state]\nurl = "sqlite:///{tmp_path / "state.db"}"\n'
                   f'[mail]\nhost = "127.0.0.1"\nport = {port}\nsender = "jiesu@yc.example.cn"\n', encoding="utf-8")
    return book, cfg


def run(cfg, *args):
    res = CliRunner().invoke(main, ["--config", str(cfg), *args])
    assert res.exit_code == 0, res.output + repr(res.exception)
    return res.output


def test_scan_lights_writes_the_ledger_and_sends_the_letter_once(tmp_path, smtp):
    book, cfg = _setup(tmp_path, smtp.port)
    run(cfg, "sync", "--now", "2026-03-02T09:30")
    out = run(cfg, "scan", "--now", "2026-03-04T09:30", "--no-send")
    assert "黄灯 1" in out and "函件 1" in out and "未发送" in out and letters(smtp) == []
    listed = json.loads(run(cfg, "outbox", "--status", "queued", "--json"))
    assert any(i["subject"].startswith("【提醒敦促函】") for i in listed)
    out = run(cfg, "scan", "--now", "2026-03-04T09:40")
    assert "函件 0" in out and "已发送" in out
    [(to, msg)] = letters(smtp)
    assert to == ["li@zj.example.cn"] and "〔2026〕" in msg["Subject"] and "2026年3月5日" in pdf_text(msg)
    wb = openpyxl.load_workbook(book)
    ws = wb["台账"]
    head = [c.value for c in ws[1]]
    assert ws.cell(2, head.index("督办状态") + 1).value == "黄灯"
    assert "亮黄灯" in ws.cell(2, head.index("督办情况") + 1).value
    log = [[c.value for c in r] for r in wb["督办记录"].iter_rows(min_row=2) if any(c.value for c in r)]
    assert [r[3] for r in log] == ["黄灯", "提醒敦促函"]
    run(cfg, "scan", "--now", "2026-03-04T10:00")
    assert len(letters(smtp)) == 1


def test_outbox_shows_failures_and_retries_on_demand(tmp_path, smtp):
    book, cfg = _setup(tmp_path, smtp.port)
    smtp.stop()
    run(cfg, "scan", "--now", "2026-03-04T09:30")
    failed = json.loads(run(cfg, "outbox", "--status", "failed", "--json"))
    assert failed and all(not i["permanent"] for i in failed)
    assert "失败" in run(cfg, "outbox")
    smtp.start()
    out = run(cfg, "outbox", "--retry")
    assert f"重新排队 {len(failed)} 封" in out
    assert len(smtp.messages) == len(failed) and json.loads(run(cfg, "outbox", "--status", "failed", "--json")) == []
    res = CliRunner().invoke(main, ["--config", str(cfg), "outbox", "--retry", "999"])
    assert res.exit_code == 1 and "999" in res.output


def test_the_morning_digest_job_reads_units_from_the_ledger(tmp_path, smtp):
    import config as config_module
    from jobs.clock import parse_now
    from jobs.reminders import run_digest
    from jobs.tasks import deliver
    from store import Store
    book, cfg_path = _setup(tmp_path, smtp.port)
    run(cfg_path, "sync", "--now", "2026-03-04T08:00")
    cfg = config_module.load(str(cfg_path))
    with Store.from_config(cfg) as store:
        assert run_digest(cfg, store, parse_now("2026-03-07T08:30", cfg.timezone)).units == []   # Saturday
        assert run_digest(cfg, store, parse_now("2026-03-04T08:30", cfg.timezone)).units == ["区住建局"]
        deliver(cfg, store, parse_now("2026-03-04T09:00", cfg.timezone))
    [(to, msg)] = smtp.messages
    assert to == ["li@zj.example.cn"] and msg["Subject"].startswith("【每日待办】区住建局 2026年3月4日 超期1件")
