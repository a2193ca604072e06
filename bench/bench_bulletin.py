"""A monthly bulletin (xlsx + PDF) from a 100,000-row ledger, and similar-request grouping at that size."""
from __future__ import annotations

import json
import os
import pickle
import resource
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))

import numpy as np

from bench.bench_metrics import WeekdayCalendar, synth_ledger
from domain.metrics import Period
from reports.frames import Frames

# Recurring matters with their paraphrases: the grouping should find each one as a theme.
MATTERS = (
    ("厂区门前道路路灯损坏多日,夜间出行不便,希望尽快维修。", "公司门口路灯坏了好几天,晚上员工下班很黑,请维修路灯。"),
    ("高新技术企业认定补贴资金迟迟未到账,请协调财政部门拨付。", "申请的高新技术企业补贴资金一直没有到账。"),
    ("园区供水管道破裂,生产用水中断,请求尽快抢修。", "园区自来水管爆裂停水,无法生产,请抢修供水管道。"),
    ("咨询小微企业社保费减免政策的申请条件和办理流程。", "小微企业社保费减免怎么申请,需要什么条件?"),
    ("企业门前道路积水严重,下雨天车辆无法通行。", "雨天厂区门口道路积水,货车进出困难,请疏通排水。"),
    ("施工工地夜间噪音扰民,影响员工休息。", "附近工地晚上施工噪音很大,员工宿舍无法休息。"),
    ("企业用电频繁停电,生产设备受损,请供电公司排查线路。", "园区经常无故停电,机器设备损坏,请排查供电线路。"),
    ("办理营业执照变更登记材料被多次退回,希望一次性告知。", "营业执照变更登记反复补材料,请一次性告知所需材料。"),
    ("企业污水排放许可证办理进度缓慢。", "排污许可证申请提交很久仍未审批。"),
    ("员工子女入学政策咨询,外地员工子女能否就近入学。", "外地员工的子女怎么办理就近入学?"),
)


WORDS = tuple("""税务 登记 发票 用工 招聘 培训 厂房 租赁 土地 规划 消防 验收 环评 安全 生产 许可 贷款 融资 担保 出口
退税 物流 仓储 专利 商标 认证 检测 电价 燃气 网络 信号 公交 停车 绿化 垃圾 清运 食堂 卫生 宿舍 人才 公寓 补贴 申报 审批
备案 变更 注销 年报 社保 公积金 医保 工伤 仲裁 合同 纠纷 拖欠 货款 账款 水费 房租 物业 维修 改造 搬迁 拆迁""".split())


def synth_texts(n: int, rng) -> np.ndarray:
    """Request texts drawn from MATTERS with small changes (a place, an enterprise, a date), plus one-off
    requests made of random words; nearly every text is distinct, as in a real ledger."""
    places = np.array(["开发区", "高新区", "工业园", "东城", "西城", "北区", "南区"], dtype=object)
    pick = rng.integers(0, len(MATTERS), n)
    variant = rng.integers(0, 2, n)
    where = places[rng.integers(0, len(places), n)]
    firm = rng.integers(1, 5000, n)
    month, day = rng.integers(1, 13, n), rng.integers(1, 29, n)
    texts = [f"{w}第{f}号企业反映:自{m}月{d}日起,{MATTERS[p][v]}"
             for p, v, w, f, m, d in zip(pick, variant, where, firm, month, day)]
    words = np.array(WORDS, dtype=object)
    for i in np.flatnonzero(rng.random(n) < 0.15):
        texts[i] = "".join(rng.choice(words, 4, replace=False))
    return np.array(texts, dtype=object)


def synth_frames(n: int, seed: int = 0) -> Frames:
    """synth_ledger with request texts, as the frames the store would give."""
    tickets, lights, notices, referrals = synth_ledger(n, seed=seed)
    tickets["text"] = synth_texts(n, np.random.default_rng(seed + 1))
    return Frames(tickets, lights, notices, referrals)


def _produce(frames, when: str, out_dir, serial: bool = False) -> dict[str, float]:
    """One bulletin into out_dir; the seconds of each step (bulletin.STEPS, xlsx, pdf). serial: everything
    in this process (build, then write_files), as the scheduler makes it; else produce(), whose charts are
    drawn in a forked child when this process is single-threaded."""
    from profiles import load
    from reports import bulletin
    steps = {}
    last = time.perf_counter()

    def tick(step):
        nonlocal last
        now = time.perf_counter()
        steps[step], last = now - last, now
    kw = dict(profile=load("gangnan"), calendar=WeekdayCalendar(), progress=tick)
    if serial:
        b = bulletin.build(frames, Period.parse(when), **kw)
        bulletin.write_files(b, out_dir, tick)
    else:
        bulletin.produce(frames, Period.parse(when), out_dir, **kw)
    return steps


