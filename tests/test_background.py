"""reports.background: work done in a forked child while the caller goes on, with the caller's own result when
the child cannot or does not deliver; and the bulletin made that way is the one made in one process."""
import subprocess
import sys
import textwrap
import threading
from pathlib import Path

from reports.background import Background, can_fork

ROOT = Path(__file__).resolve().parent.parent


def _run(code: str, timeout=120) -> str:
    """code in a fresh single-threaded interpreter (pytest's own process may have threads)."""
    done = subprocess.run([sys.executable, "-c", textwrap.dedent(code)], capture_output=True, text=True,
                          timeout=timeout, cwd=ROOT)
    assert done.returncode == 0, done.stderr
    return done.stdout


def test_forked_child_computes_and_failures_fall_back_to_the_caller():
    out = _run("""
        import os
        from reports.background import Background, can_fork
        parent = os.getpid()
        assert can_fork()

        def where(x):
            return (os.getpid() != parent, x * 2)
        job = Background(where, 21)
        assert job.forked
        assert job.result() == (True, 42)          # computed in the child
        assert job.result() == (True, 42)          # and kept

        def dies(x):                               # the child vanishes without a word
            if os.getpid() != parent:
                os._exit(3)
            return ("here", x)
        assert Background(dies, 1).result() == ("here", 1)

        def fails_in_child(x):
            if os.getpid() != parent:
                raise MemoryError("child only")
            return ("here", x)
        assert Background(fails_in_child, 2).result() == ("here", 2)

        def always_fails(x):
            raise ValueError("bad input " + str(x))
        job = Background(always_fails, 7)
        try:
            job.result()
        except ValueError as e:                    # the caller sees fn's own error, raised here
            print("raised:", e)
    """)
    assert out.strip() == "raised: bad input 7"


def test_with_other_threads_alive_nothing_forks_and_the_work_is_done_on_result():
    stop = threading.Event()
    t = threading.Thread(target=stop.wait)
    t.start()
    try:
        assert not can_fork()
        calls = []
        job = Background(lambda x: calls.append(x) or x + 1, 1)
        assert not job.forked and calls == []      # nothing done until asked
        assert job.result() == 2 and job.result() == 2 and calls == [1]
    finally:
        stop.set()
        t.join()
    job = Background(lambda: "inline", fork=False)
    assert not job.forked and job.result() == "inline"


def test_bulletin_with_charts_drawn_in_a_child_is_the_one_drawn_in_one_process(tmp_path):
    # `jiesu report` is single-threaded: produce() draws the charts in a forked child. Its PDF must be the
    # one write_files gives when everything runs in one process; the parent never even loads matplotlib.
    out = _run(f"""
        import sys
        from bench.bench_metrics import WeekdayCalendar, synth_ledger
        from domain.metrics import Period
        from profiles import load
        from reports import bulletin
        from reports.frames import Frames
        frames = Frames(*synth_ledger(3000, seed=5))
        kw = dict(profile=load("zaoyang"), calendar=WeekdayCalendar())
        bulletin.produce(frames, Period.parse("2026-10"), {str(tmp_path / "forked")!r}, **kw)
        print("matplotlib in parent:", "matplotlib" in sys.modules)
        b = bulletin.build(frames, Period.parse("2026-10"), **kw)
        bulletin.write_files(b, {str(tmp_path / "inline")!r})
    """, timeout=280)
    assert "matplotlib in parent: False" in out
    from pypdf import PdfReader
    forked = PdfReader(tmp_path / "forked" / "通报_2026-10.pdf")
    inline = PdfReader(tmp_path / "inline" / "通报_2026-10.pdf")
    assert len(forked.pages) == len(inline.pages) > 4
    assert [p.extract_text() for p in forked.pages] == [p.extract_text() for p in inline.pages]
    images = lambda r: [img.data for p in r.pages[1:5] for img in p.images]  # noqa: E731 — chart pages
    assert images(forked) and images(forked) == images(inline)
