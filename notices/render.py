"""Turns a Notice into its email subject, HTML and plain-text bodies and a GB/T 9704 PDF (WeasyPrint)."""
from __future__ import annotations

import functools
import re
import shutil
import subprocess
import threading
from dataclasses import dataclass
from pathlib import Path

import jinja2

from notices.facts import Notice
from notices.text import html_to_text

TEMPLATE_DIR = Path(__file__).resolve().parent.parent / "templates" / "notices"


@dataclass(frozen=True)
class RenderedNotice:
    """What goes into the outbox: subject, both bodies, the PDF letter and its file name."""
    subject: str
    html: str
    text: str
    pdf: bytes | None
    filename: str


@functools.lru_cache(maxsize=1)
def _env() -> jinja2.Environment:
    return jinja2.Environment(
        loader=jinja2.FileSystemLoader(TEMPLATE_DIR),
        autoescape=lambda name: bool(name) and name.endswith(".html.j2"),
        undefined=jinja2.StrictUndefined, trim_blocks=True, lstrip_blocks=True,
    )


@functools.lru_cache(maxsize=1)
def _stylesheet():
    # Parsed once per process: WeasyPrint's font configuration is the slow, reusable part.
    from weasyprint import CSS
    from weasyprint.text.fonts import FontConfiguration
    fonts = FontConfiguration()
    return CSS(filename=str(TEMPLATE_DIR / "letter.css"), font_config=fonts), fonts


def subject(n: Notice) -> str:
    """【督办单】督〔2026〕12号 关于编号〔2026〕第0012号企业诉求: kind, series number and ticket number."""
    return f"【{n.label}】{n.number} 关于编号{n.ticket_number}企业诉求"


def filename(n: Notice) -> str:
    """督办单_督〔2026〕12号.pdf; slashes are the only characters a file name cannot hold."""
    return f"{n.label}_{n.number}.pdf".replace("/", "-").replace("\\", "-")


def letter_html(n: Notice) -> str:
    """The full HTML of the printable letter (input to the PDF)."""
    return _env().get_template("letter.html.j2").render(n=n)


def body_text(n: Notice) -> str:
    """The letter body alone, as plain text."""
    return html_to_text(_env().get_template(f"{n.kind}.html.j2").render(n=n))


# WeasyPrint's shared font configuration is not meant for concurrent use (web preview + scheduler threads).
_PDF_LOCK = threading.Lock()


class FontsMissing(RuntimeError):
    """No CJK font is installed: a PDF would show empty boxes instead of Chinese."""


@functools.lru_cache(maxsize=1)
def check_cjk_fonts() -> None:
    """Raise FontsMissing when fontconfig knows no Chinese font (checked once per process)."""
    if not shutil.which("fc-list"):
        return
    out = subprocess.run(["fc-list", ":lang=zh", "family"], capture_output=True, text=True, timeout=30).stdout
    if not out.strip():
        raise FontsMissing("未安装中文字体, 无法生成PDF公文; 请安装 fonts-noto-cjk (make system-deps) / "
                           "no CJK font installed: install fonts-noto-cjk")


def render_pdf(n: Notice) -> bytes:
    """The letter as A4 PDF bytes, fonts subset to the characters used."""
    from weasyprint import HTML
    check_cjk_fonts()
    html = letter_html(n)
    with _PDF_LOCK:
        css, fonts = _stylesheet()
        return HTML(string=html, base_url=str(TEMPLATE_DIR)).write_pdf(stylesheets=[css], font_config=fonts)


def render(n: Notice, *, pdf: bool = True) -> RenderedNotice:
    """All renderings of one notice; pdf=False skips the (slow) PDF, e.g. for a preview."""
    env, subj, fname = _env(), subject(n), filename(n)
    html = env.get_template("email.html.j2").render(n=n, subject=subj, filename=fname)
    text = env.get_template("email.txt.j2").render(n=n, body_text=body_text(n), filename=fname)
    text = re.sub(r"\n{3,}", "\n\n", text).strip() + "\n"
    return RenderedNotice(subject=subj, html=html, text=text,
                          pdf=render_pdf(n) if pdf else None, filename=fname)