def fresh(frames_path: str, out_dir: str, mode: str = "produce") -> None:
    """The child process: one monthly bulletin from pickled frames, as `jiesu report --month` makes it in a
    new process (every import, jieba's dictionary, then the steps); prints its figures as JSON."""
    t0 = time.perf_counter()
    with open(frames_path, "rb") as f:
        frames = pickle.load(f)
    loaded = time.perf_counter() - t0
    steps = _produce(frames, "2026-10", out_dir, serial=mode == "serial")
    print(json.dumps({"load": loaded, "steps": steps}))


def _fresh_run(path: str, out: str, mode: str) -> tuple[float, float, dict]:
    """(wall from starting Python to exit minus reading the frames, CPU of the process and its children,
    the child's figures) of one fresh() run."""
    cpu0 = resource.getrusage(resource.RUSAGE_CHILDREN)
    t0 = time.perf_counter()
    done = subprocess.run([sys.executable, "-m", "bench.bench_bulletin", "--fresh", path, out, mode],
                          capture_output=True, text=True, check=True, cwd=ROOT)
    wall = time.perf_counter() - t0
    cpu1 = resource.getrusage(resource.RUSAGE_CHILDREN)
    got = json.loads(done.stdout.strip().splitlines()[-1])
    return wall - got["load"], cpu1.ru_utime - cpu0.ru_utime + cpu1.ru_stime - cpu0.ru_stime, got


def _fresh_process(frames: Frames, runs: int = 3) -> None:
    """Times fresh() in subprocesses, produce() and all-in-one-process alternated run for run (the machine
    may be shared: alternating puts both under the same load); medians."""
    from statistics import median
    with tempfile.TemporaryDirectory() as tmp:
        path = os.path.join(tmp, "frames.pickle")
        with open(path, "wb") as f:
            pickle.dump(frames, f, protocol=pickle.HIGHEST_PROTOCOL)
        got = {"produce": [], "serial": []}
        for _ in range(runs):
            for mode in got:
                got[mode].append(_fresh_run(path, tmp, mode))
    (wall, cpu, child), (serial_wall, serial_cpu, _) = ((median(r[0] for r in got[m]), median(r[1] for r in got[m]),
                                                        got[m][-1][2]) for m in ("produce", "serial"))
    print(f"monthly bulletin 2026-10 from {len(frames.tickets):,} tickets in a FRESH PROCESS (what `jiesu report "
          f"--month` costs), median of {runs}: {wall:.2f} s (aim < 10 s; runs "
          + ", ".join(f"{r[0]:.2f}" for r in got["produce"]) + f"), CPU {cpu:.2f} s; reading the pickled frames "
          f"({child['load']:.2f} s, standing in for the store) not counted")
    print(f"  the same with its charts drawn in the one process (no forked child): {serial_wall:.2f} s, CPU "
          f"{serial_cpu:.2f} s; the child saves {serial_wall - wall:.2f} s ({serial_wall / wall:.2f}x)")
    rest = got["produce"][-1][0] - sum(child["steps"].values())
    print(f"  steps of the last run: Python start, imports and exit {rest:.2f} s, "
          + ", ".join(f"{k} {v:.2f} s" for k, v in child["steps"].items()))


def run():
    from reports import similar

    frames = synth_frames(100_000)
    similar._jieba()  # jieba writes its dictionary cache on first use on a machine; every later process reads it
    _fresh_process(frames)
    for label, when in (("first in this process", "2026-10"), ("again in the same process", "2026-09")):
        with tempfile.TemporaryDirectory() as tmp:
            t0 = time.perf_counter()
            steps = _produce(frames, when, tmp)
            total = time.perf_counter() - t0
        print(f"monthly bulletin {when} from {len(frames.tickets):,} tickets, {label} (jieba loaded): "
              f"{total:.2f} s")
        print("  steps: " + ", ".join(f"{k} {v:.2f} s" for k, v in steps.items()))

    period = Period.parse("2026-10")
    month = frames.tickets[period.contains(frames.tickets["received"])]
    texts = month["text"].tolist()
    t0 = time.perf_counter()
    found = similar.themes(texts, month["number"].tolist())
    fast = time.perf_counter() - t0
    # Naive baseline: every pair compared (the full similarity matrix), same vectors and threshold.
    t0 = time.perf_counter()
    _, X = similar.vectorize(texts)
    sims = (X @ X.T).toarray() >= similar.THRESHOLD
    naive = time.perf_counter() - t0
    print(f"themes of one month ({len(texts):,} requests): {fast:.2f} s bucketed, {len(found)} themes; "
          f"all-pairs baseline {naive:.2f} s ({sims.sum():,} similar pairs)")
    texts = frames.tickets["text"].tolist()
    t0 = time.perf_counter()
    found = similar.themes(texts, frames.tickets["number"].tolist())
    print(f"themes of the whole ledger ({len(texts):,} requests): {time.perf_counter() - t0:.2f} s, "
          f"{len(found)} themes, largest {found[0].count if found else 0}")


if __name__ == "__main__" and sys.argv[1:2] == ["--fresh"]:
    fresh(*sys.argv[2:5])
