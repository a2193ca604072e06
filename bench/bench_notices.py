"""PDF rendering time per notice: first in the process, warm (cached fonts and stylesheet), and a naive
baseline that sets up fonts and parses the stylesheet for every letter."""
import statistics
import time

from notices import KINDS
from notices.render import TEMPLATE_DIR, letter_html, render, render_pdf
from notices.samples import sample

ROUNDS = 3


def _time(fn):
    t = time.perf_counter()
    out = fn()
    return time.perf_counter() - t, out


def _naive_pdf(n):
    from weasyprint import CSS, HTML
    return HTML(string=letter_html(n), base_url=str(TEMPLATE_DIR)).write_pdf(
        stylesheets=[CSS(filename=str(TEMPLATE_DIR / "letter.css"))])


def run():
    notices = [sample(k) for k in KINDS]
    cold, pdf = _time(lambda: render_pdf(notices[0]))
    print(f"first PDF in this process (font setup, cold subsetting): {cold * 1000:8.1f} ms, {len(pdf) / 1024:.0f} KiB")
    warm = [_time(lambda n=n: render_pdf(n))[0] for _ in range(ROUNDS) for n in notices]
    naive = [_time(lambda n=n: _naive_pdf(n))[0] for _ in range(ROUNDS) for n in notices]
    text = [_time(lambda n=n: render(n, pdf=False))[0] for _ in range(ROUNDS) for n in notices]
    w, b = statistics.median(warm), statistics.median(naive)
    print(f"PDF per notice, warm (cached fonts + stylesheet): median {w * 1000:7.1f} ms, max {max(warm) * 1000:7.1f} ms"
          f"  ({len(warm)} letters, {len(KINDS)} kinds)")
    print(f"PDF per notice, naive (fonts + stylesheet each time): median {b * 1000:7.1f} ms  -> warm is {b / w:.1f}x faster")
    print(f"HTML + plain-text bodies per notice: median {statistics.median(text) * 1000:7.2f} ms")
    sizes = [len(render_pdf(n)) for n in notices]
    print(f"PDF size with subset CJK fonts: {min(sizes) / 1024:.0f}-{max(sizes) / 1024:.0f} KiB per letter")
